"""What the dashboard pages show, computed from evaluated target rows (kept out of the views to keep them short)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from openpyxl import Workbook
from openpyxl.styles import Font

from eduplan.errors import NotFound
from eduplan.indicators.catalogue import load_catalogue
from eduplan.indicators.explain import explain
from eduplan.indicators.scope import SCOPES
from eduplan.monitoring.progress import COMPARATOR_LABELS, STATUS_LABELS, milestone_path
from eduplan.web import charts
from eduplan.web.plans.models import Plan
from eduplan.web.plans.services import (
    SOURCE_LABELS,
    TargetRow,
    cached_evaluation,
    cached_rows,
    data_fingerprint,
    label,
)


@dataclass(frozen=True)
class TableRow:
    pk: int
    indicator: str
    code: str
    scope: str
    baseline: str
    latest: str
    latest_value: float | None
    latest_year: int | None
    milestone: str
    target: str
    target_year: int
    status: str
    status_label: str
    forecast: str
    forecast_value: float | None
    source: str


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".") + unit


def table_rows(rows: Sequence[TargetRow]) -> list[TableRow]:
    out = []
    for r in rows:
        t, j = r.target, r.judgement
        unit = t.unit if t.unit == "%" else ""
        target = f"{COMPARATOR_LABELS.get(t.comparator, '')} {_num(j.target_value, unit)}"
        if t.comparator == "change":
            target += f"（每年 {t.value:+g}）"
        if t.recurrence:
            target += "（每年）"
        baseline = "—" if j.baseline_value is None else f"{_num(j.baseline_value, unit)}（{j.baseline_year}）"
        latest = "—" if j.latest_value is None else f"{_num(j.latest_value, unit)}（{j.latest_year}）"
        out.append(TableRow(
            t.pk, t.indicator_text, t.indicator_code, t.get_scope_display() + (f" {t.scope_value}" if t.scope_value else ""),
            baseline, latest, j.latest_value, j.latest_year, _num(j.milestone_value, unit), target, t.target_year,
            j.status, STATUS_LABELS[j.status], _num(j.forecast_value, unit), j.forecast_value,
            SOURCE_LABELS[r.source],
        ))  # fmt: skip
    return out


def latest_year(rows: Sequence[TargetRow]) -> int | None:
    years = [r.judgement.latest_year for r in rows if r.judgement.latest_year is not None]
    return max(years) if years else None


def next_deadlines(rows: Sequence[TargetRow], plan: Plan) -> list[dict[str, Any]]:
    """Upcoming dates: each unmet target's next milestone or target year, and unfinished projects."""
    now = latest_year(rows) or plan.period_start
    items: list[dict[str, Any]] = []
    for r in rows:
        if r.judgement.status == "achieved" and not r.target.recurrence:
            continue
        path = milestone_path(r.spec, range(now + 1, r.target.target_year + 1))
        year = min(path) if path else r.target.target_year
        value = path.get(year, r.judgement.target_value)
        items.append({"year": year, "what": label(r.target), "value": _num(value), "pk": r.target.pk,
                      "status": r.judgement.status, "kind": "目标"})  # fmt: skip
    for p in plan.projects.exclude(status__in=("done", "dropped")):
        if p.planned_year:
            late = "（已逾期）" if p.planned_year < now else ""
            items.append({"year": p.planned_year, "what": p.name, "value": p.get_status_display() + late, "pk": None,
                          "status": "", "kind": "项目"})  # fmt: skip
    return sorted(items, key=lambda i: (i["year"], i["kind"], i["what"]))


def target_chart(row: TargetRow) -> SafeString:
    """Actual values, the milestone trajectory and the forecast on one chart."""
    t, j = row.target, row.judgement
    series = [charts.Series(f"实际值（{SOURCE_LABELS[row.source]}）", [(float(y), v) for y, v in row.series],
                            color="#1d5fa8")]  # fmt: skip
    other = row.manual if row.source == "computed" else row.computed if row.source == "manual" else []
    if other:
        name = "手工填报（对照）" if row.source == "computed" else "统计数据（对照）"
        series.append(charts.Series(name, [(float(y), v) for y, v in other], dashed=True, color="#7b8794"))
    start = j.baseline_year or (row.series[0][0] if row.series else t.plan.period_start)
    spec = row.spec
    if spec.baseline_value is None and j.baseline_value is not None:
        # The baseline was taken from the data (the plan text gave none): the trajectory starts there too.
        spec = dataclasses.replace(spec, baseline_value=j.baseline_value, baseline_year=j.baseline_year)
    path = milestone_path(spec, range(start, t.target_year + 1))
    if path:
        series.append(
            charts.Series(
                "里程碑轨迹", [(float(y), v) for y, v in sorted(path.items())], dashed=True, color="#2e7d32"
            )
        )
    if j.forecast_value is not None and j.latest_year is not None and j.latest_value is not None:
        forecast = [(float(j.latest_year), j.latest_value), (float(t.target_year), j.forecast_value)]
        series.append(charts.Series("趋势预测", forecast, dashed=True, color="#b26a00"))
    hlines = [] if j.target_value is None else [charts.HLine(j.target_value, f"目标 {_num(j.target_value)}")]
    return charts.line_chart(series, title=label(t), y_label=t.unit, hlines=hlines)


def explanation(row: TargetRow) -> tuple[str, list[tuple[str, str]]]:
    """How the latest number was obtained: the indicators area's full explanation (formula, inputs, source rows)
    when `eduplan.indicators.explain` is present, else the formula and the engine's numerator and denominator."""
    t, j = row.target, row.judgement
    if row.source == "manual":
        return "", [("来源", "手工填报（指标目录暂不能计算或统计数据不分该范围）")]
    if not t.indicator_code or j.latest_year is None:
        return "", []
    if row.series_code != t.indicator_code:
        return "", _scoped_lines(row)
    text = _explain_text(row)
    if text:
        return text, []
    lines = _catalogue_lines(t.indicator_code)
    frame = cached_evaluation(t.plan).frame
    hit = frame.filter(
        (pl.col("code") == t.indicator_code)
        & (pl.col("unit") == row.unit_code)
        & (pl.col("year") == j.latest_year)
    )
    if not hit.is_empty() and "numerator" in hit.columns:
        rec = hit.row(0, named=True)
        lines.append(("分子", _num(rec.get("numerator"))))
        lines.append(("分母", _num(rec.get("denominator"))))
        lines.append(("结果", f"{_num(rec.get('value'))}（{j.latest_year} 年）"))
    return "", lines


def _scoped_lines(row: TargetRow) -> list[tuple[str, str]]:
    """The formula, the scope (only the schools of one locale) and the scoped numerator and denominator."""
    lines = _catalogue_lines(row.target.indicator_code)
    lines.append(("范围", f"只计学校名录中城乡分类为“{SCOPES[row.target.scope][1]}”的学校"))
    scoped = cached_evaluation(row.target.plan).scoped
    year = row.judgement.latest_year
    hit = (
        None
        if scoped is None
        else scoped.filter(
            (pl.col("code") == row.series_code) & (pl.col("unit") == row.unit_code) & (pl.col("year") == year)
        )
    )
    if hit is not None and not hit.is_empty():
        rec = hit.row(0, named=True)
        lines += [("分子", _num(rec["numerator"])), ("分母", _num(rec["denominator"])),
                  ("结果", f"{_num(rec['value'])}（{year} 年）")]  # fmt: skip
    return lines


def values_by_year(row: TargetRow) -> list[dict[str, Any]]:
    """Each year's computed and hand-entered value side by side, and which one the judgement used."""
    computed, manual = dict(row.computed), dict(row.manual)
    return [
        {"year": y, "computed": _num(computed.get(y)), "manual": _num(manual.get(y)),
         "used": SOURCE_LABELS[row.source] if y in dict(row.series) else "—"}
        for y in sorted(computed.keys() | manual.keys(), reverse=True)
    ]  # fmt: skip


_explained: dict[tuple[object, ...], str] = {}


def _explain_text(row: TargetRow) -> str:
    """`explain(facts, code, unit, year).text()`, kept while the data are unchanged (it recomputes the engine)."""
    evaluation, year = cached_evaluation(row.target.plan), row.judgement.latest_year
    if evaluation.facts is None or year is None:
        return ""
    key = (
        data_fingerprint(),
        row.target.plan.pk,
        row.target.indicator_code,
        row.unit_code,
        year,
    )
    if key not in _explained:
        try:
            result = explain(evaluation.facts, row.target.indicator_code, row.unit_code, year)
            text = str(result.text())
        except Exception:
            text = ""
        if len(_explained) > 256:
            _explained.clear()
        _explained[key] = text
    return _explained[key]


def _catalogue_lines(code: str) -> list[tuple[str, str]]:
    try:
        ind = load_catalogue().get(code)
    except NotFound:
        return []
    lines = [("指标", f"{ind.name}（{ind.code}）")]
    if ind.denominator:
        lines.append(
            (
                "公式",
                f"{ind.numerator_label} ÷ {ind.denominator_label}" + (" × 100%" if ind.unit == "%" else ""),
            )
        )
    if ind.source:
        lines.append(("依据", "；".join(str(s) for s in ind.source)))
    if ind.note:
        lines.append(("口径说明", ind.note))
    return lines


def units_below(row: TargetRow) -> list[dict[str, Any]]:
    """The townships and schools under the region on the target's indicator, latest year, worst first."""
    t, j = row.target, row.judgement
    if not t.indicator_code or j.latest_year is None or row.source != "computed":
        return []
    evaluation = cached_evaluation(t.plan)
    source = evaluation.frame if row.series_code == t.indicator_code else evaluation.scoped
    if source is None:
        return []
    frame = source.filter(
        (pl.col("code") == row.series_code)
        & (pl.col("year") == j.latest_year)
        & pl.col("level").is_in(["township", "school"])
    )
    higher = row.spec.comparator != "le" and row.spec.direction != "lower"
    units = [
        {"code": u, "name": evaluation.names.get(u, u), "level": {"township": "乡镇", "school": "学校"}[lv],
         "value": v, "shown": _num(v), "reason": reason or ""}
        for u, lv, v, reason in frame.select("unit", "level", "value", "reason").iter_rows()
    ]  # fmt: skip
    # Worst first: the lowest values of a higher-is-better indicator; units without a value last.
    sign = 1.0 if higher else -1.0
    return sorted(units, key=lambda u: (u["level"] != "乡镇", u["value"] is None, sign * (u["value"] or 0.0)))


def units_html(units: Sequence[dict[str, Any]]) -> SafeString:
    """The units table body, built in Python: a county has hundreds of schools and the template loop was the
    slowest part of the target page."""
    return format_html_join(
        "\n",
        '<tr><td>{}</td><td>{}</td><td>{}</td><td class="num" data-sort="{}">{}</td><td class="muted">{}</td></tr>',
        (
            (
                u["level"],
                u["name"],
                u["code"],
                "" if u["value"] is None else u["value"],
                u["shown"],
                u["reason"],
            )
            for u in units
        ),
    )


def excel(plan: Plan, rows: Sequence[TableRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "目标进展"
    ws.append([plan.name])
    ws["A1"].font = Font(bold=True, size=13)
    head = [
        "指标",
        "指标代码",
        "范围",
        "基期值",
        "最新值（年份）",
        "最新值",
        "最新年份",
        "当年里程碑",
        "目标",
        "目标年",
        "状态",
        "预测值",
    ]
    ws.append(head)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.indicator, r.code, r.scope, r.baseline, r.latest, r.latest_value, r.latest_year, r.milestone,
                   r.target, r.target_year, r.status_label, r.forecast_value])  # fmt: skip
    for col, width in zip("ABCDEFGHIJKL", (28, 26, 10, 16, 16, 10, 10, 12, 18, 8, 10, 10), strict=True):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rollup_table(plans: Sequence[Plan]) -> dict[str, Any]:
    """Counties side by side: one row per indicator, one column per county (target, latest, status)."""
    indicators: dict[str, str] = {}
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    totals: list[dict[str, Any]] = []
    for plan in plans:
        rows = cached_rows(plan)
        counts = {s: 0 for s in STATUS_LABELS}
        for r in rows:
            key = r.target.indicator_code or r.target.indicator_text
            key += "" if r.target.scope == "region" else f"｜{r.target.get_scope_display()}"
            indicators.setdefault(
                key,
                r.target.indicator_text
                + ("" if r.target.scope == "region" else f"（{r.target.get_scope_display()}）"),
            )
            shown = table_rows([r])[0]
            cells[(key, plan.pk)] = {"target": shown.target, "latest": shown.latest,
                                     "status": r.judgement.status, "label": STATUS_LABELS[r.judgement.status]}  # fmt: skip
            counts[r.judgement.status] += 1
        totals.append({"plan": plan, "counts": counts})
    grid = [
        {"name": name, "cells": [cells.get((key, p.pk)) for p in plans]} for key, name in indicators.items()
    ]
    return {"grid": grid, "totals": totals, "status_labels": STATUS_LABELS}
