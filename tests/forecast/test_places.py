"""Capacity, the project timeline, gaps and warning levels, large classes, small schools, planning norms."""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.facts import TABLES
from eduplan.forecast.places import (
    PROJECT_SCHEMA,
    capacity_timeline,
    gaps,
    large_classes,
    school_capacity,
    small_schools,
    warnings,
)
from eduplan.forecast.planning import open_schools, planning_check


def _frame(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return TABLES[table].frame(rows)


BASE = {"township": "T1", "ownership": "public", "locale": "urban"}
SCHOOLS = _frame(
    "schools",
    [
        {**BASE, "code": "A", "name": "甲小学", "school_type": "primary", "zone": "Z1"},
        {**BASE, "code": "K", "name": "乙幼儿园", "school_type": "kindergarten", "zone": "Z1", "declared_capacity": 200},
        {**BASE, "code": "N", "name": "丙九年一贯制", "school_type": "nine_year", "zone": "Z2",
         "declared_capacity": 1000, "closed_year": 2027},
    ],
)  # fmt: skip


def grade_rows() -> pl.DataFrame:
    rows = [
        {"school": "A", "year": 2024, "stage": "primary", "grade": g, "enrollment": 90, "classes": 2}
        for g in range(1, 7)
    ]
    rows += [
        {"school": "K", "year": 2024, "stage": "preschool", "grade": g, "enrollment": 25, "classes": 1}
        for g in (1, 2, 3)
    ]
    rows += [
        {"school": "N", "year": 2024, "stage": "primary", "grade": g, "enrollment": 40, "classes": 1}
        for g in range(1, 7)
    ]
    rows += [
        {"school": "N", "year": 2024, "stage": "junior", "grade": g, "enrollment": 50, "classes": 1}
        for g in (1, 2, 3)
    ]
    return _frame("grade_year", rows)


def test_capacity_standard_and_declared() -> None:
    cap = school_capacity(SCHOOLS, grade_rows(), 2024)
    got = {(r["school"], r["stage"]): r["capacity"] for r in cap.iter_rows(named=True)}
    # A: 12 classes × 45 = 540 (no declared capacity).
    # K: declared 200 wins over 25 + 30 + 35 = 90.
    # N: declared 1000 split by standard capacity: primary 6 × 45 = 270, junior 3 × 50 = 150;
    #    1000 × 270/420 = 642.86 -> 643, 1000 × 150/420 = 357.14 -> 357.
    assert got == {
        ("A", "primary"): 540,
        ("K", "preschool"): 200,
        ("N", "primary"): 643,
        ("N", "junior"): 357,
    }


def test_capacity_timeline_with_projects_and_closure() -> None:
    cap = school_capacity(SCHOOLS, grade_rows(), 2024)
    projects = pl.DataFrame(
        [
            {
                "name": "Z1 新小学",
                "school": None,
                "zone": "Z1",
                "stage": "primary",
                "places": 450,
                "year": 2026,
            },
            {"name": "A 扩建", "school": "A", "zone": None, "stage": "primary", "places": 90, "year": 2025},
        ],
        schema=PROJECT_SCHEMA,
    )
    t = capacity_timeline(cap, SCHOOLS, projects, "zone", [2025, 2026, 2027])
    got = {(r["unit"], r["stage"], r["year"]): r["capacity"] for r in t.iter_rows(named=True)}
    # Zone keys are "county-zone" ("T1-Z1"); the project names its zone by the bare name Z1.
    # Z1 primary: 540 + 90 from 2025, + 450 from 2026: 630, 1080, 1080.
    assert [got[("T1-Z1", "primary", y)] for y in (2025, 2026, 2027)] == [630, 1080, 1080]
    # Z2 (school N) closes in 2027: 643 in 2025-2026, nothing in 2027 (the row disappears or is 0).
    assert [got.get(("T1-Z2", "primary", y), 0) for y in (2025, 2026, 2027)] == [643, 643, 0]
    assert got[("T1-Z1", "preschool", 2027)] == 200


def demand(unit: str, values: list[float]) -> pl.DataFrame:
    years = list(range(2025, 2025 + len(values)))
    values = [float(v) for v in values]
    return pl.DataFrame(
        {"unit": unit, "stage": "primary", "year": years, "demand": values, "low": values, "high": values}
    )


def capacity(unit: str, value: int, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {"unit": unit, "stage": "primary", "year": list(range(2025, 2025 + n)), "capacity": [value] * n}
    )


def test_warning_levels() -> None:
    # Origin 2024. R: short in 2026 (2 years ahead) -> red. A: first short in 2029 (5 ahead) -> amber.
    # G: short only in 2030 (6 ahead) -> green. S: last year 50 of 100 places used (< 60 %) -> surplus.
    frames = [
        (demand("R", [90, 101, 99, 99, 99, 99]), capacity("R", 100, 6)),
        (demand("A", [90, 90, 90, 90, 100.6, 90]), capacity("A", 100, 6)),
        (demand("G", [90, 90, 90, 90, 90, 130]), capacity("G", 100, 6)),
        (demand("S", [90, 80, 70, 60, 55, 50]), capacity("S", 100, 6)),
    ]
    gap = gaps(pl.concat([d for d, _ in frames]), pl.concat([c for _, c in frames]))
    w = {r["unit"]: r for r in warnings(gap, 2024).iter_rows(named=True)}
    assert {u: r["level"] for u, r in w.items()} == {"R": "red", "A": "amber", "G": "green", "S": "surplus"}
    assert (w["R"]["first_shortfall"], w["A"]["first_shortfall"], w["G"]["first_shortfall"]) == (
        2026,
        2029,
        2030,
    )
    assert w["G"]["max_gap"] == pytest.approx(30)
    # Gap is demand − capacity: R in 2026 is 101 − 100 = 1.
    assert gap.filter((pl.col("unit") == "R") & (pl.col("year") == 2026))["gap"].item() == pytest.approx(1)


def test_large_classes_and_small_schools() -> None:
    cap = school_capacity(SCHOOLS, grade_rows(), 2024)
    frame = pl.DataFrame(
        {
            "unit": ["A", "A", "N", "N"],
            "year": [2025, 2025, 2025, 2026],
            "stage": ["primary", "primary", "primary", "primary"],
            "grade": [1, 2, 1, 1],
            "enrollment": [112.0, 111.0, 60.0, 55.0],
            "low": [0.0] * 4,
            "high": [0.0] * 4,
        }
    )
    big = large_classes(frame, cap)
    # A has 12 primary classes = 2 a grade: grade 1 at 112 / 2 = 56 is large, grade 2 at 55.5 is not.
    # N has 1 class a grade: 60 and 55 pupils -> only 2025 (60) is large.
    assert big.select("school", "grade", "year", "class_size").rows() == [
        ("A", 1, 2025, 56.0),
        ("N", 1, 2025, 60.0),
    ]
    small = small_schools(frame, SCHOOLS)
    # Primary pupils by school and year: A 2025 223; N 2025 60, N 2026 55 -> N is small both years.
    assert small.rows() == [("N", 2025, 60.0), ("N", 2026, 55.0)]


def test_planning_norms_check() -> None:
    teaching = open_schools(SCHOOLS, grade_rows(), 2024)
    residents = pl.DataFrame({"township": ["T1"], "residents": [25_000]})
    villages = pl.DataFrame(
        {"village": ["V1", "V2"], "residents": [2500, 1800], "public_kindergarten": [False, False]}
    )
    check = planning_check(teaching, residents, villages)
    got = {r["rule"]: (r["required"], r["actual"], r["shortfall"]) for r in check.iter_rows(named=True)}
    # Primary: ceil(25,000 / 10,000) = 3 needed; A and N teach primary -> 2, short 1.
    # Junior: ceil(25,000 / 30,000) = 1; N (nine-year) -> 1, short 0.
    # Kindergarten of ≥ 6 classes: ceil(25,000 / 12,000) = 3; K has 3 classes -> 0, short 3.
    # Villages: V1 (2,500 > 2,000) has no public kindergarten -> short 1; V2 is under 2,000 -> not checked.
    assert got == {
        "primary_per_10k": (3, 2, 1),
        "junior_per_30k": (1, 1, 0),
        "kindergarten_6_classes": (3, 0, 3),
        "village_public_kindergarten": (1, 0, 1),
    }


def test_planning_check_skips_rules_without_population() -> None:
    teaching = open_schools(SCHOOLS, grade_rows(), 2024)
    assert planning_check(teaching, None, None).is_empty()


def test_large_classes_use_the_grades_a_school_has() -> None:
    # A teaching point with grades 1-5 only (no grade 6), 10 classes: 2 a grade, not 10/6 = 1.67. A projected
    # grade of 112 pupils is 112 / 2 = 56 a class (large); dividing by six grades would read 67.2.
    schools = _frame("schools", [{**BASE, "code": "P", "name": "丁教学点", "school_type": "teaching_point"}])
    rows = [{"school": "P", "year": 2024, "stage": "primary", "grade": g, "enrollment": 90, "classes": 2}
            for g in range(1, 6)]  # fmt: skip
    cap = school_capacity(schools, _frame("grade_year", rows), 2024)
    assert cap.select("classes", "grades").row(0) == (10, 5)
    frame = pl.DataFrame({"unit": ["P"], "year": [2025], "stage": ["primary"], "grade": [1], "enrollment": [112.0],
                          "low": [0.0], "high": [0.0]})  # fmt: skip
    assert large_classes(frame, cap).select("classes", "class_size").row(0) == (2.0, 56.0)
