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


class Assignment(models.Model):
    """目标分解: a city's target split among its counties, as a count per county (新增学位, 教育集团) or as a rate
    each county must reach; a part may be a named county's own commitment."""

    class Kind(models.TextChoices):
        COUNT = "count", "数量"
        RATE = "rate", "比率"

    unit = models.CharField("市（省）区划代码", max_length=12)
    text = models.CharField("目标原文", max_length=300)
    measure = models.CharField("事项", max_length=100)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    kind = models.CharField(
        "分解方式", max_length=10, choices=Kind.choices, default=Kind.COUNT,
        help_text="数量：各县分担，已完成数由各县报；比率：各县各自达到，进度取自指标值",
    )  # fmt: skip
    total = models.FloatField(
        "全市目标值", null=True, blank=True, help_text="数量目标留空时，各县须各自完成本县的分解目标"
    )
    indicator_code = models.CharField("指标代码（比率目标按此指标判断）", max_length=64, blank=True)
    higher = models.BooleanField("越高越好", default=True)
    target_year = models.IntegerField("目标年", validators=YEAR_VALIDATORS)
    source = models.CharField("来源文件（文件名、文号）", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "目标分解"
        ordering = ("unit", "target_year", "pk")
        constraints = (models.UniqueConstraint(fields=["unit", "text"], name="assignment_unit_text"),)

    def __str__(self) -> str:
        return self.text


class AssignmentPart(models.Model):
    """One county's part of an assigned target and, for a count, the progress it reports. It belongs to the
    city's target (edited by the city), not to the county it names."""

    access_unit = "assignment__unit"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="parts")
    county = models.CharField("县区划代码", max_length=12)
    target = models.FloatField("分解目标")
    done = models.FloatField("已完成（数量目标的进度）", null=True, blank=True)
    own = models.BooleanField("本县自身承诺", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "目标分解到县"
        ordering = ("assignment", "county")
        constraints = (
            models.UniqueConstraint(fields=["assignment", "county"], name="assignment_part_county"),
        )

    def __str__(self) -> str:
        return f"{self.assignment}：{self.county}"
