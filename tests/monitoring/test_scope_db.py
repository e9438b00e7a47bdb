"""Targets for 农村 or 城区: computed from the schools of that locale where the data can, hand-entered values
shown beside them with the one used and why; a rate over population cannot be narrowed and says so."""

from __future__ import annotations

from typing import Any

import pytest

from eduplan.facts import Facts

pytestmark = pytest.mark.db

PLAN: dict[str, Any] = {
    "plan": {"name": "示例县规划", "region": "990101", "period": [2023, 2026], "status": "adopted"},
    "targets": [
        # 城区 large classes: the town primary school's 6 classes (none of 56+) and the junior school's 6 (all
        # 56-65: 120 pupils in 2 classes a grade) → 6 / 12 = 50%. Entered by hand as 40 for 2024 too.
        {"indicator": "义务教育大班额比例", "scope": "urban", "comparator": "le", "value": 0, "target_year": 2026,
         "manual_values": {2024: 40}},
        # 农村: the rural primary school's 6 classes, none large → 0%, already achieved.
        {"indicator": "义务教育大班额比例", "scope": "rural", "comparator": "le", "value": 5, "target_year": 2026},
        # 毛入园率 divides by population, which is counted by township, not by locale: hand-entered only.
        {"indicator": "学前三年毛入园率", "scope": "rural", "comparator": "ge", "value": 90, "target_year": 2026,
         "manual_values": {2023: 80, 2024: 82}},
    ],
}  # fmt: skip


@pytest.fixture
def records(tiny_db: Facts) -> dict[tuple[str, str], dict[str, Any]]:
    from eduplan.web.plans.plan_io import save_plan
    from eduplan.web.plans.services import clear_cache, progress_records

    clear_cache()
    save_plan(PLAN, "990101", "示例县")
    return {(r["indicator"], r["scope"]): r for r in progress_records("990101")}


def test_urban_scope_is_computed_from_urban_schools_and_shown_beside_the_entry(records: Any) -> None:
    urban = records["large_class_share", "城区"]
    assert urban["source"] == "computed"
    assert urban["computed_values"] == [[2023, 50.0], [2024, 50.0]]
    assert urban["manual_values"] == [[2024, 40.0]]
    assert urban["latest_value"] == 50.0
    assert "按统计数据判断" in urban["source_reason"] and "手工填报值仅作对照" in urban["source_reason"]


def test_rural_scope_is_computed_from_rural_schools(records: Any) -> None:
    rural = records["large_class_share", "农村"]
    assert (rural["source"], rural["latest_value"], rural["status"]) == ("computed", 0.0, "achieved")


def test_a_rate_over_population_keeps_the_hand_entered_values_and_says_why(records: Any) -> None:
    ger = records["preschool_ger", "农村"]
    assert ger["source"] == "manual" and ger["computed_values"] == []
    assert "人口数据按乡镇统计、不分城乡" in ger["source_reason"]


def test_target_page_shows_both_series_and_the_one_used(records: Any, alice: Any, client: Any) -> None:
    from eduplan.web.plans.models import Target

    client.force_login(alice)
    target = Target.objects.get(scope="urban")
    html = client.get(f"/plans/targets/{target.pk}/").content.decode()
    values = html.split('id="values"')[1].split("</table>")[0]
    assert '<td>2024</td><td class="num">50</td><td class="num">40</td><td>统计数据</td>' in values
    assert "只计学校名录中城乡分类为“城区”的学校" in html
    assert "手工填报（对照）" in html  # the chart draws the entered values too


def test_progress_json_keeps_its_keys(records: Any) -> None:
    # The keys `eduplan progress --format json` had before issue 10, all still there; status from the fixed set.
    before = {"id", "plan", "indicator", "indicator_name", "scope", "comparator", "target_value", "target_year",
              "baseline_value", "baseline_year", "latest_value", "latest_year", "milestone_value", "status",
              "status_label", "ratio", "forecast_value", "forecast_year", "milestones_missed", "reason", "source"}  # fmt: skip
    statuses = {
        "achieved",
        "on_track",
        "acceleration_needed",
        "limited",
        "deteriorating",
        "not_achieved",
        "no_data",
    }
    for record in records.values():
        assert before <= set(record) and record["status"] in statuses
