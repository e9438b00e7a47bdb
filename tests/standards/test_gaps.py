"""Shortfalls in natural units, and the to-do list that makes the county pass."""

from __future__ import annotations

import io
import math

import pytest
from openpyxl import load_workbook

from eduplan.standards.balanced import evaluate_balanced
from eduplan.standards.export import write_todo
from eduplan.standards.gaps import plan, shortfalls
from eduplan.standards.loader import load

from .builders import COUNTY, PRIMARY_OK, YEAR, CountyBuilder, scaled, school_code


def test_shortfall_of_a_school_at_84_percent() -> None:
    # Sports area 6.3 m²/生 for 500 pupils: (7.5 − 6.3)·500 = 600 m², at 400 元/m² = 240 000 元.
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, area_sports=0.84))
    evaluation = evaluate_balanced(b.build(), COUNTY, YEAR)
    [gap] = shortfalls(evaluation, load("balanced", COUNTY))
    assert (gap.school, gap.indicator, gap.amount, gap.unit) == (
        school_code(2),
        "area_sports",
        600.0,
        "平方米",
    )
    assert gap.cost == pytest.approx(240_000)
    # Before: 7.5 vs 6.3 → CV = 1.2/13.8 = 0.08696; after fixing: both 7.5 → CV 0.
    assert gap.cv_before == pytest.approx(1.2 / 13.8)
    assert gap.cv_after == 0.0


def test_plan_raises_the_failing_indicator_only_to_85_percent() -> None:
    # The school meets six; the cheapest pass is the seventh to its floor: (6.375 − 6.3)·500 = 37.5 m².
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, area_sports=0.84))
    todo = plan(evaluate_balanced(b.build(), COUNTY, YEAR), load("balanced", COUNTY))
    [action] = todo.actions
    assert (action.indicator, action.amount, action.cost) == ("area_sports", 37.5, 15_000)
    assert todo.passes_after is True


def test_plan_for_a_school_missing_two_indicators_fixes_the_cheaper_fully() -> None:
    # Sports 6.3 (84%) and multimedia 6/500 = 1.2 per 100 (52%). Both must reach 85%; one must reach 100%.
    # Sports: to floor 37.5 m² (15 000 元), to full 600 m² (240 000 元) → last step 225 000 元.
    # Multimedia: to floor ⌈(1.955 − 1.2)·5⌉ = 4 rooms, to full ⌈(2.3 − 1.2)·5⌉ = 6 rooms; last step 2 rooms
    # = 120 000 元 < 225 000 元 → multimedia to full (6 rooms, 360 000 元), sports to floor (37.5 m²).
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, area_sports=0.84, multimedia_classrooms=0.5))
    todo = plan(evaluate_balanced(b.build(), COUNTY, YEAR), load("balanced", COUNTY))
    amounts = {a.indicator: a.amount for a in todo.actions}
    assert amounts == {"area_sports": 37.5, "multimedia_classrooms": 6.0}
    assert todo.total_cost == pytest.approx(15_000 + 360_000)
    assert todo.passes_after is True


def test_plan_water_fills_an_outlier_county_to_the_cv_limit() -> None:
    # Three schools at 2000 元/生 and one at 8000, 500 pupils each. Raising the three to F gives
    # d = 8000 − F, S = d·√3/4, X̄ = (3F + 8000)/4, CV = d√3/(3F + 8000) = 0.5
    # → F = (16000√3 − 8000)/(3 + 2√3) = 3049.6 元/生: each of the three buys (F − 2000)·500 ≈ 524 800 元.
    b = CountyBuilder()
    for i in range(1, 4):
        b.school(school_code(i), "primary", 500, PRIMARY_OK)
    b.school(school_code(4), "primary", 500, scaled(PRIMARY_OK, equipment_value=4))
    todo = plan(evaluate_balanced(b.build(), COUNTY, YEAR), load("balanced", COUNTY))
    level = (16000 * math.sqrt(3) - 8000) / (3 + 2 * math.sqrt(3))
    assert [a.school for a in todo.actions] == [school_code(i) for i in range(1, 4)]
    for action in todo.actions:
        assert action.amount == pytest.approx((level - 2000) * 500, rel=1e-5)
        assert action.reason == "降低差异系数"
    assert todo.cv_after["primary"]["equipment_value"] == pytest.approx(0.5, abs=1e-5)
    assert todo.passes_after is True


def test_todo_exports_to_excel() -> None:
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, area_sports=0.84))
    evaluation = evaluate_balanced(b.build(), COUNTY, YEAR)
    standard = load("balanced", COUNTY)
    stream = io.BytesIO()
    write_todo(plan(evaluation, standard), shortfalls(evaluation, standard), stream)
    wb = load_workbook(io.BytesIO(stream.getvalue()))
    assert wb.sheetnames == ["整改清单", "指标缺口"]
    rows = list(wb["整改清单"].iter_rows(values_only=True))
    assert rows[0][0] == "学校标识码"
    assert rows[1][:3] == (school_code(2), "学校002", "小学") and rows[1][5] == 37.5
    assert list(wb["指标缺口"].iter_rows(values_only=True))[1][6] == 600


def test_count_mode_fixes_fewest_indicators_then_cheapest() -> None:
    # Sports and equipment both at 84% (6.3 m², 1680 元): either mode needs both to the floor and one to the
    # threshold, i.e. two changes. Cost decides which stays at the floor: sports' last step
    # (7.5 − 6.375)·500·400 = 225 000 元 > equipment's (2000 − 1700)·500 = 150 000 元, so sports stays at its
    # floor (37.5 m²) and equipment goes to 2000 (320 元·500 = 160 000 元).
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, area_sports=0.84, equipment_value=0.84))
    evaluation = evaluate_balanced(b.build(), COUNTY, YEAR)
    standard = load("balanced", COUNTY)
    for mode in ("count", "cost"):
        todo = plan(evaluation, standard, mode)
        assert {a.indicator: a.amount for a in todo.actions} == {
            "area_sports": 37.5,
            "equipment_value": 160_000.0,
        }
        assert todo.passes_after


def test_count_mode_spares_the_indicator_whose_fix_would_be_an_extra_change() -> None:
    # Multimedia 1.2 (52%), sports 6.6 (88%), equipment 1800 (90%): one may stay between 85% and 100%.
    # Multimedia is below its floor, so it changes anyway (its floor → full step adds no change); sports and
    # equipment would each be one more change, so one of them is spared: the dearer, sports
    # ((7.5 − 6.6)·500·400 = 180 000 元 vs (2000 − 1800)·500 = 100 000 元). Two changes in all.
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    resources = scaled(PRIMARY_OK, multimedia_classrooms=0.5, area_sports=0.88, equipment_value=0.9)
    b.school(school_code(2), "primary", 500, resources)
    todo = plan(evaluate_balanced(b.build(), COUNTY, YEAR), load("balanced", COUNTY), "count")
    assert {a.indicator for a in todo.actions} == {"multimedia_classrooms", "equipment_value"}
    assert todo.passes_after


def test_teacher_surplus_elsewhere_is_offered_for_rotation() -> None:
    # School 2 lacks backbone teachers: 2/500 → 0.4 per 100 (40%); its only miss, so the plan raises it to the
    # 85% floor: ⌈(0.85 − 0.4)·500/100⌉ = 3 teachers.
    # School 1 has 9 backbone teachers for 500 pupils: (1.8 − 1.0)·5 = 4 above the norm.
    from eduplan.standards.gaps import teacher_surplus

    b = CountyBuilder().school(school_code(1), "primary", 500, scaled(PRIMARY_OK, teachers_backbone=1.8))
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, teachers_backbone=0.4))
    evaluation = evaluate_balanced(b.build(), COUNTY, YEAR)
    standard = load("balanced", COUNTY)
    todo = plan(evaluation, standard)
    [surplus] = teacher_surplus(evaluation, standard, todo)
    assert (surplus.indicator, surplus.surplus, surplus.schools) == ("teachers_backbone", 4.0, ["学校001"])
    assert surplus.needed == 3


def test_music_and_art_rooms_join_the_todo() -> None:
    # 500 pupils in 13 classes need ⌈13/12⌉ = 2 music and 2 art rooms; with 1 and 0 the school lacks
    # 1 + 2 = 3 rooms, at 150 000 元 each = 450 000 元.
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, PRIMARY_OK | {"music_rooms": 1, "art_rooms": 0})
    evaluation = evaluate_balanced(b.build(), COUNTY, YEAR)
    rooms = next(i for i in evaluation.items if i.code == "music_art_rooms")
    assert (rooms.status, rooms.shortfall) == ("fail", {school_code(2): 3.0})
    [action] = plan(evaluation, load("balanced", COUNTY)).actions
    assert (action.school, action.amount, action.unit, action.cost) == (school_code(2), 3.0, "间", 450_000)


def test_unknown_plan_mode_is_a_config_error() -> None:
    from eduplan.errors import ConfigError

    evaluation = evaluate_balanced(
        CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK).build(), COUNTY, YEAR
    )
    with pytest.raises(ConfigError):
        plan(evaluation, load("balanced", COUNTY), "cheapest")


@pytest.mark.parametrize("seed", range(6))
def test_applying_the_plan_makes_resources_pass(seed: int) -> None:
    # Random counties of 4-8 primary schools with every resource scaled by 0.4-2.5: after adding each
    # action's amount to the school's statistics, a fresh evaluation passes every school and every CV.
    import random

    from eduplan.standards.balanced import evaluate_balanced as again

    rng = random.Random(seed)
    resources = (
        "teachers_college",
        "teachers_backbone",
        "teachers_pe",
        "area_teaching",
        "area_sports",
        "equipment_value",
        "multimedia_classrooms",
    )
    b = CountyBuilder()
    for i in range(1, rng.randint(4, 8) + 1):
        b.school(
            school_code(i),
            "primary",
            rng.randint(200, 1500) // 6 * 6,
            scaled(PRIMARY_OK, **{r: rng.uniform(0.4, 2.5) for r in resources}),
        )
    evaluation = evaluate_balanced(b.build(), COUNTY, YEAR)
    standard = load("balanced", COUNTY)
    todo = plan(evaluation, standard)
    assert todo.passes_after
    rows = {r["school"]: r for r in b.school_year}
    codes = {i.code for i in standard.indicators}
    for a in (
        a for a in todo.actions if a.indicator in codes
    ):  # rooms, places … are not the seven indicators
        column = standard.indicator(a.indicator).numerator["primary"][0]
        rows[a.school][column] = (rows[a.school][column] or 0) + a.amount
    after = again(b.build(), COUNTY, YEAR).stages["primary"]
    assert after.passed, (after.cv, [s.note for s in after.failing_schools])


def test_plan_leaves_a_school_with_missing_data_on_the_failing_list_without_costing_it() -> None:
    # School 2 reports no sports area: the plan cannot know what it lacks, so it proposes nothing for it
    # (costing a missing value as zero would ask for 7.5 m² × 500 = 3750 m² of building) and keeps it failing.
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, {**PRIMARY_OK, "area_sports": None})
    todo = plan(evaluate_balanced(b.build(), COUNTY, YEAR), load("balanced", COUNTY))
    assert [a for a in todo.actions if a.school == school_code(2)] == []
    assert "小学学校002（缺数据，未测算）" in todo.failing_after
    assert todo.passes_after is False


def test_unreported_rooms_leave_the_room_item_undecided_not_failed() -> None:
    # School 2 reports no music or art rooms: the item cannot be decided from the data (pending), and no room
    # is put on the to-do list for it; school 1 has 2 music and 2 art rooms for its classes, so nothing lacks.
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, PRIMARY_OK | {"music_rooms": None, "art_rooms": None})
    evaluation = evaluate_balanced(b.build(), COUNTY, YEAR)
    rooms = next(i for i in evaluation.items if i.code == "music_art_rooms")
    assert (rooms.status, rooms.shortfall) == ("pending", {})
    assert "1 所学校未报专用教室数" in rooms.detail
