"""The plan as data: plans, their targets with milestones and hand-entered values, and building projects."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from eduplan.monitoring.progress import COMPARATOR_LABELS

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草案"
        ADOPTED = "adopted", "已印发"

    name = models.CharField("规划名称", max_length=200)
    region_code = models.CharField(
        "所属区划代码", max_length=12, db_index=True, help_text="县 6 位、市 4 位、省 2 位"
    )
    region_name = models.CharField("所属区划名称", max_length=100, blank=True)
    period_start = models.IntegerField("规划期起", validators=YEAR_VALIDATORS)
    period_end = models.IntegerField("规划期止", validators=YEAR_VALIDATORS)
    source_document = models.CharField("来源文件（文件名、文号）", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        verbose_name = verbose_name_plural = "规划"
        ordering = (
            "region_code",
            "-period_start",
            "name",
        )

    def __str__(self) -> str:
        return f"{self.name}（{self.period_start}—{self.period_end}）"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "规划期止不能早于规划期起"})


class Target(models.Model):
    class Scope(models.TextChoices):
        REGION = "region", "全域"
        RURAL = "rural", "农村"
        URBAN = "urban", "城区"
        TOWNSHIP = "township", "乡镇"
        SCHOOL_TYPE = "school_type", "学校类型"

    class Comparator(models.TextChoices):
        GE = "ge", "≥（不低于）"
        LE = "le", "≤（不高于）"
        EQ = "eq", "=（等于）"
        RANGE = "range", "区间"
        CHANGE = "change", "每年变化（百分点）"

    class Direction(models.TextChoices):
        HIGHER = "higher", "越高越好"
        LOWER = "lower", "越低越好"

    class Attribute(models.TextChoices):
        BINDING = "binding", "约束性"
        EXPECTED = "expected", "预期性"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="targets", verbose_name="规划")
    number = models.PositiveIntegerField("序号", default=0)
    indicator_code = models.CharField(
        "指标代码", max_length=80, blank=True, help_text="指标目录中的代码；目录尚不能计算的留空"
    )
    indicator_text = models.CharField("指标名称", max_length=200, help_text="如：学前三年毛入园率")
    scope = models.CharField("范围", max_length=12, choices=Scope.choices, default=Scope.REGION)
    scope_value = models.CharField("范围取值", max_length=40, blank=True, help_text="乡镇代码或学校类型")
    comparator = models.CharField("比较方式", max_length=8, choices=Comparator.choices, default=Comparator.GE)
    value = models.FloatField("目标值", help_text="每年变化类目标填每年变化量（百分点）")
    value_high = models.FloatField("区间上限", null=True, blank=True)
    unit = models.CharField("单位", max_length=20, default="%", blank=True)
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    target_year = models.IntegerField("目标年", validators=YEAR_VALIDATORS)
    baseline_value = models.FloatField("基期值", null=True, blank=True)
    baseline_year = models.IntegerField("基期年", null=True, blank=True, validators=YEAR_VALIDATORS)
    recurrence = models.BooleanField("每年考核", default=False, help_text="如每学年教师交流比例不低于 10%")
    attribute = models.CharField(
        "指标属性",
        max_length=10,
        choices=Attribute.choices,
        blank=True,
        help_text="规划指标表的“属性”列；未注明的留空",
    )
    responsible_office = models.CharField("责任科室", max_length=100, blank=True)
    quote = models.TextField("规划原文", blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "目标"
        ordering = (
            "plan",
            "number",
            "id",
        )

    def __str__(self) -> str:
        return (
            f"{self.indicator_text} {self.comparator_symbol} {self.value:g}{self.unit}（{self.target_year}）"
        )

    @property
    def comparator_symbol(self) -> str:
        return COMPARATOR_LABELS.get(self.comparator, self.comparator)

    @property
    def is_free_text(self) -> bool:
        return not self.indicator_code

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # value is None when the form refused it already (its own error): nothing to compare it with
        if (
            self.comparator == self.Comparator.RANGE
            and self.value is not None
            and (self.value_high is None or self.value_high < self.value)
        ):
            errors["value_high"] = "区间目标需要填写不小于目标值的区间上限"
        if self.comparator == self.Comparator.CHANGE and (
            self.baseline_value is None or self.baseline_year is None
        ):
            errors["baseline_value"] = "每年变化类目标需要基期值和基期年"
        if (self.baseline_value is None) != (self.baseline_year is None):
            errors["baseline_year"] = "基期值和基期年应同时填写"
        if self.baseline_year and self.target_year and self.baseline_year >= self.target_year:
            errors["target_year"] = "目标年应晚于基期年"
        percent = self.unit == "%" and self.comparator != self.Comparator.CHANGE
        if percent and self.value is not None and not 0 <= self.value <= 200:
            errors["value"] = "百分比目标值应在 0 到 200 之间"
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    target = models.ForeignKey(Target, models.CASCADE, related_name="milestones", verbose_name="目标")
    year = models.IntegerField("年份", validators=YEAR_VALIDATORS)
    value = models.FloatField("里程碑值")

    class Meta:
        verbose_name = verbose_name_plural = "年度里程碑"
        ordering = (
            "target",
            "year",
        )
        constraints = (models.UniqueConstraint(fields=["target", "year"], name="milestone_target_year"),)

    def __str__(self) -> str:
        return f"{self.year}：{self.value:g}"


class ManualValue(models.Model):
    """A yearly value entered by hand for a target the indicator catalogue cannot compute (yet)."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="manual_values", verbose_name="目标")
    year = models.IntegerField("年份", validators=YEAR_VALIDATORS)
    value = models.FloatField("数值")
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "手工填报值"
        ordering = (
            "target",
            "year",
        )
        constraints = (models.UniqueConstraint(fields=["target", "year"], name="manual_value_target_year"),)

    def __str__(self) -> str:
        return f"{self.year}：{self.value:g}"


class Project(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", "新建"
        EXPAND = "expand", "改扩建"
        BUNDLED = "bundled", "配建"

    class Status(models.TextChoices):
        PLANNED = "planned", "规划中"
        BUILDING = "building", "在建"
        DONE = "done", "已建成"
        DROPPED = "dropped", "已取消"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="projects", verbose_name="规划")
    name = models.CharField("项目名称", max_length=200)
    school_code = models.CharField(
        "学校标识码", max_length=10, blank=True, help_text="已有学校填写；规划新校留空"
    )
    school_name = models.CharField("学校名称", max_length=200, blank=True)
    zone = models.CharField(
        "学区（招生片区）", max_length=120, blank=True, help_text="新建学校所在学区；已有学校填学校标识码即可"
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    places_preschool = models.PositiveIntegerField("新增学前学位", null=True, blank=True)
    places_primary = models.PositiveIntegerField("新增小学学位", null=True, blank=True)
    places_junior = models.PositiveIntegerField("新增初中学位", null=True, blank=True)
    places_senior = models.PositiveIntegerField("新增高中学位", null=True, blank=True)
    budget = models.FloatField(
        "项目预算（万元）", null=True, blank=True, validators=[MinValueValidator(0)], help_text="计划总投资"
    )
    planned_year = models.IntegerField("计划完成年", null=True, blank=True, validators=YEAR_VALIDATORS)
    actual_year = models.IntegerField("实际完成年", null=True, blank=True, validators=YEAR_VALIDATORS)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    quote = models.TextField("规划原文", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "建设项目"
        ordering = (
            "plan",
            "planned_year",
            "name",
        )

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.status == self.Status.DONE and self.actual_year is None:
            raise ValidationError({"actual_year": "已建成的项目需要填写实际完成年"})

    def places(self) -> dict[str, int]:
        """New places by stage (only the stages it adds to)."""
        stages = ("preschool", "primary", "junior", "senior")
        return {s: n for s in stages if (n := getattr(self, f"places_{s}"))}

    @property
    def placed(self) -> bool:
        """Located (a school or a zone), with places and a year: the forecast can count it."""
        return bool((self.school_code or self.zone) and self.places() and self.planned_year)


def _plan_changed(**_: object) -> None:
    """Any edit to a plan (forms, admin, import) invalidates this process's cached judgements at once."""
    from eduplan.web.plans.services import clear_cache

    clear_cache()


for _model in (Plan, Target, Milestone, ManualValue, Project):
    models.signals.post_save.connect(
        _plan_changed, sender=_model, dispatch_uid=f"plans-changed-save-{_model.__name__}"
    )
    models.signals.post_delete.connect(
        _plan_changed, sender=_model, dispatch_uid=f"plans-changed-del-{_model.__name__}"
    )
