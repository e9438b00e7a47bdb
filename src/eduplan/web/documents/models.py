"""Uploaded plan documents and the reviewer's decision on each statement extracted from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from eduplan.web.plans.models import Plan, Target


class Document(models.Model):
    """A plan document as uploaded, with what the extractor read from it (stored once, see review.stored)."""

    name = models.CharField("文件名", max_length=200)
    raw = models.TextField("原文")
    extraction = models.JSONField("抽取结果", null=True, blank=True, editable=False)
    region_code = models.CharField("所属区划代码", max_length=12, help_text="县 6 位、市 4 位、省 2 位")
    region_name = models.CharField("所属区划名称", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="上传人"
    )
    plan = models.ForeignKey(
        Plan, models.SET_NULL, null=True, blank=True, related_name="documents", verbose_name="草案规划"
    )

    class Meta:
        verbose_name = verbose_name_plural = "规划文本"
        ordering = ("-uploaded_at", "-id")

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """Accepted (with the target it became) or rejected: statement number `index` of a document."""

    document = models.ForeignKey(Document, models.CASCADE, related_name="decisions", verbose_name="规划文本")
    index = models.PositiveIntegerField("表述序号")
    accepted = models.BooleanField("已接受")
    target = models.ForeignKey(Target, models.SET_NULL, null=True, blank=True, verbose_name="目标")

    class Meta:
        verbose_name = verbose_name_plural = "表述审核"
        constraints = (models.UniqueConstraint(fields=["document", "index"], name="decision_document_index"),)

    def __str__(self) -> str:
        return f"{self.document} #{self.index}: {'接受' if self.accepted else '不采用'}"
