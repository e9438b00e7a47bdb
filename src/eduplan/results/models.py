"""Results stored per data version: indicator values of every unit and year of a county, and the versions of
the county's data they were computed from (eduplan.store.versions)."""

from __future__ import annotations

from django.db import models


class ResultState(models.Model):
    """What is stored for one county and kind of result: the data versions it was computed from."""

    county = models.CharField("区县代码", max_length=12)
    kind = models.CharField("结果", max_length=20)
    versions = models.JSONField("数据版本", null=True)  # null: nothing computed yet
    computed = models.DateTimeField("计算时间", null=True)
    refreshing = models.DateTimeField("开始更新", null=True)  # a refresh under way since then

    class Meta:
        verbose_name = verbose_name_plural = "结果状态"
        constraints = (models.UniqueConstraint(fields=["county", "kind"], name="result_state_county_kind"),)

    def __str__(self) -> str:
        return f"{self.county} {self.kind}"


class IndicatorValue(models.Model):
    """One indicator of one unit (the county, a township or a school) in one year, as the engine computed it."""

    county = models.CharField("区县代码", max_length=12)
    year = models.IntegerField("学年")
    unit = models.CharField("单位代码", max_length=12)
    level = models.CharField("层级", max_length=12)
    code = models.CharField("指标代码", max_length=60)
    value = models.FloatField("数值", null=True)
    numerator = models.FloatField("分子", null=True)
    denominator = models.FloatField("分母", null=True)
    reason = models.TextField("缺失原因", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标值"
        indexes = (models.Index(fields=["county", "year", "unit"], name="indicator_value_lookup"),)

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.code}"


class StoredResult(models.Model):
    """One evaluation, forecast or plan's progress judgements of a county, computed from the data versions in
    `versions` and the hand-entered inputs named by `inputs` (entered items, plan targets), as the core
    returned it (`payload`: JSON written by eduplan.results.codec)."""

    county = models.CharField("区县代码", max_length=12)
    kind = models.CharField("结果", max_length=20)  # evaluation, forecast, progress
    key = models.CharField("参数", max_length=120)  # which one: "balanced 990101 2024", "zone 2024 5 plans"
    inputs = models.CharField(
        "录入内容摘要", max_length=64
    )  # digest of the inputs that are not data versions
    versions = models.JSONField("数据版本")
    payload = models.TextField("结果")
    computed = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "存储的评估与预测"
        constraints = (
            models.UniqueConstraint(fields=["county", "kind", "key"], name="stored_result_county_kind_key"),
        )

    def __str__(self) -> str:
        return f"{self.county} {self.kind} {self.key}"
