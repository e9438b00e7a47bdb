"""Every catalogue indicator on the hand-made county (conftest.py), value worked out by hand.

N1 is a nine-year school: its teachers and resources split primary 2/3, junior 1/3 (see conftest docstring).
"""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.indicators.catalogue import load_catalogue

C, T1, T2 = "990101", "990101001", "990101002"

# (code, unit, expected value, arithmetic)
EXPECTED: list[tuple[str, str, float | None]] = [
    # preschool: enrollment K1 100 (public), K2 50 (inclusive), K3 50 (private) = 200; ages 3–5: 125 + 125 = 250
    ("preschool_ger", C, 80.0),  # 200 / 250 × 100
    ("preschool_ger", T1, 120.0),  # T1: (100 + 50) / 125 × 100
    ("preschool_public_share", C, 50.0),  # 100 / 200
    ("preschool_inclusive_share", C, 75.0),  # (100 + 50) / 200
    ("preschool_inclusive_kg_share", C, 200 / 3),  # K1, K2 of 3 kindergartens
    ("preschool_child_staff_ratio", C, 10.0),  # 200 / (10 + 5 + 5)
    ("preschool_child_staff_ratio", "K1", 10.0),  # 100 / 10
    ("pupil_teacher_ratio_preschool", C, 12.5),  # 200 / (8 + 4 + 4)
    ("preschool_teacher_certified_share", C, 87.5),  # K1 8/8, K2 4/4, K3 2/4: 14 / 16
    # primary 60 (P1) + 440 (N1) = 500; ages 6–11: 300 + 325 = 625
    ("primary_ger", C, 80.0),  # 500 / 625
    # junior 200 (N1) + 100 (J1) = 300; ages 12–14: 150 + 150
    ("junior_ger", C, 100.0),
    # 初三 2020: N1 60 + J1 30 = 90; grade 1 in 2012: P1 20 + N1 100 = 120
    ("compulsory_retention_rate", C, 75.0),
    # migrant: public P1 10 + N1 30 + 20 = 60, J1 (private) 40 of which 20 purchased; total 100
    ("migrant_children_public_share", C, 60.0),
    ("migrant_public_purchased_share", C, 80.0),  # (60 + 20) / 100
    ("small_school_count", C, 1.0),  # P1: rural primary, 60 < 100 pupils
    ("small_school_count", T2, 0.0),
    ("boarder_share", C, 10.5),  # (44 + 40) / (500 + 300)
    ("boarder_share", "N1", 84 / 640 * 100),
    # compulsory classes: P1 6, N1 primary 11 + junior 6, J1 3 = 26; N1 primary has one 56–65 and one 66+
    ("large_class_share", C, 2 / 26 * 100),
    ("oversized_class_share", C, 1 / 26 * 100),
    ("large_class_share_primary", C, 2 / 17 * 100),  # 6 + 11 primary classes
    ("large_class_share_junior", C, 0.0),
    ("district_group_coverage", C, 200 / 3),  # N1, J1 of P1, N1, J1
    ("teacher_exchange_rate", C, 4 / 30 * 100),  # rotated 1 + 2 + 1 of eligible 4 + 20 + 6
    ("backbone_rotation_share", C, 25.0),  # 1 / 4
    ("principal_exchange_rate", C, 100 / 3),  # P1 of P1, N1, J1
    ("rural_principal_under45_share", C, 50.0),  # rural K1 (45: counts) and P1 (50)
    ("public_funds_per_pupil", C, 1062.5),  # (1500·60 + 1000·640 + 1200·100) / 800
    # teachers: primary P1 6 + N1 60·2/3 = 46; junior N1 20 + J1 10 = 30
    ("primary_teacher_college_share", C, 43 / 46 * 100),  # (2 + 3) + (3 + 30 + 24)·2/3 = 5 + 38
    ("junior_teacher_bachelor_share", C, 20 / 30 * 100),  # (3 + 30)/3 + (1 + 8) = 11 + 9
    ("primary_teacher_postgrad_share", C, 2 / 46 * 100),  # 3·2/3
    ("junior_teacher_postgrad_share", C, 2 / 30 * 100),  # 1 + 1
    ("senior_teacher_postgrad_share", C, 20.0),  # 5 / 25
    ("teacher_certified_share", C, 127 / 132 * 100),  # 8+4+2+6+57+10+25+15 / 8+4+4+6+60+10+25+15
    ("dual_qualified_teacher_share", C, 60.0),  # 9 / 15
    ("pupil_teacher_ratio_primary", C, 500 / 46),
    ("pupil_teacher_ratio_junior", C, 10.0),  # 300 / 30
    ("pupil_teacher_ratio_senior", C, 12.0),  # 300 / 25
    ("pupil_teacher_ratio_vocational", C, 10.0),  # 150 / 15
    ("senior_secondary_ger", C, 75.0),  # (300 + 150) / 600
    ("vocational_general_ratio", C, 0.5),  # entrants 50 / 100
    ("vocational_enrollment", C, 150.0),
    # health: tested 60 + 640 + 100 + 300 = 1100; passed 1045; good 550; myopic 550
    ("physical_health_pass_rate", C, 95.0),
    ("physical_health_good_rate", C, 50.0),
    ("myopia_rate", C, 50.0),
    # 优质均衡 (primary 500 pupils, junior 300)
    ("qualified_teachers_per100_primary", C, 8.6),  # 43 / 500 × 100
    ("qualified_teachers_per100_junior", C, 20 / 3),  # 20 / 300 × 100
    ("backbone_teachers_per100_primary", C, 1.4),  # (1 + 9·2/3) / 500 × 100
    ("backbone_teachers_per100_junior", C, 5 / 3),  # (9/3 + 2) / 300 × 100
    ("pe_arts_teachers_per100_primary", C, 1.4),  # (1 + 9·2/3) / 500 × 100
    ("pe_arts_teachers_per100_junior", C, 2.0),  # (9/3 + 3) / 300 × 100
    ("teaching_area_per_pupil_primary", C, 4.6),  # (300 + 3000·2/3) / 500
    ("teaching_area_per_pupil_junior", C, 1700 / 300),  # (1000 + 700) / 300
    ("sports_area_per_pupil_primary", C, 9.2),  # (600 + 4000) / 500
    ("sports_area_per_pupil_junior", C, 3200 / 300),  # (2000 + 1200) / 300
    ("equipment_per_pupil_primary", C, 1840.0),  # (120000 + 800000) / 500
    ("equipment_per_pupil_junior", C, 2200.0),  # (400000 + 260000) / 300
    ("multimedia_per100_primary", C, 3.2),  # (6 + 10) / 500 × 100
    ("multimedia_per100_junior", C, 8 / 3),  # (5 + 3) / 300 × 100
    ("multimedia_per100_primary", "P1", 10.0),  # 6 / 60 × 100
    # 基本均衡
    ("computers_per100_primary", C, 10.0),  # (10 + 40) / 500 × 100
    ("computers_per100_junior", C, 40 / 3),  # (20 + 20) / 300 × 100
    ("books_per_pupil_primary", C, 23.0),  # (1500 + 10000) / 500
    ("books_per_pupil_junior", C, 80 / 3),  # (5000 + 3000) / 300
    ("teacher_pupil_ratio_primary", C, 0.092),  # 46 / 500
    ("teacher_pupil_ratio_junior", C, 0.1),  # 30 / 300
    ("qualified_teachers_per_pupil_primary", C, 0.086),  # 43 / 500
    ("qualified_teachers_per_pupil_junior", C, 1 / 15),  # 20 / 300
    # reported
    ("compulsory_enrollment_rate", C, 99.9),  # reported as is
    ("disabled_compulsory_enrollment_rate", T1, 90.0),  # value empty: 9 / 10 × 100
    ("disabled_compulsory_enrollment_rate", C, 90.0),  # rolled up: (9 + 18) / (10 + 20)
    ("disabled_compulsory_enrollment_rate", "99", 90.0),  # and on to the province
    ("vocational_training_persontimes", C, 300.0),  # additive: 100 (numerator) + 200
    ("senior_title_teachers_per_pupil_primary", "P1", 0.05),  # 3 / 60
    ("senior_title_teachers_per_pupil_primary", C, 0.046),  # (3 + 20) / (60 + 440)
    # reported, nothing reported: missing
    ("vocational_employment_rate", C, None),
    ("vocational_skill_cert_pass_rate", C, None),
    ("vocational_major_industry_match", C, None),
    ("disabled_senior_enrollment_share", C, None),
    ("comprehensive_quality_pass_rate", C, None),
    ("poor_student_aid_coverage", C, None),
    ("continuing_education_participation", C, None),
    ("teacher_training_hours", C, None),
    ("migrant_children_compulsory_rate", C, None),
    ("senior_title_teachers_per_pupil_junior", C, None),
    ("social_recognition", C, None),
    ("preschool_social_recognition", C, None),
    ("preschool_pay_parity", C, None),
]


def _value(values: pl.DataFrame, code: str, unit: str, year: int = 2020) -> dict:
    hit = values.filter((pl.col("code") == code) & (pl.col("unit") == unit) & (pl.col("year") == year))
    assert hit.height == 1, f"{code} {unit}: {hit.height} rows"
    return hit.row(0, named=True)


@pytest.mark.parametrize(("code", "unit", "expected"), EXPECTED, ids=[f"{c}-{u}" for c, u, _ in EXPECTED])
def test_value(county_values: pl.DataFrame, code: str, unit: str, expected: float | None) -> None:
    row = _value(county_values, code, unit)
    if expected is None:
        assert row["value"] is None
        assert row["reason"]
    else:
        assert row["value"] == pytest.approx(expected, rel=1e-12), row
        assert row["reason"] is None


def test_every_indicator_has_a_worked_value() -> None:
    assert {c for c, _, _ in EXPECTED} == set(load_catalogue().indicators)


def test_percent_in_percent_not_fraction(county_values: pl.DataFrame) -> None:
    row = _value(county_values, "physical_health_pass_rate", C)
    assert row["numerator"] == 1045.0 and row["denominator"] == 1100.0 and row["value"] == 95.0
