"""优质均衡: the school rule (6 of 7, the rest at 85%), the CV limits per stage, the data-decided items."""

from __future__ import annotations

import pytest

from eduplan.errors import NotFound
from eduplan.standards.balanced import evaluate_balanced
from eduplan.standards.items import Entry

from .builders import COUNTY, JUNIOR_OK, PRIMARY_OK, YEAR, CountyBuilder, scaled, school_code


def _school(builder: CountyBuilder, code: str = "9901010002") -> dict:
    result = evaluate_balanced(builder.build(), COUNTY, YEAR)
    return next(s for s in result.stages["primary"].schools if s.code == code).__dict__


def test_school_meeting_every_threshold_exactly_passes() -> None:
    # 4.2, 1.0, 1.0, 4.5, 7.5, 2000, 2.4 against 4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3 (equal counts as met).
    school = _school(CountyBuilder().school("9901010002", "primary", 500, PRIMARY_OK))
    assert school["met_count"] == 7
    assert school["passed"] is True
    assert school["indicators"]["teachers_above_degree"].value == pytest.approx(4.2)


def test_six_of_seven_with_seventh_at_86_percent_passes() -> None:
    # Sports area 3750·0.86 = 3225 m² / 500 = 6.45 m², which is 86% of 7.5 (floor 85% = 6.375).
    school = _school(
        CountyBuilder().school("9901010002", "primary", 500, scaled(PRIMARY_OK, area_sports=0.86))
    )
    assert school["met_count"] == 6
    assert school["indicators"]["area_sports"].ratio == pytest.approx(0.86)
    assert school["passed"] is True


def test_six_of_seven_with_seventh_at_84_percent_fails() -> None:
    # 3750·0.84 / 500 = 6.3 m² = 84% of 7.5 < 85%.
    school = _school(
        CountyBuilder().school("9901010002", "primary", 500, scaled(PRIMARY_OK, area_sports=0.84))
    )
    assert school["met_count"] == 6
    assert school["passed"] is False
    assert "85%" in school["note"]


def test_five_of_seven_fails_even_when_both_above_85_percent() -> None:
    # Sports area 6.75 m² (90%) and equipment 1800 元 (90%): two misses, only five met.
    resources = scaled(PRIMARY_OK, area_sports=0.9, equipment_value=0.9)
    school = _school(CountyBuilder().school("9901010002", "primary", 500, resources))
    assert (school["met_count"], school["passed"]) == (5, False)


def test_county_with_one_outlier_school_fails_on_cv() -> None:
    # Four primary schools of 500 pupils, all meeting every threshold; one has 4× the equipment (8000 元/生).
    # X̄ = (3·2000 + 8000)/4 = 3500; S² = (3·1500² + 4500²)/4 = 6 750 000; S = 2598.08; CV = 0.742 > 0.50.
    b = CountyBuilder()
    for i in range(1, 4):
        b.school(school_code(i), "primary", 500, PRIMARY_OK)
    b.school(school_code(4), "primary", 500, scaled(PRIMARY_OK, equipment_value=4))
    result = evaluate_balanced(b.build(), COUNTY, YEAR)
    primary = result.stages["primary"]
    assert all(s.passed for s in primary.schools)
    assert primary.cv["equipment_value"] == pytest.approx(2598.0762 / 3500, abs=1e-6)
    assert primary.cv_met["equipment_value"] is False
    assert primary.passed is False
    assert result.verdict == "fail"


def test_same_spread_passes_primary_limit_but_fails_junior_limit() -> None:
    # Two equal schools with values a, b: CV = |a − b| / (a + b). Equipment 2000 vs 5600 (primary) and
    # 2500 vs 7000 (junior): CV = 3600/7600 = 4500/9500 = 0.4737 — ≤ 0.50 for 小学, > 0.45 for 初中.
    b = CountyBuilder()
    b.school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, equipment_value=2.8))
    b.school(school_code(3), "junior", 300, JUNIOR_OK)
    b.school(school_code(4), "junior", 300, scaled(JUNIOR_OK, equipment_value=2.8))
    result = evaluate_balanced(b.build(), COUNTY, YEAR)
    assert result.stages["primary"].cv["equipment_value"] == pytest.approx(0.473684, abs=1e-6)
    assert result.stages["junior"].cv["equipment_value"] == pytest.approx(0.473684, abs=1e-6)
    assert result.stages["primary"].passed is True
    assert result.stages["junior"].passed is False
    assert result.verdict == "fail"


def test_private_schools_and_small_teaching_points_leave_the_sample() -> None:
    b = CountyBuilder()
    b.school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 400, scaled(PRIMARY_OK, equipment_value=9), ownership="private")
    b.school(
        school_code(3), "primary", 30, scaled(PRIMARY_OK, equipment_value=0.01), school_type="teaching_point"
    )
    result = evaluate_balanced(b.build(), COUNTY, YEAR)
    primary = result.stages["primary"]
    assert [s.code for s in primary.schools] == [school_code(1)]
    assert {e["code"]: e["reason"] for e in primary.excluded} == {
        school_code(2): "民办学校不计入",
        school_code(3): "不足50人的教学点不计入",
    }
    assert primary.cv["equipment_value"] == 0.0
    with_points = evaluate_balanced(b.build(), COUNTY, YEAR, include_small_points=True)
    assert len(with_points.stages["primary"].schools) == 2


def test_items_decided_by_data() -> None:
    # Rotation (3 + 9)/(20 + 80) = 12% ≥ 10% with backbone (1 + 2)/12 = 25% ≥ 20%; one oversized school
    # (2100 > 2000 pupils) whose 48 classes average 2100/48 = 43.75 ≤ 45.
    b = CountyBuilder()
    b.school(school_code(1), "primary", 500, PRIMARY_OK)
    big = scaled(PRIMARY_OK, **{k: 4.2 for k in PRIMARY_OK})
    big |= {"teachers_rotation_eligible": 80, "teachers_rotated": 9, "backbone_rotated": 2}
    b.school(school_code(2), "primary", 2100, big, classes=48)
    facts = b.build()
    result = {i.code: i for i in evaluate_balanced(facts, COUNTY, YEAR).items}
    assert result["rotation"].status == "pass"
    assert result["rotation"].value == pytest.approx(0.12)
    assert result["school_size"].status == "fail"
    assert result["school_size"].failing == [school_code(2)]
    assert result["class_size"].status == "pass"
    assert result["layout"].status == "pending"
    assert result["social_recognition"].status == "pending"


def test_entered_items_and_reported_social_recognition() -> None:
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.reported.append({"unit": COUNTY, "year": YEAR, "indicator": "social_recognition", "value": 84.0})
    entered = {
        "layout": Entry(True, "县政府《学校布局规划》县政〔2023〕5号"),
        "curriculum": Entry(False, "督导检查"),
    }
    result = evaluate_balanced(b.build(), COUNTY, YEAR, entered)
    items = {i.code: i for i in result.items}
    assert items["social_recognition"].value == pytest.approx(0.84)  # 84 read as a percentage
    assert items["social_recognition"].status == "fail"
    assert (items["layout"].status, items["layout"].decided_by) == ("pass", "entered")
    assert items["curriculum"].status == "fail"
    assert result.verdict == "fail"


def test_unknown_county_is_not_found() -> None:
    with pytest.raises(NotFound):
        evaluate_balanced(
            CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK).build(), "990199", YEAR
        )


def test_json_shape_of_fixed_point() -> None:
    b = (
        CountyBuilder()
        .school(school_code(1), "primary", 500, PRIMARY_OK)
        .school(school_code(2), "junior", 300, JUNIOR_OK)
    )
    data = evaluate_balanced(b.build(), COUNTY, YEAR).to_json()
    # Every school and CV passes, but 14 items need an entry and social recognition is not reported.
    assert (data["verdict"], data["year"]) == ("incomplete", YEAR)
    assert data["verdict_label"] == "无法评估" and "尚不能认定达标" in data["reason"]
    assert "社会认可度达到85%以上：直报指标“社会认可度”（2024 学年）" in data["missing"]
    for stage in ("primary", "junior"):
        assert set(data[stage]["cv"]) == {
            "teachers_above_degree",
            "teachers_backbone",
            "teachers_pe_arts",
            "area_teaching",
            "area_sports",
            "equipment_value",
            "multimedia_classrooms",
        }
        assert data[stage]["cv_limit"] == {"primary": 0.5, "junior": 0.45}[stage]
        school = data[stage]["schools"][0]
        assert school["passed"] is True
        assert set(school["equipment_value"]) >= {"value", "threshold", "met"}
        assert school["indicators"]["equipment_value"]["met"] is True


def test_year_without_data_cannot_be_evaluated() -> None:
    # Nobody reported 2030: every part is undecided and the verdict is 无法评估, never 达标 or 未达标.
    facts = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK).build()
    result = evaluate_balanced(facts, COUNTY, 2030)
    assert result.verdict == "incomplete"
    assert result.missing[0] == "2030 学年没有任何学校报送统计数据"
    assert result.stages["primary"].status == "incomplete"


def test_stage_without_sample_does_not_pass() -> None:
    # Only a private junior school: the junior sample is empty, so 初中 cannot pass.
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "junior", 300, JUNIOR_OK, ownership="private")
    result = evaluate_balanced(b.build(), COUNTY, YEAR)
    assert result.stages["junior"].sample_size == 0
    assert result.stages["junior"].passed is False


def test_a_city_is_not_evaluated_as_a_county() -> None:
    from eduplan.errors import DataError

    facts = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK).build()
    with pytest.raises(DataError, match="市级"):
        evaluate_balanced(facts, "9901", YEAR)
