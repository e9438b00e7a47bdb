"""The shapes of the API's requests and answers, for validation and for the OpenAPI document. Rows of the
statistics tables take their fields, types, ranges, choices and Chinese labels from `eduplan.facts`, so the
document cannot drift from the import contract."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from rest_framework import serializers

from eduplan.facts import TABLES, Column, Table


class Problem(serializers.Serializer):  # type: ignore[type-arg]
    index = serializers.IntegerField(
        allow_null=True, help_text="出错的行在请求中的序号（从 0 开始）；整个请求的问题为空"
    )
    field = serializers.CharField(allow_blank=True, help_text="字段名（列名）")
    value = serializers.JSONField(allow_null=True, help_text="收到的值")
    expected = serializers.CharField(help_text="要求（中文）")
    message = serializers.CharField(help_text="完整的中文说明")


class Error(serializers.Serializer):  # type: ignore[type-arg]
    message = serializers.CharField(help_text="错误说明（中文）")
    problems = Problem(many=True, help_text="逐行逐字段的问题（没有时为空数组）")


class UnitQuery(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.CharField(
        required=False,
        max_length=12,
        help_text="区划代码（省 2 位、市 4 位、县 6 位、乡镇 9 位）或 10 位学校标识码；不填为本账号的第一个县",
    )
    year = serializers.IntegerField(
        required=False, min_value=1990, max_value=2100, help_text="学年起始年份，如 2024 表示 2024-2025 学年"
    )


def paged(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:  # type: ignore[type-arg]
    """A page of `item`s: count, next, previous, results (DRF's page-number pagination)."""
    fields = {
        "count": serializers.IntegerField(help_text="符合条件的总条数"),
        "next": serializers.CharField(allow_null=True, help_text="下一页的网址（没有时为空）"),
        "previous": serializers.CharField(allow_null=True, help_text="上一页的网址（没有时为空）"),
        "results": item(many=True, help_text="本页的条目"),
    }
    return type(name, (serializers.Serializer,), fields)


def _field(column: Column, writing: bool) -> serializers.Field:  # type: ignore[type-arg]
    required = column.required and writing
    common: dict[str, Any] = {"label": column.label, "help_text": column.help or column.label,
                              "required": required, "allow_null": not column.required}  # fmt: skip
    bounds = {k: v for k, v in (("min_value", column.min), ("max_value", column.max)) if v is not None}
    if column.choices:
        return serializers.ChoiceField(choices=list(column.choices), **common)
    if column.kind == "int":
        return serializers.IntegerField(**common, **{k: int(v) for k, v in bounds.items()})
    if column.kind == "float":
        return serializers.FloatField(**common, **bounds)
    if column.kind == "bool":
        return serializers.BooleanField(**common)
    return serializers.CharField(**common, max_length=200, allow_blank=False)


@cache
def row(table_name: str, writing: bool = False) -> type[serializers.Serializer]:  # type: ignore[type-arg]
    """One row of a table: a field per column (required columns required when writing)."""
    table: Table = TABLES[table_name]
    fields = {c.name: _field(c, writing) for c in table.columns}
    name = "".join(p.title() for p in table_name.split("_")) + ("Row" if writing else "")
    meta = type("Meta", (), {"ref_name": name})
    return type(name, (serializers.Serializer,), {**fields, "Meta": meta, "__doc__": f"{table.label}的一行"})


class Unit(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="区划代码")
    name = serializers.CharField(help_text="名称")
    level = serializers.ChoiceField(choices=["province", "city", "county", "township"], help_text="层级")
    level_label = serializers.CharField(help_text="层级（中文）")
    parent = serializers.CharField(allow_null=True, help_text="上级区划代码")


class IndicatorValue(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="指标代码（指标目录）")
    name = serializers.CharField(help_text="指标名称")
    unit = serializers.CharField(help_text="区划代码或学校标识码")
    unit_name = serializers.CharField(help_text="单位名称")
    level = serializers.CharField(help_text="层级：school、township、county、city、province")
    year = serializers.IntegerField(help_text="学年起始年份")
    value = serializers.FloatField(allow_null=True, help_text="指标值；无法计算时为空，原因见 reason")
    numerator = serializers.FloatField(allow_null=True, help_text="分子")
    denominator = serializers.FloatField(allow_null=True, help_text="分母（计数指标为空）")
    reason = serializers.CharField(allow_null=True, help_text="值为空的原因（缺哪项数据）")
    measure = serializers.CharField(allow_blank=True, help_text="计量单位，如 %、人")
    formula = serializers.CharField(help_text="口径：分子 ÷ 分母")
    source = serializers.CharField(allow_blank=True, help_text="指标依据的文件")


class ExplanationInput(serializers.Serializer):  # type: ignore[type-arg]
    side = serializers.CharField(help_text="numerator 分子项，denominator 分母项，reported 直报")
    text = serializers.CharField(help_text="输入项（中文）")
    value = serializers.FloatField(allow_null=True, help_text="合计")
    missing = serializers.IntegerField(help_text="缺失的数据项数")
    rows = serializers.IntegerField(help_text="所用数据行数")


class Explanation(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="指标代码")
    name = serializers.CharField(help_text="指标名称")
    unit = serializers.CharField(help_text="单位代码")
    unit_name = serializers.CharField(help_text="单位名称")
    level = serializers.CharField(help_text="层级")
    year = serializers.IntegerField(help_text="学年")
    value = serializers.FloatField(allow_null=True, help_text="指标值")
    numerator = serializers.FloatField(allow_null=True, help_text="分子")
    denominator = serializers.FloatField(allow_null=True, help_text="分母")
    reason = serializers.CharField(allow_null=True, help_text="值为空的原因")
    formula = serializers.CharField(help_text="口径")
    source = serializers.CharField(allow_blank=True, help_text="依据的文件")
    text = serializers.CharField(help_text="完整的中文解释")
    inputs = ExplanationInput(many=True, help_text="各输入项")


class Plan(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(help_text="规划编号")
    name = serializers.CharField(help_text="规划名称")
    region_code = serializers.CharField(help_text="所属区划代码")
    region_name = serializers.CharField(allow_blank=True, help_text="所属区划名称")
    period_start = serializers.IntegerField(help_text="规划期起")
    period_end = serializers.IntegerField(help_text="规划期止")
    status = serializers.CharField(help_text="状态：draft 草案，adopted 已印发")


class Target(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(help_text="目标编号")
    plan = serializers.CharField(help_text="规划名称")
    indicator = serializers.CharField(help_text="指标代码（或原文）")
    indicator_name = serializers.CharField(help_text="指标原文")
    scope = serializers.CharField(help_text="范围")
    comparator = serializers.CharField(help_text="比较：ge 不低于，le 不高于，eq 等于")
    target_value = serializers.FloatField(allow_null=True, help_text="目标值")
    target_year = serializers.IntegerField(help_text="目标年份")
    baseline_value = serializers.FloatField(allow_null=True, help_text="基期值")
    baseline_year = serializers.IntegerField(allow_null=True, help_text="基期年份")
    latest_value = serializers.FloatField(allow_null=True, help_text="最新值")
    latest_year = serializers.IntegerField(allow_null=True, help_text="最新值的学年")
    milestone_value = serializers.FloatField(allow_null=True, help_text="当年应达到的进度值")
    status = serializers.CharField(help_text="研判：on_track、at_risk、off_track、achieved、no_data 等")
    status_label = serializers.CharField(help_text="研判（中文）")
    ratio = serializers.FloatField(allow_null=True, help_text="完成进度比")
    forecast_value = serializers.FloatField(allow_null=True, help_text="目标年份的预测值")
    forecast_year = serializers.IntegerField(help_text="预测年份")
    milestones_missed = serializers.ListField(child=serializers.IntegerField(), help_text="未达进度的年份")
    reason = serializers.CharField(allow_blank=True, help_text="研判理由")
    source = serializers.CharField(help_text="数据来源：computed 统计数据，manual 手工填报，none 无")
    source_reason = serializers.CharField(allow_blank=True, help_text="为何用这个来源")
    computed_values = serializers.ListField(
        child=serializers.ListField(), help_text="统计数据的值：[学年, 值]"
    )
    manual_values = serializers.ListField(child=serializers.ListField(), help_text="手工填报的值：[学年, 值]")


class YearStatus(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(help_text="学年")
    complete = serializers.BooleanField(help_text="各校各核心表是否报齐")
    completeness = serializers.CharField(help_text="报送完整性（中文）")
    detail = serializers.CharField(allow_blank=True, help_text="缺报情况")
    approval = serializers.CharField(help_text="审核状态代码：open、approved、accepted")
    approval_label = serializers.CharField(help_text="审核状态（中文）")


class Evaluation(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField(help_text="评估：balanced 优质均衡，basic 基本均衡，preschool 普及普惠")
    name = serializers.CharField(help_text="评估名称")
    source = serializers.CharField(help_text="依据的文件")
    unit = serializers.CharField(help_text="县级区划代码")
    year = serializers.IntegerField(help_text="学年")
    verdict = serializers.CharField(help_text="结论：pass 达标，fail 未达标，incomplete 无法评估")
    verdict_label = serializers.CharField(help_text="结论（中文）")
    reason = serializers.CharField(help_text="结论的理由")
    missing = serializers.ListField(child=serializers.CharField(), help_text="缺少的输入")
    items = serializers.ListField(child=serializers.DictField(), help_text="各评估项及其判定")
    indicators = serializers.ListField(child=serializers.DictField(), help_text="资源配置指标")
    explanation = serializers.ListField(child=serializers.DictField(), help_text="结论的每一部分及其输入")
    stages = serializers.DictField(help_text="各学段的结果，含每所学校的指标与差距（学校差距）")


class WriteResult(serializers.Serializer):  # type: ignore[type-arg]
    table = serializers.CharField(help_text="表名")
    created = serializers.IntegerField(help_text="新增行数")
    updated = serializers.IntegerField(help_text="更新行数")
    unchanged = serializers.IntegerField(help_text="未变行数（重复提交不改变任何数据）")
    batch = serializers.IntegerField(allow_null=True, help_text="导入记录编号（可在导入历史中撤销）")


class DataValue(serializers.Serializer):  # type: ignore[type-arg]
    dataElement = serializers.CharField(help_text="数据元 = 指标代码（idScheme=CODE）")
    period = serializers.RegexField(
        r"^[0-9]{4}Sep$", help_text="学年，DHIS2 九月财年（FinancialSep）格式，如 2024Sep"
    )
    orgUnit = serializers.CharField(help_text="组织单元 = 区划代码或学校标识码（idScheme=CODE）")
    value = serializers.CharField(help_text="值（文本形式的数字）")
    comment = serializers.CharField(required=False, help_text="分子与分母")


class DataValueSet(serializers.Serializer):  # type: ignore[type-arg]
    dataValues = DataValue(many=True, help_text="数据值")


class ImportCount(serializers.Serializer):  # type: ignore[type-arg]
    imported = serializers.IntegerField()
    updated = serializers.IntegerField()
    ignored = serializers.IntegerField()
    deleted = serializers.IntegerField()


class Conflict(serializers.Serializer):  # type: ignore[type-arg]
    object = serializers.CharField(help_text="出错的字段")
    value = serializers.CharField(help_text="中文说明")
    index = serializers.IntegerField(help_text="数据值的序号（从 0 开始）")


class ImportSummary(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=["SUCCESS", "ERROR"], help_text="DHIS2 的导入状态")
    description = serializers.CharField(help_text="中文说明")
    importCount = ImportCount()
    conflicts = Conflict(many=True)


class Token(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(help_text="用途")
    prefix = serializers.CharField(help_text="令牌前 12 位（只用于辨认）")
    created = serializers.DateTimeField(help_text="创建时间")
    expires = serializers.DateTimeField(allow_null=True, help_text="过期时间")
    last_used = serializers.DateTimeField(allow_null=True, help_text="最近使用时间")
    active = serializers.BooleanField(help_text="是否有效")


def finite(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with NaN and infinities as null: JSON has no such numbers."""
    return [{k: finite_tree(v) for k, v in r.items()} for r in rows]


def finite_tree(value: Any) -> Any:
    """Any JSON-like value with NaN and infinities (at any depth) as null."""
    if isinstance(value, dict):
        return {k: finite_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_tree(v) for v in value]
    return None if isinstance(value, float) and not math.isfinite(value) else value
