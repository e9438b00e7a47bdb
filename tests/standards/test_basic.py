"""基本均衡: eight CVs and their plain mean against 0.65 (小学) / 0.55 (初中)."""

from __future__ import annotations

import pytest

from eduplan.standards.basic import evaluate_basic

from .builders import COUNTY, PRIMARY_OK, YEAR, CountyBuilder, scaled, school_code

BASIC_RESOURCES = (
    "area_teaching",
    "area_sports",
    "equipment_value",
    "computers",
    "books",
    "teachers",
    "teachers_postgrad",
    "teachers_bachelor",
    "teachers_college",
)


def _county(factor: float) -> CountyBuilder:
    # Two schools of 500 pupils, the second with every 2012 resource × factor: each CV = (f − 1)/(f + 1).
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    return b.school(
        school_code(2), "primary", 500, scaled(PRIMARY_OK, **{k: factor for k in BASIC_RESOURCES})
    )


def _with_titles(b: CountyBuilder) -> CountyBuilder:
    """Both schools report 10 中级职称 teachers (an equal spread: that indicator's CV is 0)."""
    b.reported += [
        {"unit": school_code(i), "year": YEAR, "indicator": "teachers_mid_title", "value": 10.0}
        for i in (1, 2)
    ]
    return b


def test_missing_eighth_indicator_leaves_the_stage_undecided() -> None:
    # factor 3: CV = 2/4 = 0.5 for the seven indicators the statistics hold; 中级职称 not reported: the mean of
    # eight is unknown. Its lower bound 7·0.5/8 = 0.4375 ≤ 0.65 cannot decide either way → 无法评估, never 达标.
    result = evaluate_basic(_county(3).build(), COUNTY, YEAR)
    primary = result.stages["primary"]
    assert primary.cv["books"] == pytest.approx(0.5)
    assert primary.cv["teachers_mid_title"] is None
    assert primary.combined_cv is None
    assert (primary.status, primary.passed) == ("incomplete", False)
    assert any("0.438" in m for m in primary.missing)
    assert result.verdict == "incomplete"


def test_lower_bound_above_limit_fails_without_the_eighth() -> None:
    # factor 9: CV = 8/10 = 0.8 for seven indicators; even with the eighth at 0 the mean is ≥ 7·0.8/8 = 0.7 > 0.65.
    primary = evaluate_basic(_county(9).build(), COUNTY, YEAR).stages["primary"]
    assert primary.combined_cv is None
    assert (primary.status, primary.passed) == ("fail", False)
    assert "0.700" in primary.reason


def test_combined_cv_above_limit_fails() -> None:
    # factor 9 with 中级职称 reported equal (CV 0): combined (7·0.8 + 0)/8 = 0.7 > 0.65.
    primary = evaluate_basic(_with_titles(_county(9)).build(), COUNTY, YEAR).stages["primary"]
    assert primary.combined_cv == pytest.approx(0.7)
    assert (primary.status, primary.passed) == ("fail", False)


def test_reported_mid_title_teachers_enter_as_eighth_indicator() -> None:
    # 中级职称 10 and 10 teachers: CV 0 → combined (7·0.5 + 0)/8 = 0.4375.
    primary = evaluate_basic(_with_titles(_county(3)).build(), COUNTY, YEAR).stages["primary"]
    assert primary.cv["teachers_mid_title"] == 0.0
    assert primary.combined_cv == pytest.approx(3.5 / 8)
    assert primary.status == "pass"
