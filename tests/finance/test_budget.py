"""两个只增不减, pay parity and the cost of the plan, worked out by hand."""

from __future__ import annotations

import polars as pl

from eduplan.facts import TABLES
from eduplan.finance.budget import (
    PlanCost,
    county_years,
    large_class_lines,
    places_needed,
    plan_cost,
    project_budgets,
    todo_lines,
    unit_costs,
)
from eduplan.standards.gaps import Action, Plan

from .builders import COUNTY, small_county

COSTS = unit_costs({"building_m2": 3000, "teacher": 120_000})


def test_both_tests_and_pay_parity_year_by_year() -> None:
    years = {y.year: y for y in county_years(small_county().county_finance, COUNTY)}
    # 2022: no year before → both tests undecided; pay 100,000 = 100,000 passes; the year is 无法评估.
    assert years[2022].nondecreasing() == {"spending": None, "per_student": None}
    assert (years[2022].test("pay_parity").passed, years[2022].verdict) == (True, "unknown")
    # 2023: 110 ≥ 100 万元; 110 × 10,000 / 1,100 = 1,000 元 ≥ 1,000 (equal is not a fall); pay 99,000 < 100,000.
    assert (years[2023].per_student, years[2023].nondecreasing()) == (
        1000,
        {"spending": True, "per_student": True},
    )
    assert (years[2023].test("pay_parity").passed, years[2023].verdict) == (False, "fail")
    # 2024: 105 < 110 fails although per student 1,050 ≥ 1,000; the civil-servant pay is missing → undecided.
    assert years[2024].nondecreasing() == {"spending": False, "per_student": True}
    assert (years[2024].test("pay_parity").passed, years[2024].verdict) == (None, "fail")
    assert years[2024].to_json()["previous"] == {"spending": 110.0, "per_student": 1000.0}


def test_per_student_falls_while_spending_rises() -> None:
    frame = TABLES["county_finance"].frame(
        [{"county": COUNTY, "year": 2020, "education_spending": 100.0, "students": 1000, "teacher_pay": 1.0,
          "civil_servant_pay": 1.0},
         {"county": COUNTY, "year": 2021, "education_spending": 120.0, "students": 1300, "teacher_pay": 1.0,
          "civil_servant_pay": 1.0}]
    )  # fmt: skip
    year = county_years(frame, COUNTY)[1]
    # 120 × 10,000 / 1,300 = 923.08 < 1,000.
    assert (year.per_student, year.nondecreasing(), year.verdict) == (
        923.08, {"spending": True, "per_student": False}, "fail")  # fmt: skip


def test_places_missing_become_new_places_each_year() -> None:
    gaps = pl.DataFrame({"stage": ["primary"] * 4 + ["junior"], "year": [2025, 2026, 2027, 2028, 2025],
                         "gap": [-5.0, 10.2, 8.0, 30.0, -100.0]})  # fmt: skip
    # Running maximum of the shortfall, rounded up: 0, 11, 11, 30 → new 0, 11, 0, 19; no junior shortfall.
    needed = places_needed(gaps).filter(pl.col("stage") == "primary")
    assert needed["needed"].to_list() == [0, 11, 11, 30] and needed["new"].to_list() == [0, 11, 0, 19]


def test_plan_cost_adds_todo_places_and_large_classes_against_budgets() -> None:
    todo = Plan("cost", [
        Action("s1", "甲校", "primary", "area_teaching", "生均教学及辅助用房面积", "教学及辅助用房", "平方米", 100, 300_000, 4.0, 4.5, "学校指标达标"),
        Action("s2", "乙校", "primary", "area_teaching", "生均教学及辅助用房面积", "教学及辅助用房", "平方米", 50, 150_000, 4.0, 4.5, "学校指标达标"),
        Action("s2", "乙校", "junior", "teachers", "每百名学生拥有专任教师", "专任教师", "人", 2, 240_000, 5.0, 5.3, "学校指标达标"),
    ], True)  # fmt: skip
    assert [(c.item, c.quantity, c.unit_cost, c.cost) for c in todo_lines(todo, 2025)] == [
        ("专任教师", 2, 120_000, 240_000), ("教学及辅助用房", 150, 3_000, 450_000)]  # fmt: skip
    gaps = pl.DataFrame({"stage": ["primary", "primary"], "year": [2025, 2026], "gap": [10.0, 25.0]})
    # 大班额 in 2024: 120 pupils in 2 classes → ⌈120/55⌉ − 2 = 1; 200 in 3 → 4 − 3 = 1: two classrooms.
    grades = TABLES["grade_year"].frame([
        {"school": "s1", "year": 2024, "stage": "primary", "grade": 1, "enrollment": 120, "classes": 2, "classes_56_65": 2},
        {"school": "s2", "year": 2024, "stage": "primary", "grade": 2, "enrollment": 200, "classes": 3, "classes_66_plus": 3},
        {"school": "s2", "year": 2024, "stage": "primary", "grade": 3, "enrollment": 40, "classes": 1},
    ])  # fmt: skip
    projects = [
        {
            "name": "新校",
            "status": "planned",
            "planned_year": 2026,
            "places_primary": 20,
            "budget": 500_000.0,
        },
        {"name": "旧校", "status": "done", "actual_year": 2023, "places_primary": 100, "budget": 1_000_000.0},
    ]
    cost = plan_cost(2024, todo, gaps, grades, projects, COSTS)
    # 690,000 (to-do) + 25 places × 40,000 = 1,000,000 (10 in 2025, 15 in 2026) + 2 classrooms × 600,000.
    assert cost.need == 690_000 + 1_000_000 + 1_200_000
    assert cost.by_year() == {2025: 690_000 + 400_000 + 1_200_000, 2026: 600_000}
    # The new school's 20 places leave 5 missing (the finished one is already counted in the statistics).
    assert [(c.quantity, c.cost) for c in cost.residual] == [(5, 200_000)]
    # 新校: 20 × 40,000 = 800,000 against a budget of 500,000.
    new = cost.projects[0]
    assert (new.estimate, new.difference) == (800_000, -300_000)
    # No budget yet: to-do 690,000 + classrooms 1,200,000 + 5 places 200,000 + the new school's 300,000 short.
    assert cost.budgeted == 1_500_000 and cost.unbudgeted == 2_390_000


def test_large_classes_only_count_grades_with_large_classes() -> None:
    grades = TABLES["grade_year"].frame(
        [{"school": "s", "year": 2024, "stage": "junior", "grade": 1, "enrollment": 100, "classes": 2}]
    )
    assert large_class_lines(grades, 2024, COSTS["classroom"], 55) == []


def test_unit_cost_edits_replace_ours_and_the_standards() -> None:
    costs = unit_costs(
        {"teacher": 120_000}, {"teacher": (150_000, "本县修改（alice）"), "place_junior": (55_000, "x")}
    )
    assert (costs["teacher"].value, costs["teacher"].origin) == (150_000, "本县修改（alice）")
    assert costs["place_junior"].value == 55_000 and costs["place_primary"].value == 40_000
    assert "building_m2" not in costs  # only the standards' costs handed in


def test_a_project_without_places_has_no_estimate() -> None:
    [p] = project_budgets([{"name": "中职搬迁", "status": "building", "budget": 3e8}], COSTS)
    assert (p.estimate, p.difference) == (None, None)
    assert PlanCost(2024, [], [p], [], COSTS).unbudgeted == 0
