"""Who holds which role where, the approval state of each county's and school's data per school year, the
audit trail, and the few settings the installation keeps about itself."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from eduplan.web.accounts.roles import ROLE_CHOICES


class Grant(models.Model):
    """One role of a user on one org unit (a school code for 学校填报员; empty for administrators)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="grants", verbose_name="用户"
    )
    role = models.CharField("角色", max_length=32, choices=ROLE_CHOICES)
    unit = models.CharField("单位代码", max_length=12, blank=True, help_text="省、市、县区划代码或学校标识码")

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = (models.UniqueConstraint(fields=["user", "role", "unit"], name="grant_user_role_unit"),)

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.unit}".strip()


class Approval(models.Model):
    """The approval state of one school's (submitted) or one county's (approved, accepted) data of one school
    year. No row means open: the data may still change."""

    class State(models.TextChoices):
        OPEN = "open", "未审核"
        SUBMITTED = "submitted", "学校已提交"
        APPROVED = "approved", "县级已审核"
        ACCEPTED = "accepted", "市级已确认"

    unit = models.CharField("单位代码", max_length=12)
    year = models.IntegerField("学年")
    state = models.CharField("状态", max_length=12, choices=State.choices)
    changed_at = models.DateTimeField("时间", default=timezone.now)
    changed_by = models.CharField("操作人", max_length=150)

    class Meta:
        verbose_name = verbose_name_plural = "数据审核状态"
        constraints = (models.UniqueConstraint(fields=["unit", "year"], name="approval_unit_year"),)

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_state_display()}"


class ApprovalStep(models.Model):
    """One step of the approval chain, kept for good (also in the audit trail)."""

    unit = models.CharField("单位代码", max_length=12)
    year = models.IntegerField("学年")
    action = models.CharField("操作", max_length=16)
    before = models.CharField("原状态", max_length=12, blank=True)
    after = models.CharField("新状态", max_length=12, blank=True)
    reason = models.TextField("理由", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    by = models.CharField("操作人", max_length=150)

    class Meta:
        verbose_name = verbose_name_plural = "审核记录"
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.action}"


class AppendOnly(models.QuerySet["AuditEvent"]):
    """The audit trail is written once: no update or delete through the ORM (the database refuses too)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("审计记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计记录只能追加，不能删除（过期记录用 eduplan audit purge 清理）")


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    username = models.CharField("用户", max_length=150, blank=True)
    roles = models.CharField("角色", max_length=300, blank=True)
    unit = models.CharField("单位", max_length=64, blank=True, db_index=True)
    event = models.CharField("事件", max_length=40, db_index=True)
    address = models.CharField("来源地址", max_length=64, blank=True)
    path = models.CharField("网址或命令", max_length=500, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects: ClassVar[models.Manager[AuditEvent]] = AppendOnly.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ("-at", "-id")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.event} {self.unit}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计记录只能追加，不能删除")


class Setting(models.Model):
    """A fact the installation keeps about itself (e.g. `demo`: this database was built by `eduplan demo`)."""

    key = models.CharField("名称", max_length=64, unique=True)
    value = models.TextField("值", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "系统设置"

    def __str__(self) -> str:
        return self.key
