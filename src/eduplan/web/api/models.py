"""Personal API tokens. Only a SHA-256 digest of a token is stored: whoever reads the database (or a backup)
cannot call the API as anyone. The token is shown once, when made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("用途", max_length=100, default="默认")
    prefix = models.CharField("前缀", max_length=12, help_text="令牌的前几位，用于辨认，不能用于调用")
    digest = models.CharField("散列", max_length=64, unique=True)
    created = models.DateTimeField("创建时间", default=timezone.now)
    expires = models.DateTimeField("过期时间", null=True, blank=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.user} {self.name} {self.prefix}…"

    @property
    def active(self) -> bool:
        now = timezone.now()
        return self.revoked is None and (self.expires is None or self.expires > now)
