"""Small hand-made counties for the standards tests: every column of facts.py present, unset ones null."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from eduplan.facts import TABLES, Facts

COUNTY = "990101"
TOWN = "990101001"
YEAR = 2024


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return TABLES[table].frame(rows)


# A primary school of 500 pupils that meets every 优质均衡 threshold exactly:
#   above-degree teachers 21 → 21/500·100 = 4.2; backbone 5 → 1.0; PE+arts 4.5 (we use 3+2=5 → 1.0 ≥ 0.9);
#   teaching area 2250 m² → 4.5; sports 3750 m² → 7.5; equipment 1 000 000 元 → 2000; multimedia 12 → 2.4 ≥ 2.3.
PRIMARY_OK = {
    "teachers": 30,
    "teachers_postgrad": 1,
    "teachers_bachelor": 10,
    "teachers_college": 10,
    "teachers_secondary": 9,
    "teachers_backbone": 5,
    "teachers_pe": 3,
    "teachers_arts": 2,
    "area_teaching": 2250.0,
    "area_sports": 3750.0,
    "equipment_value": 1_000_000.0,
    "multimedia_classrooms": 12,
    "computers": 50,
    "books": 15000,
    "music_rooms": 2,
    "art_rooms": 2,
    "staff": 32,
    "teachers_certified": 30,
    "teachers_rotation_eligible": 20,
    "teachers_rotated": 3,
    "backbone_rotated": 1,
}


@dataclass
class CountyBuilder:
    county: str = COUNTY
    schools: list[dict[str, Any]] = field(default_factory=list)
    school_year: list[dict[str, Any]] = field(default_factory=list)
    grade_year: list[dict[str, Any]] = field(default_factory=list)
    stage_year: list[dict[str, Any]] = field(default_factory=list)
    population: list[dict[str, Any]] = field(default_factory=list)
    reported: list[dict[str, Any]] = field(default_factory=list)

    def school(
        self,
        code: str,
        stage: str,
        pupils: int,
        resources: dict[str, Any],
        *,
        school_type: str | None = None,
        ownership: str = "public",
        classes: int | None = None,
        year: int = YEAR,
        locale: str = "rural",
    ) -> CountyBuilder:
        """A one-stage school; pupils and classes spread over the grades (remainders to the lowest grades)."""
        stype = school_type or stage
        if not any(s["code"] == code for s in self.schools):
            self.schools.append(
                {
                    "code": code,
                    "name": f"学校{code[-3:]}",
                    "township": self.town,
                    "school_type": stype,
                    "ownership": ownership,
                    "locale": locale,
                }
            )
        self.school_year.append({"school": code, "year": year, **resources})
        # Every school reports its stage row too: a year is complete only when all three core tables arrive.
        self.stage_year.append({"school": code, "year": year, "stage": stage})
        grades = {"primary": 6, "junior": 3, "preschool": 3}[stage]
        n_classes = classes if classes is not None else max(grades, -(-pupils // 40))
        for g in range(1, grades + 1):
            self.grade_year.append(
                {
                    "school": code,
                    "year": year,
                    "stage": stage,
                    "grade": g,
                    "enrollment": pupils // grades + (pupils % grades if g == 1 else 0),
                    "classes": n_classes // grades + (1 if g <= n_classes % grades else 0),
                }
            )
        return self

    @property
    def town(self) -> str:
        return self.county + "001"

    def build(self) -> Facts:
        facts = Facts.empty()
        facts.org_units = frame(
            "org_units",
            [
                {"code": self.county[:2], "name": "示例省", "level": "province", "parent": None},
                {"code": self.county[:4], "name": "示例市", "level": "city", "parent": self.county[:2]},
                {"code": self.county, "name": "示例县", "level": "county", "parent": self.county[:4]},
                {"code": self.town, "name": "示例镇", "level": "township", "parent": self.county},
            ],
        )
        for name in ("schools", "school_year", "grade_year", "stage_year", "population", "reported"):
            setattr(facts, name, frame(name, getattr(self, name)))
        return facts


def scaled(base: dict[str, Any], **factors: float) -> dict[str, Any]:
    """`base` with some resources multiplied (a school short of, or rich in, one resource)."""
    return {k: (v * factors[k] if k in factors else v) for k, v in base.items()}


# A junior school of 300 pupils meeting every threshold: above-degree 16 → 5.33 ≥ 5.3; backbone 3 → 1.0;
# PE+arts 3 → 1.0; teaching area 1740 m² → 5.8; sports 3060 m² → 10.2; equipment 750 000 元 → 2500;
# multimedia 8 → 2.67 ≥ 2.4. Eight classes (3+2+2 over the grades of 100 pupils: at most 50 a class).
JUNIOR_OK = {
    "teachers": 24,
    "teachers_postgrad": 1,
    "teachers_bachelor": 15,
    "teachers_college": 8,
    "teachers_secondary": 0,
    "teachers_backbone": 3,
    "teachers_pe": 2,
    "teachers_arts": 1,
    "area_teaching": 1740.0,
    "area_sports": 3060.0,
    "equipment_value": 750_000.0,
    "multimedia_classrooms": 8,
    "computers": 40,
    "books": 12000,
    "music_rooms": 1,
    "art_rooms": 1,
    "staff": 26,
    "teachers_certified": 24,
    "teachers_rotation_eligible": 10,
    "teachers_rotated": 1,
    "backbone_rotated": 1,
}


def school_code(i: int) -> str:
    return f"9901010{i:03d}"
