"""The demo county's 2025 rotation plan: rules kept, moves explained, what-if re-solves, the county after."""

from __future__ import annotations

import math

import polars as pl
import pytest

from eduplan.errors import ConfigError, DataError
from eduplan.facts import Facts
from eduplan.staffing.after import balanced_teachers, facts_after
from eduplan.staffing.candidates import STAGE_LEVEL
from eduplan.staffing.plan import Plan, make_plan, posts_after
from eduplan.staffing.rules import Rules

UNIT, YEAR = "990101", 2025


@pytest.fixture(scope="module")
def plan(demo_facts: Facts) -> Plan:
    return make_plan(demo_facts, UNIT, YEAR, with_baseline=True)


def test_optimal_and_every_rule_kept(plan: Plan, demo_facts: Facts) -> None:
    j = plan.to_json()
    assert j["status"] == "optimal" and j["objective"] - j["bound"] <= 1e-6
    assert j["moved"] >= j["quota"] == math.ceil(0.10 * j["eligible"])
    assert j["backbone_moved"] >= 0.2 * j["moved"]
    assert j["shortage_after"] < j["shortage_before"]
    assert j["baseline"]["objective"] >= j["objective"] - 1e-9  # the hand method is never better
    roster = demo_facts.teachers.filter(pl.col("year") == YEAR)
    people = {r["teacher"]: r for r in roster.iter_rows(named=True)}
    tier = dict(plan.problem.schools.select("code", "tier").iter_rows())
    assert len({m.teacher for m in plan.moves}) == len(plan.moves)  # one school per teacher
    for m in plan.moves:
        who = people[m.teacher]
        assert YEAR - who["joined_year"] >= 6 and who["established"] and YEAR - who["birth_year"] < 55
        assert tier[m.from_school] != tier[m.to_school]  # 城镇/优质 ↔ 乡村/薄弱
        assert who["cert_subject"] == who["subject"] or who["subject"] in (
            "labour",
            "practice",
            "psychology",
            "other",
        )
        assert STAGE_LEVEL[who["cert_stage"]] >= STAGE_LEVEL[m.stage] and m.km <= 40


def test_each_move_says_why(plan: Plan) -> None:
    for m in plan.moves:
        assert ("补" in m.reason and "缺口" in m.reason) or "为完成交流比例" in m.reason
        assert f"在本校任教 {m.years} 年" in m.reason or "任本校校长" in m.reason
        assert "→" in m.reason and "公里" in m.reason
    music = [m for m in plan.moves if m.subject in ("pe", "music", "art") and "补" in m.reason]
    assert music and all("音体美学科优先" in m.reason for m in music)


def test_posts_after_keep_every_teacher(plan: Plan) -> None:
    frame = posts_after(plan)
    assert frame["in_post"].sum() == frame["in_post_after"].sum()
    short = frame.select(
        pl.col("gap").clip(lower_bound=0).sum(), pl.col("gap_after").clip(lower_bound=0).sum()
    ).row(0)
    assert short[1] < short[0]


def test_balanced_teacher_indicators_after_the_plan(plan: Plan, demo_facts: Facts) -> None:
    data = balanced_teachers(demo_facts, plan)
    before, after = data["before"]["stages"], data["after"]["stages"]
    for stage in ("primary", "junior"):
        assert after[stage]["teachers_pe_arts"]["met"] >= before[stage]["teachers_pe_arts"]["met"]
    rotation = data["after"]["rotation"]
    assert rotation["status"] == "pass" and f"交流 {len(plan.moves)}/" in rotation["detail"]
    moved = facts_after(demo_facts, plan).school_year.filter(pl.col("year") == YEAR)["teachers"].sum()
    assert moved == demo_facts.school_year.filter(pl.col("year") == YEAR)["teachers"].sum()


def test_what_if_lock_exclude_and_a_stricter_rule(plan: Plan, demo_facts: Facts) -> None:
    gone = plan.moves[0].teacher
    stay = plan.problem.candidates.filter(~pl.col("teacher").is_in([m.teacher for m in plan.moves])).row(
        0, named=True
    )
    target = next(c for c in plan.problem.schools["code"] if c != stay["school"])
    rules = Rules().with_overrides({"quota_rate": "0.15"})
    again = make_plan(demo_facts, UNIT, YEAR, rules, locks=[(stay["teacher"], target)], exclude=[gone])
    moves = {m.teacher: m for m in again.moves}
    assert again.solution.status == "optimal"
    assert gone not in moves
    assert moves[stay["teacher"]].to_school == target and "人工锁定的调动" in moves[stay["teacher"]].reason
    assert len(again.moves) >= math.ceil(0.15 * again.problem.eligible)
    assert again.solution.objective >= plan.solution.objective - 1e-6  # more rules never help


def test_rules_that_cannot_hold_are_explained(demo_facts: Facts) -> None:
    result = make_plan(demo_facts, UNIT, YEAR, Rules().with_overrides({"max_km": "2"}))
    assert result.solution.status == "infeasible" and not result.moves
    assert len(result.binding) == 1 and result.binding[0].startswith("交流比例：须交流不少于")
    assert "差" in result.binding[0]


def test_bad_rules_and_locks_are_refused(demo_facts: Facts) -> None:
    with pytest.raises(ConfigError, match="quota_rate"):
        Rules().with_overrides({"quota_rate": "1.5"})
    with pytest.raises(ConfigError, match="没有名为 speed"):
        Rules().with_overrides({"speed": "1"})
    for name, text in (
        ("max_km", "nan"),
        ("move_cost", "inf"),
        ("subject_weights", "pe:nan"),
        ("time_limit", "0"),
    ):
        with pytest.raises(ConfigError, match=name):  # the solver is never handed a number it cannot use
            Rules().with_overrides({name: text})
    with pytest.raises(ConfigError, match="time_limit"):
        Rules().with_overrides({"time_limit": "3601"})
    with pytest.raises(DataError, match="不在该县当年的名册中"):
        make_plan(demo_facts, UNIT, YEAR, locks=[("T000", "9901010021")])


def test_without_records_the_plan_says_what_is_missing() -> None:
    from tests.staffing.test_norms import small_county

    facts = small_county()
    facts.teachers = facts.teachers.clear()
    with pytest.raises(DataError, match="没有专任教师名册"):
        make_plan(facts, UNIT, 2024)
