"""Explanations: formula, numerator, denominator, each input and its source rows."""

from __future__ import annotations

import pytest

from eduplan.errors import NotFound
from eduplan.facts import Facts
from eduplan.indicators.explain import explain


def test_explain_split_teachers(county: Facts) -> None:
    # 43 / 46 (see test_indicator_values); the inputs are the three degree terms and the teacher term.
    exp = explain(county, "primary_teacher_college_share", "990101", 2020)
    assert exp.value == pytest.approx(43 / 46 * 100)
    assert [i.side for i in exp.inputs] == ["numerator"] * 3 + ["denominator"]
    teachers = exp.inputs[-1]
    assert teachers.value == pytest.approx(46.0)
    assert sorted(teachers.rows["school"].to_list()) == ["N1", "P1"]
    n1 = teachers.rows.filter(teachers.rows["school"] == "N1")
    assert n1["share"][0] == pytest.approx(2 / 3) and n1["teachers"][0] == pytest.approx(40.0)
    assert n1["teachers_whole_school"][0] == 60
    text = exp.text()
    assert "小学专科及以上学历专任教师占比" in text and "公式：" in text and "学段=小学" in text
    assert "小学专科及以上学历专任教师数 ÷ 小学专任教师数 × 100" in text


def test_explain_population_rows(county: Facts) -> None:
    exp = explain(county, "preschool_ger", "990101001", 2020)
    pop = exp.inputs[-1]
    assert pop.value == 125.0 and pop.rows.height == 3  # ages 3, 4, 5 of 甲镇: 40 + 40 + 45
    assert "教督〔2020〕1号" in exp.text()


def test_explain_lagged_term_uses_earlier_year(county: Facts) -> None:
    exp = explain(county, "compulsory_retention_rate", "990101", 2020)
    cohort = exp.inputs[-1]
    assert cohort.value == 120.0 and set(cohort.rows["year"]) == {2012}


def test_explain_reported_rolls_up_rows(county: Facts) -> None:
    exp = explain(county, "disabled_compulsory_enrollment_rate", "990101", 2020)
    assert exp.value == pytest.approx(90.0)
    assert sorted(exp.inputs[0].rows["unit"].to_list()) == ["990101001", "990101002"]


def test_explain_missing_says_why(county: Facts) -> None:
    exp = explain(county, "vocational_employment_rate", "990101", 2020)
    assert exp.value is None and "未填报" in exp.text()


def test_explain_unknown_unit(county: Facts) -> None:
    with pytest.raises(NotFound):
        explain(county, "preschool_ger", "123", 2020)
