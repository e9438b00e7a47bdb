"""The demo county in 2024: a mixed verdict, pinned (regenerate these figures if the demo changes on purpose)."""

from __future__ import annotations

import pytest

from eduplan.demo import DEMO_COUNTY
from eduplan.facts import Facts
from eduplan.standards import evaluate
from eduplan.standards.gaps import plan
from eduplan.standards.loader import load


def test_balanced_fails_with_passing_and_failing_schools(demo_facts: Facts) -> None:
    # The demo is still tuned by its owner, so this pins the shape of the verdict rather than each figure.
    result = evaluate("balanced", demo_facts, DEMO_COUNTY, 2024)
    assert result.verdict == "fail"
    primary = result.stages["primary"]
    assert 0 < len(primary.failing_schools) < len(primary.schools)
    assert sum(primary.cv_met.values()) >= 5  # most CVs within 0.50
    items = {i.code: i.status for i in result.items}
    assert items["rotation"] == "pass" and items["migrant_public"] == "pass"
    assert items["class_size"] == "fail"
    todo = plan(result, load("balanced", DEMO_COUNTY))
    assert todo.actions and todo.passes_after
    assert not todo.all_pass_after and "整改后各校与各项均达标" not in todo.summary()


def test_basic_is_undecided_without_the_title_counts(demo_facts: Facts) -> None:
    # The demo reports no 中级职称 teachers: the mean of eight CVs is unknown, and its lower bound (7 known CVs
    # near 0.2, summed and divided by 8) is far inside 0.65 / 0.55, so the verdict is 无法评估, not 达标.
    result = evaluate("basic", demo_facts, DEMO_COUNTY, 2024)
    assert result.verdict == "incomplete"
    for stage in ("primary", "junior"):
        s = result.stages[stage]
        assert s.status == "incomplete" and s.combined_cv is None
        assert s.cv["teachers_mid_title"] is None
        assert 0.1 < sum(v for v in s.cv.values() if v is not None) / 8 < 0.4


def test_preschool_rates_pass_but_certification_fails(demo_facts: Facts) -> None:
    result = evaluate("preschool", demo_facts, DEMO_COUNTY, 2024)
    status = {i.code: i.status for i in result.items}
    assert [status[c] for c in ("preschool_ger", "preschool_inclusive_share", "preschool_public_share")] == [
        "pass"
    ] * 3
    assert status["class_size_compliance"] == "pass" and status["teacher_child_ratio"] == "pass"
    assert status["certified"] == "fail"
    assert result.verdict == "fail"


ENGINE_CODES = {
    "qualified_teachers_per100": "teachers_above_degree",
    "backbone_teachers_per100": "teachers_backbone",
    "pe_arts_teachers_per100": "teachers_pe_arts",
    "teaching_area_per_pupil": "area_teaching",
    "sports_area_per_pupil": "area_sports",
    "equipment_per_pupil": "equipment_value",
    "multimedia_per100": "multimedia_classrooms",
}


def test_school_values_agree_with_the_indicators_engine(demo_facts: Facts) -> None:
    # The same seven indicators are in the catalogue per stage; both split 一贯制 schools by 1 : 1.1.
    import polars as pl

    from eduplan.indicators.engine import compute

    result = evaluate("balanced", demo_facts, DEMO_COUNTY, 2024)
    codes = {f"{k}_{stage}": (stage, v) for k, v in ENGINE_CODES.items() for stage in ("primary", "junior")}
    engine = compute(demo_facts, codes=list(codes)).filter(
        (pl.col("level") == "school") & (pl.col("year") == 2024)
    )
    ours = {
        (stage, s.code, code): m.value
        for stage, r in result.stages.items()
        for s in r.schools
        for code, m in s.indicators.items()
    }
    compared = 0
    for row in engine.iter_rows(named=True):
        stage, code = codes[row["code"]]
        if (stage, row["unit"], code) in ours and row["value"] is not None:
            assert ours[stage, row["unit"], code] == pytest.approx(row["value"], rel=1e-9), (
                row["unit"],
                code,
            )
            compared += 1
    assert compared >= 7 * 30
