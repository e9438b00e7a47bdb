"""A region's boundaries (for maps) and a city's commitments on the national evaluations (for 目标分解)."""

from __future__ import annotations

from django.db import models

from eduplan.web.plans.models import YEAR_VALIDATORS

KINDS = (("balanced", "优质均衡"), ("basic", "基本均衡"), ("preschool", "普及普惠"))


class Boundary(models.Model):
    """An org unit's boundary as a GeoJSON geometry (Polygon or MultiPolygon, longitude/latitude)."""

    unit = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10)
    geometry = models.JSONField("边界（GeoJSON 几何）")
    source = models.CharField("来源", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划边界"
        ordering = ("unit",)

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Commitment(models.Model):
    """A city's (or province's) commitment on a national evaluation: at least N of its counties pass it, or
    the named counties pass it, by a year (创建2个以上学前教育普及普惠县; 力争临川县创建优质均衡发展县)."""

    unit = models.CharField("市（省）区划代码", max_length=12)
    text = models.CharField("承诺原文", max_length=300)
    kind = models.CharField("评估", max_length=10, choices=KINDS)
    at_least = models.PositiveIntegerField("至少达标县数", null=True, blank=True)
    counties = models.CharField("指名的县（区划代码，逗号分隔）", max_length=200, blank=True)
    target_year = models.IntegerField("目标年", validators=YEAR_VALIDATORS)
    source = models.CharField("来源文件（文件名、文号）", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "市级评估承诺"
        ordering = ("unit", "target_year", "pk")

    def __str__(self) -> str:
        return self.text

    @property
    def named(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.counties.split(",") if c.strip())
