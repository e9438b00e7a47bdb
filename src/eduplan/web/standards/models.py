"""Hand-entered judgements of evaluation items the data cannot decide (章程, 课程开齐开足 …), with evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models

KINDS = [("balanced", "优质均衡"), ("basic", "基本均衡"), ("preschool", "普及普惠")]


class EnteredItem(models.Model):
    unit = models.CharField("区划代码", max_length=12)
    year = models.IntegerField("学年")
    kind = models.CharField("评估类型", max_length=16, choices=KINDS)
    item = models.CharField("项目代码", max_length=64)
    passed = models.BooleanField("是否达标")
    evidence = models.TextField("佐证材料", help_text="文件名与文号、调查报告、检查记录等，可核查")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "评估项目录入"
        verbose_name_plural = "评估项目录入"
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "year", "kind", "item"], name="standards_entered_item_unique"
            ),
        )
        ordering = ("unit", "year", "kind", "item")

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.kind} {self.item}"
