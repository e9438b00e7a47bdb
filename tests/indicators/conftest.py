"""A hand-made county whose every indicator value is worked out by hand in test_catalogue_values.py.

County 990101 (city 9901, province 99) with townships T1 = 990101001 and T2 = 990101002, year 2020 (and 2012
for the 巩固率 cohort). Schools:
  K1 kindergarten public rural T1 · K2 kindergarten private_inclusive town T1 · K3 kindergarten private urban T2
  P1 primary public rural T1 (60 pupils: a 乡村小规模学校)
  N1 nine_year public town T2: primary 440, junior 200 → weighted 440·1 : 200·1.1 = 440 : 220, shares 2/3 : 1/3
  J1 junior private urban T2 · H1 senior public T2 · V1 vocational public T2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

from eduplan.facts import TABLES, Facts

T1, T2 = "990101001", "990101002"


def frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=TABLES[name].polars_schema()) if rows else TABLES[name].empty()


def _grades(
    school: str, year: int, stage: str, sizes: list[int], classes: list[tuple[int, int, int]]
) -> list[dict]:
    """One row per grade: enrollment and (classes, classes_56_65, classes_66_plus)."""
    return [
        {
            "school": school,
            "year": year,
            "stage": stage,
            "grade": g + 1,
            "enrollment": n,
            "classes": c[0],
            "classes_56_65": c[1],
            "classes_66_plus": c[2],
        }
        for g, (n, c) in enumerate(zip(sizes, classes, strict=True))
    ]


def _units() -> pl.DataFrame:
    return frame(
        "org_units",
        [
            {"code": "99", "name": "演示省", "level": "province", "parent": None},
            {"code": "9901", "name": "演示市", "level": "city", "parent": "99"},
            {"code": "990101", "name": "演示县", "level": "county", "parent": "9901"},
            {"code": T1, "name": "甲镇", "level": "township", "parent": "990101"},
            {"code": T2, "name": "乙镇", "level": "township", "parent": "990101"},
        ],
    )


def _schools() -> pl.DataFrame:
    spec = [
        ("K1", "一幼", T1, "kindergarten", "public", "rural"),
        ("K2", "二幼", T1, "kindergarten", "private_inclusive", "town"),
        ("K3", "三幼", T2, "kindergarten", "private", "urban"),
        ("P1", "村小", T1, "primary", "public", "rural"),
        ("N1", "九年制", T2, "nine_year", "public", "town"),
        ("J1", "民办初中", T2, "junior", "private", "urban"),
        ("H1", "一中", T2, "senior", "public", "urban"),
        ("V1", "职中", T2, "vocational", "public", "urban"),
    ]
    keys = ("code", "name", "township", "school_type", "ownership", "locale")
    return frame("schools", [dict(zip(keys, s, strict=True)) for s in spec])


def _school_year() -> pl.DataFrame:
    cols = (
        "teachers",
        "teachers_postgrad",
        "teachers_bachelor",
        "teachers_college",
        "teachers_secondary",
        "teachers_backbone",
        "teachers_pe",
        "teachers_arts",
        "teachers_certified",
        "teachers_dual_qualified",
        "staff",
        "teachers_rotation_eligible",
        "teachers_rotated",
        "backbone_rotated",
    )
    numbers = {
        "K1": (8, 0, 0, 8, 0, 0, 0, 0, 8, None, 10, None, None, None),
        "K2": (4, 0, 0, 4, 0, 0, 0, 0, 4, None, 5, None, None, None),
        "K3": (4, 0, 0, 0, 4, 0, 0, 0, 2, None, 5, None, None, None),
        "P1": (6, 0, 2, 3, 1, 1, 1, 0, 6, None, 7, 4, 1, 0),
        "N1": (60, 3, 30, 24, 3, 9, 3, 6, 57, None, 66, 20, 2, 1),
        "J1": (10, 1, 8, 1, 0, 2, 1, 2, 10, None, 12, 6, 1, 0),
        "H1": (25, 5, 20, 0, 0, 0, 0, 0, 25, None, 30, None, None, None),
        "V1": (15, 0, 15, 0, 0, 0, 0, 0, 15, 9, 20, None, None, None),
    }
    extra = {  # area_teaching, area_sports, area_building, equipment, multimedia, computers, books, funds, age, rotated
        "K1": (None, None, None, None, None, None, None, None, 45, None),
        "P1": (300, 600, 500, 120_000, 6, 10, 1500, 1500, 50, True),
        "N1": (3000, 6000, 4500, 1_200_000, 15, 60, 15_000, 1000, 40, False),
        "J1": (700, 1200, 900, 260_000, 3, 20, 3000, 1200, 38, False),
    }
    extra_cols = (
        "area_teaching",
        "area_sports",
        "area_building",
        "equipment_value",
        "multimedia_classrooms",
        "computers",
        "books",
        "public_funds_per_pupil",
        "principal_age",
        "principal_rotated",
    )
    rows = []
    for school, values in numbers.items():
        row: dict[str, Any] = {"school": school, "year": 2020, **dict(zip(cols, values, strict=True))}
        row.update(dict(zip(extra_cols, extra.get(school, (None,) * 10), strict=True)))
        rows.append(row)
    return frame("school_year", rows)


def _grade_year() -> pl.DataFrame:
    rows = [
        *_grades("K1", 2020, "preschool", [30, 30, 40], [(1, 0, 0)] * 3),
        *_grades("K2", 2020, "preschool", [50], [(2, 0, 0)]),
        *_grades("K3", 2020, "preschool", [50], [(2, 0, 0)]),
        *_grades("P1", 2020, "primary", [10] * 6, [(1, 0, 0)] * 6),
        # N1 primary grade 1: one class of 80 (66+); grade 2: two classes, one of 60 (56–65).
        *_grades("N1", 2020, "primary", [80, 80, 70, 70, 70, 70], [(1, 0, 1), (2, 1, 0), *[(2, 0, 0)] * 4]),
        *_grades("N1", 2020, "junior", [70, 70, 60], [(2, 0, 0)] * 3),
        *_grades("J1", 2020, "junior", [40, 30, 30], [(1, 0, 0)] * 3),
        *_grades("H1", 2020, "senior", [100] * 3, [(2, 0, 0)] * 3),
        *_grades("V1", 2020, "vocational", [50] * 3, [(1, 0, 0)] * 3),
        # The 2020 初三 cohort entered primary grade 1 in 2012: P1 20 + N1 100 = 120.
        *_grades("P1", 2012, "primary", [20], [(1, 0, 0)]),
        *_grades("N1", 2012, "primary", [100], [(2, 0, 0)]),
    ]
    return frame("grade_year", rows)


def _stage_year() -> pl.DataFrame:
    def row(school: str, stage: str, **kw: int) -> dict[str, Any]:
        return {"school": school, "year": 2020, "stage": stage, **kw}

    return frame(
        "stage_year",
        [
            row("P1", "primary", entrants=10, boarders=0, migrant=10),
            row("N1", "primary", entrants=80, boarders=44, migrant=30),
            row("N1", "junior", entrants=70, boarders=40, migrant=20),
            row("J1", "junior", entrants=40, boarders=0, migrant=40, migrant_purchased=20),
            row("H1", "senior", entrants=100),
            row("V1", "vocational", entrants=50),
        ],
    )


def _health_year() -> pl.DataFrame:
    keys = ("health_tested", "health_passed", "health_good", "vision_screened", "myopic")
    spec = {
        "P1": (60, 57, 30, 60, 15),
        "N1": (640, 608, 320, 640, 240),
        "J1": (100, 95, 50, 100, 45),
        "H1": (300, 285, 150, 300, 250),
    }
    return frame(
        "health_year",
        [{"school": s, "year": 2020, **dict(zip(keys, v, strict=True))} for s, v in spec.items()],
    )


def _population() -> pl.DataFrame:
    ages = {
        T1: {
            3: 40,
            4: 40,
            5: 45,
            6: 50,
            7: 50,
            8: 50,
            9: 50,
            10: 50,
            11: 50,
            12: 50,
            13: 50,
            14: 50,
            15: 100,
            16: 100,
            17: 100,
        },
        T2: {
            3: 40,
            4: 40,
            5: 45,
            6: 55,
            7: 55,
            8: 55,
            9: 55,
            10: 55,
            11: 50,
            12: 50,
            13: 50,
            14: 50,
            15: 100,
            16: 100,
            17: 100,
        },
    }
    return frame(
        "population",
        [
            {"township": t, "year": 2020, "age": a, "population": n}
            for t, by_age in ages.items()
            for a, n in by_age.items()
        ],
    )


def _reported() -> pl.DataFrame:
    def row(
        unit: str, code: str, value: float | None, num: float | None = None, den: float | None = None
    ) -> dict:
        return {
            "unit": unit,
            "year": 2020,
            "indicator": code,
            "value": value,
            "numerator": num,
            "denominator": den,
        }

    return frame(
        "reported",
        [
            row("990101", "compulsory_enrollment_rate", 99.9),
            row(T1, "disabled_compulsory_enrollment_rate", None, 9, 10),
            row(T2, "disabled_compulsory_enrollment_rate", 90.0, 18, 20),
            row(T1, "vocational_training_persontimes", None, 100),
            row(T2, "vocational_training_persontimes", 200),  # a bare value rolls up too (additive)
            row("P1", "senior_title_teachers_per_pupil_primary", None, 3, 60),
            row("N1", "senior_title_teachers_per_pupil_primary", None, 20, 440),
        ],
    )


def build_county() -> Facts:
    facts = Facts.empty()
    facts.org_units = _units()
    facts.schools = _schools()
    facts.school_year = _school_year()
    facts.grade_year = _grade_year()
    facts.stage_year = _stage_year()
    facts.health_year = _health_year()
    facts.memberships = frame(
        "memberships",
        [
            {"school": "N1", "year": 2020, "kind": "group", "name": "一中教育集团"},
            {"school": "J1", "year": 2020, "kind": "district", "name": "城东学区"},
        ],
    )
    facts.population = _population()
    facts.reported = _reported()
    return facts


@pytest.fixture
def make_county() -> Callable[[], Facts]:
    """A builder: tests that change the facts get their own copy."""
    return build_county


@pytest.fixture(scope="session")
def county() -> Facts:
    return build_county()


@pytest.fixture(scope="session")
def county_values(county: Facts) -> pl.DataFrame:
    from eduplan.indicators.engine import compute

    return compute(county)
