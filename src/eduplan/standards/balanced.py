"""县域义务教育优质均衡发展 (教督〔2017〕6号): each school's seven indicators, the county CV, and the items."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import polars as pl

from eduplan.facts import Facts
from eduplan.indicators.formula import label
from eduplan.standards.county import County, county, indicator_values, missing_reports, school_stages
from eduplan.standards.cv import cv_long
from eduplan.standards.items import Entry, evaluate_items
from eduplan.standards.loader import Standard, load
from eduplan.standards.result import Evaluation, Measure, SchoolResult, StageResult, Verdict, combine

# Values equal to a threshold up to float noise meet it (4.2 computed as 21/500·100 must count as 4.2).
EPSILON = 1e-9


def _school_status(measures: dict[str, Measure], standard: Standard) -> Verdict:
    """Fail when the known values already rule a pass out (one below the floor, or too many below their
    threshold); pass when every value is known and ≥ min_met meet their threshold; else undecided."""
    known = [m for m in measures.values() if m.value is not None and m.threshold is not None]
    below_floor = any(m.ratio is not None and m.ratio < standard.floor_ratio - EPSILON for m in known)
    unmet = sum(1 for m in known if not m.met)
    if not standard.min_met or below_floor or unmet > len(measures) - standard.min_met:
        return "fail"
    return "pass" if len(known) == len(measures) else "incomplete"


def judge_school(row: Mapping[str, Any], standard: Standard, stage: str) -> SchoolResult:
    """A school passes when ≥ min_met indicators meet their thresholds and every other reaches floor_ratio of its."""
    measures: dict[str, Measure] = {}
    for ind in standard.indicators:
        value, threshold = row.get(ind.code), ind.threshold.get(stage)
        met = None if value is None or threshold is None else value >= threshold - EPSILON
        ratio = value / threshold if value is not None and threshold else None
        measures[ind.code] = Measure(value, threshold, met, ratio)
    met_count = sum(1 for m in measures.values() if m.met)
    status = _school_status(measures, standard)
    missing = [standard.indicator(code).name for code, m in measures.items() if m.value is None]
    return SchoolResult(
        row["school"],
        row["name"],
        stage,
        row["school_type"],
        int(row["pupils"] or 0),
        measures,
        met_count,
        status == "pass",
        "" if status == "pass" else _why(measures, met_count, standard, status),
        status,
        missing,
    )


def _why(measures: dict[str, Measure], met_count: int, standard: Standard, status: Verdict) -> str:
    names = {code: standard.indicator(code).name for code in measures}
    missing = [names[code] for code, m in measures.items() if m.value is None]
    if status == "incomplete":
        return "无法评估，缺少数据：" + "、".join(missing)
    low = [names[c] for c, m in measures.items() if m.ratio is not None and m.ratio < standard.floor_ratio]
    if low:
        return f"有指标低于标准的{standard.floor_ratio:.0%}：" + "、".join(low)
    unmet = [names[c] for c, m in measures.items() if m.met is False]
    return f"{len(unmet)} 项未达标（{'、'.join(unmet)}），达标项少于 {standard.min_met} 项"


def _cv_status(
    cv: dict[str, float | None], missing: dict[str, list[str]], limit: float, complete: bool
) -> tuple[dict[str, bool], dict[str, Verdict]]:
    """Per indicator: met (only where decided) and its status; a CV over a partial sample decides nothing."""
    status: dict[str, Verdict] = {}
    for code, v in cv.items():
        if v is None or missing.get(code) or not complete:
            status[code] = "incomplete"
        else:
            status[code] = "pass" if v <= limit + EPSILON else "fail"
    return {c: s == "pass" for c, s in status.items() if s != "incomplete"}, status


def stage_result(
    frame: pl.DataFrame, standard: Standard, stage: str, judge: bool = True, complete: bool = True
) -> StageResult:
    """Schools of one stage judged, the CV of each indicator over the sample against the stage's limit.

    `complete` is False when not every open school reported this year: no CV is then decided."""
    rows = frame.filter(pl.col("stage") == stage)
    sample = rows.filter(pl.col("excluded").is_null())
    excluded = (
        rows.filter(pl.col("excluded").is_not_null())
        .select(pl.col("school").alias("code"), "name", "pupils", pl.col("excluded").alias("reason"))
        .to_dicts()
    )
    codes = [i.code for i in standard.indicators]
    long = cv_long(sample.select("stage", "pupils", *codes), codes)
    cv = {code: None for code in codes} | {r["indicator"]: r["cv"] for r in long.iter_rows(named=True)}
    mean = {code: None for code in codes} | {r["indicator"]: r["mean"] for r in long.iter_rows(named=True)}
    lacking = {c: sample.filter(pl.col(c).is_null())["name"].to_list() for c in codes}
    limit = standard.cv_limit[stage]
    cv_met, cv_status = _cv_status(cv, lacking, limit, complete)
    schools = [judge_school(r, standard, stage) for r in sample.iter_rows(named=True)] if judge else []
    missing = [
        f"{standard.indicator(c).name}缺 {len(names)} 所学校的数据（{'、'.join(names[:5])}{' 等' if len(names) > 5 else ''}）"
        for c, names in lacking.items()
        if names
    ]
    if sample.height == 0:
        missing.append("样本中没有学校（该学年无数据）")
    status = combine(
        [*(s.status for s in schools), *cv_status.values(), "incomplete" if not sample.height else "pass"]
    )
    reason = _stage_reason(schools, cv_status, standard)
    return StageResult(
        stage, cv, limit, cv_met, mean, schools, excluded, status == "pass", None, sample.height, status, missing,
        reason,
    )  # fmt: skip


def _stage_reason(schools: list[SchoolResult], cv_status: dict[str, Verdict], standard: Standard) -> str:
    failing = sum(1 for s in schools if s.status == "fail")
    over = [standard.indicator(c).name for c, s in cv_status.items() if s == "fail"]
    parts = ([f"{failing} 所学校未达标"] if failing else []) + (
        [f"差异系数超限：{'、'.join(over)}"] if over else []
    )
    return "；".join(parts)


def indicator_meta(standard: Standard) -> list[dict[str, Any]]:
    return [
        {"code": i.code, "name": i.name, "unit": i.unit, "threshold": i.threshold, "source": i.source,
         "inputs": sorted({label(c) for cols in i.numerator.values() for c in cols})}
        for i in standard.indicators
    ]  # fmt: skip


def prepare(
    facts: Facts, unit: str, year: int, kind: str, include_small_points: bool
) -> tuple[Standard, County, pl.DataFrame]:
    standard = load(kind, unit)
    if include_small_points:
        standard = dataclasses.replace(standard, min_pupils_teaching_point=0)
    c = county(facts, unit, year)
    return standard, c, indicator_values(school_stages(c, standard), standard)


def evaluate_balanced(
    facts: Facts,
    unit: str,
    year: int,
    entered: Mapping[str, Entry] | None = None,
    include_small_points: bool = False,
) -> Evaluation:
    """The 优质均衡 evaluation of county `unit` in `year`."""
    standard, c, frame = prepare(facts, unit, year, "balanced", include_small_points)
    stages = {stage: stage_result(frame, standard, stage, complete=c.complete) for stage in standard.stages}
    items = evaluate_items(c, standard.items, frame, entered or {})
    notes = [
        f"样本：公办学校；不含不足{standard.min_pupils_teaching_point}人的教学点"
        if standard.min_pupils_teaching_point
        else "样本：公办学校，含全部教学点"
    ]
    return Evaluation(
        "balanced",
        standard.name,
        standard.source,
        unit,
        year,
        stages,
        items,
        indicator_meta(standard),
        notes,
        standard.province_file,
        c.status,
        missing_reports(c),
    )
