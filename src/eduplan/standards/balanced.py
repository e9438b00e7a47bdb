"""县域义务教育优质均衡发展 (教督〔2017〕6号): each school's seven indicators, the county CV, and the items."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import polars as pl

from eduplan.facts import Facts
from eduplan.standards.county import County, county, indicator_values, school_stages
from eduplan.standards.cv import cv_long
from eduplan.standards.items import Entry, evaluate_items
from eduplan.standards.loader import Standard, load
from eduplan.standards.result import Evaluation, Measure, SchoolResult, StageResult

# Values equal to a threshold up to float noise meet it (4.2 computed as 21/500·100 must count as 4.2).
EPSILON = 1e-9


def judge_school(row: Mapping[str, Any], standard: Standard, stage: str) -> SchoolResult:
    """A school passes when ≥ min_met indicators meet their thresholds and every other reaches floor_ratio of its."""
    measures: dict[str, Measure] = {}
    for ind in standard.indicators:
        value, threshold = row.get(ind.code), ind.threshold.get(stage)
        met = None if value is None or threshold is None else value >= threshold - EPSILON
        ratio = value / threshold if value is not None and threshold else None
        measures[ind.code] = Measure(value, threshold, met, ratio)
    met_count = sum(1 for m in measures.values() if m.met)
    floors = all(m.ratio is not None and m.ratio >= standard.floor_ratio - EPSILON for m in measures.values())
    passed = bool(standard.min_met) and met_count >= standard.min_met and floors
    note = "" if passed else _why(measures, met_count, standard)
    return SchoolResult(
        row["school"],
        row["name"],
        stage,
        row["school_type"],
        int(row["pupils"] or 0),
        measures,
        met_count,
        passed,
        note,
    )


def _why(measures: dict[str, Measure], met_count: int, standard: Standard) -> str:
    missing = [code for code, m in measures.items() if m.value is None]
    if missing:
        return "数据缺失：" + "、".join(missing)
    low = [code for code, m in measures.items() if m.ratio is not None and m.ratio < standard.floor_ratio]
    if low:
        return f"有指标低于标准的{standard.floor_ratio:.0%}：" + "、".join(low)
    return f"仅 {met_count} 项达标，少于 {standard.min_met} 项"


def stage_result(frame: pl.DataFrame, standard: Standard, stage: str, judge: bool = True) -> StageResult:
    """Schools of one stage judged, the CV of each indicator over the sample against the stage's limit."""
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
    limit = standard.cv_limit[stage]
    cv_met = {code: v is not None and v <= limit + EPSILON for code, v in cv.items() if v is not None}
    schools = [judge_school(r, standard, stage) for r in sample.iter_rows(named=True)] if judge else []
    # A stage with no school in the sample cannot be judged to pass.
    passed = sample.height > 0 and all(cv_met.values()) and all(s.passed for s in schools)
    return StageResult(stage, cv, limit, cv_met, mean, schools, excluded, passed, sample_size=sample.height)


def indicator_meta(standard: Standard) -> list[dict[str, Any]]:
    return [
        {"code": i.code, "name": i.name, "unit": i.unit, "threshold": i.threshold, "source": i.source}
        for i in standard.indicators
    ]


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
    stages = {stage: stage_result(frame, standard, stage) for stage in standard.stages}
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
    )
