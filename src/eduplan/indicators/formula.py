"""The catalogue's formula language: `col[key=v1,v2; key=lo..hi; lag=8] + col2` parsed into terms.

A term is one summable input: a fact column (or a derived column) restricted by filters. The engine turns each
distinct term into one column of its wide frames, so an input shared by many indicators is summed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from eduplan.errors import ConfigError
from eduplan.facts import (
    GRADE_YEAR,
    HEALTH_YEAR,
    LOCALES,
    OWNERSHIPS,
    SCHOOL_TYPES,
    SCHOOL_YEAR,
    STAGE_NAMES,
    STAGE_YEAR,
    TABLES,
)

GRADE_COLUMNS = tuple(
    c.name for c in GRADE_YEAR.columns if c.kind == "int" and c.name not in ("year", "grade")
)
STAGE_COLUMNS = tuple(c.name for c in STAGE_YEAR.columns if c.kind == "int" and c.name != "year")
SCHOOL_COLUMNS = tuple(c.name for c in SCHOOL_YEAR.columns if c.kind in ("int", "float") and c.name != "year")
HEALTH_COLUMNS = tuple(c.name for c in HEALTH_YEAR.columns if c.kind == "int" and c.name != "year")
# Derived per-school columns (engine.school_base builds them), with their Chinese label.
DERIVED = {
    "schools": "学校数",
    "pupils": "全校在校生数",
    "small_school": "在校生不足100人的学校数",
    "in_group": "加入集团或学区的学校数",
    "principal_le45": "校长45岁及以下的学校数",
    "principal_rotated": "校长本年交流的学校数",
    "funds_total": "公用经费总额（生均 × 在校生）",
}
SCHOOL_ATTRS = ("school_type", "ownership", "locale", "boarding")
INT_KEYS = ("grade", "age")


def label(column: str) -> str:
    """The Chinese label of a fact or derived column."""
    if column in DERIVED:
        return DERIVED[column]
    for table in TABLES.values():
        if column in table.by_name:
            return table.by_name[column].label
    return column


def value_name(key: str, value: str) -> str:
    """Chinese name of a filter value: primary → 小学, public → 公办."""
    names: dict[str, str] = {
        "stage": STAGE_NAMES.get(value, value),
        "school_type": SCHOOL_TYPES[value][0] if value in SCHOOL_TYPES else value,
        "ownership": OWNERSHIPS.get(value, value),
        "locale": LOCALES.get(value, value),
        "boarding": "是" if value == "true" else "否",
    }
    return names.get(key, value)


@dataclass(frozen=True)
class Term:
    column: str
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # sorted (key, values)
    lag: int = 0

    @property
    def base(self) -> str:
        """Which wide frame carries it: 'stage' (per school-stage), 'school' (per school) or 'township'."""
        if self.column == "population":
            return "township"
        if self.column in GRADE_COLUMNS or self.column in STAGE_COLUMNS:
            return "stage"
        if self.column in SCHOOL_COLUMNS and self.filter("stage"):
            return "stage"  # the stage's weighted share of a multi-stage school's resource
        return "school"

    def filter(self, key: str) -> tuple[str, ...]:
        return dict(self.filters).get(key, ())

    @property
    def key(self) -> str:
        """A stable column name for this term in the engine's wide frames."""
        parts = [f"{k}={','.join(v)}" for k, v in self.filters]
        if self.lag:
            parts.append(f"lag={self.lag}")
        return self.column + ("[" + ";".join(parts) + "]" if parts else "")

    @property
    def unlagged(self) -> Term:
        return Term(self.column, self.filters, 0)

    def text(self) -> str:
        """Chinese rendering, e.g. 在校生数（学段=primary；年级=3）."""
        names = {
            "stage": "学段",
            "grade": "年级",
            "age": "年龄",
            "school_type": "办学类型",
            "ownership": "办别",
        }
        names |= {"locale": "城乡", "boarding": "寄宿制"}
        parts = [f"{names.get(k, k)}={'、'.join(value_name(k, x) for x in v)}" for k, v in self.filters]
        if self.lag:
            parts.append(f"{self.lag}年前")
        return label(self.column) + ("（" + "；".join(parts) + "）" if parts else "")

    def predicate(self) -> pl.Expr:
        """The row filter on the term's base frame (True when the term has no filter)."""
        expr = pl.lit(True)
        for key, values in self.filters:
            if key in INT_KEYS:
                expr = expr & pl.col(key).is_in([int(v) for v in values])
            elif key == "boarding":
                expr = expr & (pl.col(key) == (values[0] == "true"))
            else:
                expr = expr & pl.col(key).is_in(list(values))
        return expr


_TERM = re.compile(r"^\s*([a-z_0-9]+)\s*(?:\[([^\]]*)\])?\s*$")


def _parse_filters(text: str, code: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if "=" not in part:
            raise ConfigError(f"指标 {code} 的筛选条件“{part}”缺少“=”", english=f"{code}: bad filter {part}")
        key, value = (s.strip() for s in part.split("=", 1))
        if ".." in value:
            lo, hi = (int(v) for v in value.split(".."))
            out[key] = tuple(str(v) for v in range(lo, hi + 1))
        else:
            out[key] = tuple(v.strip() for v in value.split(","))
    return out


def _check(term: Term, code: str) -> None:
    known = (*GRADE_COLUMNS, *STAGE_COLUMNS, *SCHOOL_COLUMNS, *HEALTH_COLUMNS, *DERIVED, "population")
    if term.column not in known:
        raise ConfigError(
            f"指标 {code} 引用了未知数据列 {term.column}", english=f"{code}: unknown column {term.column}"
        )
    allowed = {"township": {"age"}, "stage": {"stage", *SCHOOL_ATTRS}, "school": set(SCHOOL_ATTRS)}[term.base]
    if term.column in GRADE_COLUMNS:
        allowed = allowed | {"grade"}
    bad = [k for k, _ in term.filters if k not in allowed]
    if bad:
        raise ConfigError(
            f"指标 {code} 的 {term.column} 不能按 {bad} 筛选",
            english=f"{code}: filter {bad} not allowed on {term.column}",
        )


def parse_side(expression: str, where: str, code: str) -> tuple[Term, ...]:
    """Terms of one side of a formula, with the indicator's `where` filters merged under each term's own."""
    common = _parse_filters(where, code)
    terms = []
    for piece in expression.split("+"):
        match = _TERM.match(piece)
        if not match:
            raise ConfigError(f"指标 {code} 的公式无法解析：{piece}", english=f"{code}: cannot parse {piece}")
        own = _parse_filters(match.group(2) or "", code)
        lag = int(own.pop("lag", ("0",))[0])
        column = match.group(1)
        merged = {**common, **own}
        if (
            column == "population"
        ):  # population has no school attributes: only the term's own age filter applies
            merged = {k: v for k, v in merged.items() if k == "age"}
        term = Term(column, tuple(sorted(merged.items())), lag)
        _check(term, code)
        terms.append(term)
    return tuple(terms)
