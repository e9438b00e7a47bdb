"""Data quality: validation rules as data (DHIS2 style), robust year-on-year outliers, and completeness.

Every finding is one row: severity, kind (rule | outlier | completeness), rule (Chinese), unit (school or township
code), year, field, value, message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

from eduplan.errors import ConfigError
from eduplan.facts import STAGE_NAMES, TABLES, Facts
from eduplan.indicators.formula import label

FINDING_SCHEMA = {
    "severity": pl.String,
    "kind": pl.String,
    "rule": pl.String,
    "unit": pl.String,
    "year": pl.Int64,
    "field": pl.String,
    "value": pl.Float64,
    "message": pl.String,
}
OPERATORS = {"==", "!=", "<=", "<", ">=", ">"}
SEVERITIES = {"error": "错误", "warning": "警告"}
VIEWS = ("school_year", "grade_year", "health_year", "stage", "township")
LABELS = {
    c: label(c)
    for c in (
        "teachers",
        "staff",
        "area_teaching",
        "area_sports",
        "equipment_value",
        "multimedia_classrooms",
        "enrollment",
        "classes",
        "area_building",
        "computers",
        "books",
        "entrants",
    )
}
# 0.6745 = Φ⁻¹(0.75): makes the MAD of a normal sample estimate its standard deviation.
MAD_CONSTANT = 0.6745


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    view: str
    left: str
    operator: str
    right: str
    severity: str

    def holds(self) -> pl.Expr:
        left, right = pl.sql_expr(self.left), pl.sql_expr(self.right)
        return {
            "==": (left - right).abs() < 1e-9,
            "!=": (left - right).abs() >= 1e-9,
            "<=": left <= right + 1e-9,
            "<": left < right,
            ">=": left >= right - 1e-9,
            ">": left > right,
        }[self.operator]


def parse_rules(data: dict[str, Any]) -> tuple[Rule, ...]:
    rules = []
    for raw in data["rules"]:
        rule = Rule(
            **{k: str(raw[k]) for k in ("id", "name", "view", "left", "operator", "right", "severity")}
        )
        if rule.operator not in OPERATORS or rule.severity not in SEVERITIES or rule.view not in VIEWS:
            raise ConfigError(
                f"质量规则 {rule.id} 的运算符、严重程度或视图无效", english=f"bad rule {rule.id}"
            )
        rules.append(rule)
    return tuple(rules)


@cache
def load_config() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("quality_rules.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    parse_rules(data)  # validate at load
    return data


def views(facts: Facts) -> dict[str, pl.DataFrame]:
    """The frames rules are evaluated on; `unit` names the row's school or township."""
    grades = facts.grade_year.group_by("school", "year", "stage").agg(
        pl.col("enrollment").sum(),
        pl.col("classes").sum(),
        pl.col("enrollment").filter(pl.col("grade") == 1).sum().alias("grade1"),
    )
    stage = facts.stage_year.join(grades, on=["school", "year", "stage"], how="left")
    entrants = (
        facts.stage_year.filter(pl.col("stage") == "primary")
        .join(facts.schools.select(pl.col("code").alias("school"), "township"), on="school")
        .group_by("township", "year")
        .agg(pl.col("entrants").sum().alias("primary_entrants"))
    )
    age6 = facts.population.filter(pl.col("age") == 6).select(
        "township", "year", pl.col("population").alias("age6")
    )
    township = entrants.join(age6, on=["township", "year"], how="inner")
    frames = {
        "school_year": facts.school_year,
        "grade_year": facts.grade_year,
        "health_year": facts.health_year,
        "stage": stage,
        "township": township.rename({"township": "school"}),
    }
    return {k: v.rename({"school": "unit"}) for k, v in frames.items()}


def labelled(expression: str) -> str:
    """The expression with each column name replaced by its Chinese label."""
    extra = {"grade1": "一年级在校生数", "primary_entrants": "小学招生数", "age6": "6周岁人口"}
    return re.sub(r"[a-z_][a-z_0-9]*", lambda m: extra.get(m.group(0)) or label(m.group(0)), expression)


def _where(frame: pl.DataFrame) -> pl.Expr:
    """A suffix naming the row inside its unit (学段, 年级) for the message."""
    parts: list[pl.Expr] = []
    if "stage" in frame.columns:
        parts.append(pl.lit("学段 ") + pl.col("stage").replace(STAGE_NAMES))
    if "grade" in frame.columns:
        parts.append(pl.lit(" 年级 ") + pl.col("grade").cast(pl.String))
    return pl.concat_str([*parts, pl.lit("：")]) if parts else pl.lit("")


def rule_findings(facts: Facts, rules: tuple[Rule, ...] | None = None) -> pl.DataFrame:
    rules = rules if rules is not None else parse_rules(load_config())
    frames = views(facts)
    out = []
    for rule in rules:
        frame = frames[rule.view]
        left, right = pl.sql_expr(rule.left), pl.sql_expr(rule.right)
        bad = frame.filter(rule.holds().not_())  # a null side gives null: not judged here
        out.append(
            bad.select(
                pl.lit(rule.severity).alias("severity"),
                pl.lit("rule").alias("kind"),
                pl.lit(rule.name).alias("rule"),
                pl.col("unit"),
                pl.col("year").cast(pl.Int64),
                pl.lit(rule.left).alias("field"),
                left.cast(pl.Float64).alias("value"),
                pl.format(
                    "{}{} = {}，应 {} {} = {}",
                    _where(frame),
                    pl.lit(labelled(rule.left)),
                    left,
                    pl.lit(rule.operator),
                    pl.lit(labelled(rule.right)),
                    right,
                ).alias("message"),
            )
        )
    return _concat(out)


def robust_z(values: pl.Expr, over: list[str]) -> pl.Expr:
    """0.6745 · (x − median) / MAD within each `over` group; null where MAD is 0."""
    median = values.median().over(over)
    mad = (values - median).abs().median().over(over)
    return pl.when(mad > 0).then(MAD_CONSTANT * (values - median) / mad)


def outlier_findings(facts: Facts) -> pl.DataFrame:
    cfg = load_config()["outliers"]
    frames = views(facts)
    out = []
    for view, fields in cfg["fields"].items():
        frame = frames[view]
        keys = ["unit", "stage"] if "stage" in frame.columns else ["unit"]
        for field in fields:
            # The change on the year before, judged against this school's own changes: a steady trend is not an
            # outlier, a jump is (and so, usually, is the way back the year after).
            long = frame.select(*keys, "year", pl.col(field).cast(pl.Float64).alias("value")).drop_nulls(
                "value"
            )
            long = long.sort(*keys, "year").with_columns(
                (pl.col("value") - pl.col("value").shift(1).over(keys)).alias("change")
            )
            long = long.drop_nulls("change").filter(pl.len().over(keys) >= cfg["min_years"] - 1)
            long = long.with_columns(robust_z(pl.col("change"), keys).alias("z"))
            material = pl.col("change").abs() >= cfg["min_relative_change"] * pl.col("value").median().over(
                keys
            )
            bad = long.filter((pl.col("z").abs() > cfg["threshold"]) & material)
            out.append(
                bad.select(
                    pl.lit("warning").alias("severity"),
                    pl.lit("outlier").alias("kind"),
                    pl.lit(f"逐年异常变化（稳健 z 分数绝对值 > {cfg['threshold']}）").alias("rule"),
                    "unit",
                    pl.col("year").cast(pl.Int64),
                    pl.lit(field).alias("field"),
                    "value",
                    pl.format(
                        "{}{}较上年变化 {}，稳健 z = {}",
                        _where(bad),
                        pl.lit(label(field)),
                        pl.col("change"),
                        pl.col("z").round(2),
                    ).alias("message"),
                )
            )
    return _concat(out)


_LABELS = {c.name: c.label for t in TABLES.values() for c in t.columns}


def _missing_fields(frame: pl.DataFrame, table: str, fields: list[str]) -> pl.DataFrame:
    keys = ["school", "year", *(["stage", "grade"] if table == "grade_year" else [])]
    long = frame.select(*keys, *fields).unpivot(index=keys, variable_name="field", value_name="v")
    bad = long.filter(pl.col("v").is_null())
    where = _where(bad) if table == "grade_year" else pl.lit("")
    return bad.select(
        pl.lit("warning").alias("severity"),
        pl.lit("completeness").alias("kind"),
        pl.lit("必填数据缺失").alias("rule"),
        pl.col("school").alias("unit"),
        pl.col("year").cast(pl.Int64),
        "field",
        pl.lit(None, dtype=pl.Float64).alias("value"),
        pl.format(
            "{}{} 未填报", where, pl.col("field").replace_strict(_LABELS, default=pl.col("field"))
        ).alias("message"),
    )


def _missing_reports(facts: Facts) -> pl.DataFrame:
    """Schools that reported year Y−1, are not closed by Y, and have no school_year row for Y."""
    present = facts.school_year.select("school", "year").unique()
    last = present["year"].max() if present.height else None
    expected = present.with_columns(pl.col("year") + 1).filter(pl.col("year") <= last)
    closed = facts.schools.select(pl.col("code").alias("school"), "closed_year")
    expected = expected.join(closed, on="school", how="left").filter(
        pl.col("closed_year").is_null() | (pl.col("closed_year") > pl.col("year"))
    )
    gone = expected.join(present, on=["school", "year"], how="anti")
    return gone.select(
        pl.lit("error").alias("severity"),
        pl.lit("completeness").alias("kind"),
        pl.lit("学校年度报表缺失").alias("rule"),
        pl.col("school").alias("unit"),
        pl.col("year").cast(pl.Int64),
        pl.lit("school_year").alias("field"),
        pl.lit(None, dtype=pl.Float64).alias("value"),
        pl.lit("上一年已填报、未撤并，本年无学校年度统计").alias("message"),
    )


def completeness_findings(facts: Facts) -> pl.DataFrame:
    cfg = load_config()["completeness"]
    parts = [_missing_fields(getattr(facts, table), table, fields) for table, fields in cfg.items()]
    return _concat([*parts, _missing_reports(facts)])


def completeness(facts: Facts) -> pl.DataFrame:
    """Per township and year: schools with a school_year row, and the share of required school_year cells filled."""
    fields = load_config()["completeness"]["school_year"]
    rows = facts.school_year.join(
        facts.schools.select(pl.col("code").alias("school"), "township"), on="school"
    )
    filled = pl.sum_horizontal([pl.col(f).is_not_null().cast(pl.Int64) for f in fields])
    return (
        rows.group_by("township", "year")
        .agg(pl.len().alias("schools"), (filled.sum() / (pl.len() * len(fields)) * 100).alias("filled_pct"))
        .sort("township", "year")
    )


def _concat(parts: list[pl.DataFrame]) -> pl.DataFrame:
    parts = [p.select(pl.col(k).cast(v) for k, v in FINDING_SCHEMA.items()) for p in parts]
    return pl.concat(parts) if parts else pl.DataFrame(schema=FINDING_SCHEMA)


def check(facts: Facts) -> pl.DataFrame:
    """Every finding: rule violations, outliers, completeness; errors first."""
    found = _concat([rule_findings(facts), outlier_findings(facts), completeness_findings(facts)])
    order = pl.col("severity").replace_strict({"error": 0, "warning": 1}, return_dtype=pl.Int64)
    return found.sort(order, "kind", "unit", "year", "field")
