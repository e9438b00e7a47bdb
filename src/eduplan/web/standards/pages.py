"""What the standards pages show, computed from the core's results (no HTTP here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from eduplan import results
from eduplan.facts import STAGE_NAMES, Facts
from eduplan.indicators.completeness import data_years
from eduplan.results.judgements import Judged
from eduplan.standards.gaps import Plan, plan, shortfalls
from eduplan.standards.loader import load
from eduplan.standards.result import Evaluation
from eduplan.web.charts import HLine, Series, bar_chart, line_chart

KIND_NAMES = {"balanced": "优质均衡", "basic": "基本均衡", "preschool": "普及普惠"}
PASS, FAIL, GREY, NEUTRAL = "#2e7d32", "#c62828", "#9aa5b1", "#1d5fa8"


def years_of(facts: Facts) -> list[int]:
    return data_years(facts)


def run(kind: str, facts: Facts, unit: str, year: int) -> Evaluation:
    """The evaluation as stored for the county's data version and entered items (eduplan.results)."""
    return judged(kind, unit, year).value  # type: ignore[no-any-return]


def judged(kind: str, unit: str, year: int) -> Judged[Evaluation]:
    """The stored evaluation, and whether it is that of the current data (else it is being refreshed)."""
    return results.judgement("evaluation", unit, f"{kind} {year}")


def cv_chart(result: Evaluation, stage: str) -> SafeString:
    """The stage's CV per indicator as bars (green within the limit, red above), the limit as a line."""
    s = result.stages[stage]
    names = {i["code"]: i["name"] for i in result.indicators}
    codes = list(s.cv)
    values = [s.cv[c] for c in codes]
    # 优质均衡 judges each CV (green, red; grey when undecided); 基本均衡 only their mean (bars in one colour).
    judged = result.kind == "balanced"
    colors = [
        (GREY if c not in s.cv_met else PASS if s.cv_met[c] else FAIL) if judged else NEUTRAL for c in codes
    ]
    labels = [_short(names[c]) for c in codes]
    if s.combined_cv is not None:
        labels.append("综合")
        values.append(s.combined_cv)
        colors.append({"pass": PASS, "fail": FAIL}.get(s.status, GREY))
    return bar_chart(
        labels,
        values,
        title=f"{STAGE_NAMES[stage]}差异系数",
        colors=colors,
        width=900,
        limit=HLine(s.cv_limit, f"限值 {s.cv_limit:.2f}"),
    )


def _short(name: str) -> str:
    for old, new in (
        ("每百名学生拥有", "百生"),
        ("生均", ""),
        ("（美术、音乐）", ""),
        ("专任教师数", "教师"),
        ("教学及辅助用房面积", "教辅用房"),
        ("体育运动场馆面积", "运动场馆"),
        ("高于规定学历教师数", "高学历教师"),
        ("县级以上骨干教师数", "骨干教师"),
        ("网络多媒体教室数", "多媒体教室"),
        ("教学仪器设备值", "仪器设备"),
        ("中级及以上专业技术职务教师数", "中级职称教师"),
        ("拥有计算机台数", "计算机"),
    ):
        name = name.replace(old, new)
    return name[:8]


@dataclass
class YearRow:
    year: int
    verdict: str
    stages: dict[str, str]  # stage → pass, fail or incomplete
    worst: dict[str, float | None]
    result: Evaluation

    @property
    def data_label(self) -> str:
        c = self.result.completeness
        return c.label if c is not None else "无数据"


def history(kind: str, facts: Facts, unit: str, known: Evaluation | None = None) -> list[YearRow]:
    """The verdict of each year with data (newest first), from the stored evaluations; `known`, already read
    for its year, is not read again."""
    rows = []
    for year in reversed(years_of(facts)):
        r = known if known is not None and known.year == year else run(kind, facts, unit, year)
        worst = {st: _worst(s.cv, s.combined_cv) for st, s in r.stages.items()}
        rows.append(YearRow(year, r.verdict, {st: s.status for st, s in r.stages.items()}, worst, r))
    return rows


def _worst(cv: dict[str, float | None], combined: float | None) -> float | None:
    if combined is not None:
        return combined
    known = [v for v in cv.values() if v is not None]
    return max(known) if known else None


def history_chart(rows: list[YearRow], kind: str) -> SafeString | None:
    if len(rows) < 2 or kind == "preschool":
        return None
    stages = list(rows[0].worst)
    series = [Series(STAGE_NAMES[s], [(r.year, r.worst.get(s)) for r in rows]) for s in stages]
    title = "综合差异系数" if kind == "basic" else "最大的单项差异系数"
    return line_chart(series, title=f"历年{title}", y_label="差异系数")


def rate_history(rows: list[YearRow]) -> SafeString | None:
    """普及普惠: the three rates across years against their thresholds."""
    if len(rows) < 2:
        return None
    per_year = {r.year: r.result for r in rows}
    first = next(iter(per_year.values()))
    codes = [i["code"] for i in first.indicators]
    series = []
    for code in codes:
        name = next(i["name"] for i in first.indicators if i["code"] == code)
        points = [(y, _pct(next(i.value for i in e.items if i.code == code))) for y, e in per_year.items()]
        series.append(Series(name.split("（")[0], points))
    return line_chart(
        series,
        title="历年普及普惠指标",
        y_label="%",
        hlines=[HLine(float(i["threshold"]) * 100, f"{i['threshold']:.0%}") for i in first.indicators],
    )


def _pct(v: float | None) -> float | None:
    return None if v is None else v * 100


def todo(result: Evaluation, mode: str) -> tuple[Plan, list[Any]]:
    standard = load("balanced", result.unit)
    return plan(result, standard, mode), shortfalls(result, standard)


def school_rows(result: Evaluation, stage: str) -> list[dict[str, Any]]:
    """Per school: its cells (value, threshold, met) in indicator order, and its pass mark."""
    codes = [i["code"] for i in result.indicators]
    return [{"school": s, "cells": [s.indicators[c] for c in codes]} for s in result.stages[stage].schools]


def headers(result: Evaluation, stage: str) -> list[dict[str, Any]]:
    """Column heads of the school table: a short name, the full name and source as a tooltip, the threshold."""
    return [
        {
            "short": _short(i["name"]),
            "name": i["name"],
            "source": i["source"],
            "threshold": i["threshold"].get(stage),
        }
        for i in result.indicators
    ]


def item_groups(result: Evaluation, names: dict[str, str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Items by group, each with its value and threshold as text (rates as percentages, ratios as 1:x) and the
    names of the schools or townships that fail it (at most 20)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in result.items:
        failing = [names.get(code, code) for code in item.failing[:20]]
        if len(item.failing) > 20:
            failing.append(f"等 {len(item.failing)} 所")
        shown = {
            "value_text": item.text(item.value),
            "threshold_text": item.text(item.threshold),
            "failing": failing,
        }
        groups.setdefault(item.group, []).append({"item": item, **shown})
    return list(groups.items())


def unit_names(facts: Facts) -> dict[str, str]:
    pairs = list(facts.org_units.select("code", "name").iter_rows()) + list(
        facts.schools.select("code", "name").iter_rows()
    )
    return {str(c): str(n) for c, n in pairs}
