"""Consistency rules between the columns of one row, as data: parts that may not exceed a whole.

Each rule reads: the sum of `parts` (those given) may not exceed `whole` (when given). Reported values
have none: their numerator may exceed the denominator (生均经费 is money over pupils).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NotMore:
    parts: tuple[str, ...]
    whole: str


QUALIFICATIONS = ("teachers_postgrad", "teachers_bachelor", "teachers_college", "teachers_secondary")

NOT_MORE: dict[str, tuple[NotMore, ...]] = {
    "school_year": (
        NotMore(("teachers",), "staff"),
        NotMore(QUALIFICATIONS, "teachers"),
        *(
            NotMore((part,), "teachers")
            for part in (
                "teachers_backbone",
                "teachers_pe",
                "teachers_arts",
                "teachers_rotation_eligible",
                "teachers_rotated",
                "teachers_certified",
                "teachers_dual_qualified",
            )
        ),
        NotMore(("backbone_rotated",), "teachers_backbone"),
        NotMore(("backbone_rotated",), "teachers_rotated"),
        NotMore(("area_teaching",), "area_building"),
    ),
    "stage_year": (NotMore(("migrant_purchased",), "migrant"),),
    "grade_year": (
        NotMore(("enrollment_female",), "enrollment"),
        NotMore(("classes_56_65", "classes_66_plus"), "classes"),
    ),
    "health_year": (
        NotMore(("health_passed",), "health_tested"),
        NotMore(("health_good",), "health_passed"),
        NotMore(("myopic",), "vision_screened"),
    ),
}
# Columns of grade_year that a 合计 (total) row may give, checked against the sum of its grades.
GRADE_TOTALS = ("enrollment", "enrollment_female", "classes", "classes_56_65", "classes_66_plus")
# Official code lengths of org unit levels.
LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9}
