"""A small county 990101 whose 生均公用经费 can be worked out by hand under the demo rules.

The demo rules for 990101 (示例省 99 + 示例县 990101, see src/eduplan/finance/data): 2023-2024 小学 798.6 元
(600 raised 10% in 2019, 2021, 2023: 600 × 1.1³), 初中 1064.8 元 (800 × 1.1³), 特教 6000, 寄宿生 200;
乡村 小学 under 100 pupils counted as 100, 乡村 初中 under 500 counted as 500.
"""

from __future__ import annotations

from typing import Any

from eduplan.facts import TABLES, Facts

COUNTY = "990101"
RURAL_PRIMARY, URBAN_JUNIOR, RURAL_JUNIOR, SPECIAL = "9901010001", "9901010002", "9901010003", "9901010004"
YEARS = (2023, 2024)


def _frame(table: str, rows: list[dict[str, Any]]) -> Any:
    return TABLES[table].frame(rows)


def small_county() -> Facts:
    units = [
        {"code": "99", "name": "示例省", "level": "province"},
        {"code": "9901", "name": "示例市", "level": "city", "parent": "99"},
        {"code": COUNTY, "name": "示例县", "level": "county", "parent": "9901"},
        {"code": "990101001", "name": "城关镇", "level": "township", "parent": COUNTY},
        {"code": "990101002", "name": "石桥乡", "level": "township", "parent": COUNTY},
    ]
    schools = [
        (RURAL_PRIMARY, "石桥乡中心小学", "990101002", "primary", "rural"),
        (URBAN_JUNIOR, "城关中学", "990101001", "junior", "urban"),
        (RURAL_JUNIOR, "石桥乡中学", "990101002", "junior", "rural"),
        (SPECIAL, "示例县特殊教育学校", "990101001", "special", "urban"),
    ]
    school_rows = [
        {"code": c, "name": n, "township": t, "school_type": st, "ownership": "public", "locale": loc}
        for c, n, t, st, loc in schools
    ]
    grades, stages = [], []
    for year in YEARS:
        # 63 pupils: 10, 10, 10, 11, 11, 11; 3 of them with disabilities, 20 boarders.
        for g, n in enumerate((10, 10, 10, 11, 11, 11), start=1):
            grades.append(
                {"school": RURAL_PRIMARY, "year": year, "stage": "primary", "grade": g, "enrollment": n}
            )
        stages.append(
            {"school": RURAL_PRIMARY, "year": year, "stage": "primary", "disabled": 3, "boarders": 20}
        )
        for code in (URBAN_JUNIOR, RURAL_JUNIOR):
            for g in (1, 2, 3):
                grades.append(
                    {"school": code, "year": year, "stage": "junior", "grade": g, "enrollment": 100}
                )
        for g in (1, 2, 3, 4):
            grades.append({"school": SPECIAL, "year": year, "stage": "special", "grade": g, "enrollment": 10})
        stages.append({"school": SPECIAL, "year": year, "stage": "special", "boarders": 10})
    finance = [
        {"school": RURAL_PRIMARY, "year": 2023, "allocated": 90_000},
        {"school": RURAL_PRIMARY, "year": 2024, "allocated": 90_000, "budget_project": 500_000},
        {"school": URBAN_JUNIOR, "year": 2023, "allocated": 319_440},
        {"school": URBAN_JUNIOR, "year": 2024, "allocated": 320_000},
        {"school": RURAL_JUNIOR, "year": 2023, "allocated": 532_400},
        {"school": RURAL_JUNIOR, "year": 2024, "allocated": 319_440},
        {"school": SPECIAL, "year": 2023, "allocated": 250_000},
    ]
    county = [
        {"county": COUNTY, "year": 2022, "education_spending": 100.0, "students": 1000,
         "teacher_pay": 100_000, "civil_servant_pay": 100_000},
        {"county": COUNTY, "year": 2023, "education_spending": 110.0, "students": 1100,
         "teacher_pay": 99_000, "civil_servant_pay": 100_000},
        {"county": COUNTY, "year": 2024, "education_spending": 105.0, "students": 1000, "teacher_pay": 105_000},
    ]  # fmt: skip
    facts = Facts.empty()
    facts.org_units = _frame("org_units", units)
    facts.schools = _frame("schools", school_rows)
    facts.grade_year = _frame("grade_year", grades)
    facts.stage_year = _frame("stage_year", stages)
    facts.school_finance = _frame("school_finance", finance)
    facts.county_finance = _frame("county_finance", county)
    return facts
