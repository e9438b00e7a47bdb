"""县域义务教育基本均衡发展 (教督〔2012〕3号): the CV of eight indicators and their mean against the limit."""

from __future__ import annotations

from collections.abc import Mapping

from eduplan.facts import Facts
from eduplan.standards.balanced import EPSILON, indicator_meta, prepare, stage_result
from eduplan.standards.county import missing_reports
from eduplan.standards.items import Entry, evaluate_items
from eduplan.standards.result import Evaluation, StageResult


def combine(result: StageResult, complete: bool = True) -> StageResult:
    """综合差异系数 = the mean of all the indicators' CVs; the limit applies to it.

    With some CVs unknown the mean is unknown, but it is at least Σ known ÷ n (a CV is never negative): the stage
    fails when that lower bound already exceeds the limit, and is undecided otherwise."""
    lacking = {c: v for c, v in result.cv.items() if v is None}
    known = [v for v in result.cv.values() if v is not None]
    result.combined_cv = sum(known) / len(known) if known and not lacking else None
    lower = sum(known) / len(result.cv) if result.cv else 0.0
    if not result.sample_size:
        result.status = "incomplete"
    elif lower > result.cv_limit + EPSILON:
        result.status = "fail"
        result.reason = f"综合差异系数至少为 {lower:.3f}，超过限值 {result.cv_limit}"
    elif lacking or not complete or result.missing:
        result.status = "incomplete"
        if lacking:
            result.missing.append(
                f"综合差异系数缺 {len(lacking)} 项，无法计算（已知各项之和 ÷ {len(result.cv)} = {lower:.3f}，"
                f"是它的下限；限值 {result.cv_limit}）"
            )
        if not complete:
            result.missing.append("数据不完整，差异系数不作判定")
    else:
        result.status = (
            "pass"
            if result.combined_cv is not None and result.combined_cv <= result.cv_limit + EPSILON
            else "fail"
        )
        if result.status == "fail":
            result.reason = f"综合差异系数 {result.combined_cv:.3f} 超过限值 {result.cv_limit}"
    result.passed = result.status == "pass"
    return result


def evaluate_basic(
    facts: Facts,
    unit: str,
    year: int,
    entered: Mapping[str, Entry] | None = None,
    include_small_points: bool = False,
) -> Evaluation:
    """The 基本均衡 evaluation of county `unit` in `year`."""
    standard, c, frame = prepare(facts, unit, year, "basic", include_small_points)
    stages = {
        s: combine(stage_result(frame, standard, s, judge=False, complete=c.complete), c.complete)
        for s in standard.stages
    }
    notes: list[str] = []
    items = evaluate_items(c, standard.items, frame, entered or {})
    return Evaluation(
        "basic",
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
