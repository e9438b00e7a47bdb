"""What the report needs from the plan: each target's 属性 (约束性/预期性) and each project's budget, kept through
import and export and shown in the report's tables."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.reports.evaluation import project_row, target_row
from tests.monitoring.test_plans_db import PLAN

pytestmark = pytest.mark.db


def _plan() -> dict[str, Any]:
    data = copy.deepcopy(PLAN)
    data["targets"][0]["attribute"] = "约束性"
    data["targets"][1]["attribute"] = "expected"
    data["projects"][0]["budget"] = 3500
    return data


def test_attribute_and_budget_round_trip(tiny_db: Facts) -> None:
    from eduplan.web.plans.plan_io import plan_to_dict, save_plan

    plan = save_plan(_plan(), "990101", "示例县")
    exported = plan_to_dict(plan)
    assert [t.get("attribute") for t in exported["targets"]] == ["约束性", "预期性", None, None]
    assert exported["projects"][0]["budget"] == 3500
    again = plan_to_dict(save_plan(exported, "990101", "示例县"))
    assert again["targets"] == exported["targets"] and again["projects"] == exported["projects"]


def test_bad_attribute_is_refused(tiny_db: Facts) -> None:
    from eduplan.web.plans.plan_io import save_plan

    data = _plan()
    data["targets"][0]["attribute"] = "必须"
    with pytest.raises(DataError, match="指标属性应为约束性或预期性"):
        save_plan(data, "990101", "示例县")


def test_report_rows_show_them(tiny_db: Facts) -> None:
    from eduplan.web.plans.plan_io import save_plan
    from eduplan.web.reports.inputs import projects, targets

    plan = save_plan(_plan(), "990101", "示例县")
    lines, _ = targets(plan, 2024)
    assert [target_row(line)[2] for line in lines] == ["约束性", "预期性", "—", "—"]
    assert project_row(1, projects(plan)[0], 2024)[3:5] == ("小学540", "3,500")
