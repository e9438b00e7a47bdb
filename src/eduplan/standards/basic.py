"""县域义务教育基本均衡发展 (教督〔2012〕3号): the CV of eight indicators and their mean against the limit."""

from __future__ import annotations

from collections.abc import Mapping

from eduplan.facts import STAGE_NAMES, Facts
from eduplan.standards.balanced import EPSILON, indicator_meta, prepare, stage_result
from eduplan.standards.items import Entry, evaluate_items
from eduplan.standards.result import Evaluation, StageResult


def combine(result: StageResult) -> StageResult:
    """综合差异系数 = the plain mean of the indicators' CVs that could be computed; the limit applies to it."""
    known = [v for v in result.cv.values() if v is not None]
    result.combined_cv = sum(known) / len(known) if known else None
    result.passed = result.combined_cv is not None and result.combined_cv <= result.cv_limit + EPSILON
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
    stages = {s: combine(stage_result(frame, standard, s, judge=False)) for s in standard.stages}
    notes = []
    for stage, result in stages.items():
        missing = [code for code, v in result.cv.items() if v is None]
        if missing:
            notes.append(
                f"{STAGE_NAMES[stage]}：{'、'.join(missing)} 无数据，综合差异系数按其余 {len(result.cv) - len(missing)} 项的平均计算"
            )
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
    )
