"""Plans in the database: import/export, the demo plan, `eduplan progress`, and the dashboard pages."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from eduplan.cli import main
from eduplan.errors import DataError
from eduplan.facts import Facts

pytestmark = pytest.mark.db

PLAN: dict[str, Any] = {
    "plan": {"name": "示例县教育事业发展规划", "region": "990101", "period": [2023, 2025], "status": "adopted"},
    "targets": [
        # Computed on the tiny county: 1 of 3 schools in a group in 2024 -> 33.33% >= 20%: achieved.
        {"indicator": "义务教育学区化集团化办学覆盖率", "comparator": "ge", "value": 20, "target_year": 2025},
        # Hand-entered: 50 (2023) -> 60 (2024) against 72 by 2025 from 50: CAGR_r = sqrt(1.44) - 1 = 0.2,
        # CAGR_o = 0.2, R = 1.0: on track; forecast 2025 = 70 (line through the two points).
        {"indicator": "主干专业匹配度", "comparator": "ge", "value": 72, "target_year": 2025,
         "baseline": {"value": 50, "year": 2023}, "manual_values": {2023: 50, 2024: 60}},
        # The same, lower is better: 40 -> 44 against <= 10: R = -1 * 0.1 / 0.5 < 0: deteriorating.
        {"indicator": "辍学率（手工）", "comparator": "le", "value": 10, "target_year": 2025,
         "baseline": {"value": 40, "year": 2023}, "manual_values": {2023: 40, 2024: 44}},
        # 巩固率 cannot be computed from two years of data: no data, with the engine's reason.
        {"indicator": "九年义务教育巩固率", "comparator": "ge", "value": 96, "target_year": 2025},
    ],
    "projects": [{"name": "城关小学扩建", "kind": "expand", "planned_year": 2025, "places_primary": 540}],
}  # fmt: skip


@pytest.fixture
def plan(tiny_db: Facts) -> Any:
    from eduplan.web.plans.plan_io import save_plan
    from eduplan.web.plans.services import clear_cache

    clear_cache()
    return save_plan(PLAN, "990101", "示例县")


def test_progress_statuses(plan: Any) -> None:
    from eduplan.web.plans.services import progress_records

    records = {r["indicator_name"]: r for r in progress_records("990101")}
    assert records["义务教育学区化集团化办学覆盖率"]["indicator"] == "district_group_coverage"
    assert records["义务教育学区化集团化办学覆盖率"]["status"] == "achieved"
    assert records["义务教育学区化集团化办学覆盖率"]["latest_value"] == pytest.approx(33.33)
    on_track = records["主干专业匹配度"]
    assert (on_track["status"], on_track["ratio"], on_track["forecast_value"]) == ("on_track", 1.0, 70.0)
    assert records["辍学率（手工）"]["status"] == "deteriorating"
    no_data = records["九年义务教育巩固率"]
    assert no_data["status"] == "no_data" and "缺少" in no_data["reason"]


def test_cli_progress_json(plan: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["progress", "--unit", "990101", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    keys = {
        "indicator",
        "target_value",
        "target_year",
        "latest_value",
        "latest_year",
        "status",
        "forecast_value",
    }
    assert len(records) == 4 and all(keys <= set(r) for r in records)
    assert main(["progress", "--unit", "990101", "--year", "2023", "--format", "table"]) == 0
    assert "主干专业匹配度" in capsys.readouterr().out


def test_cli_progress_unknown_unit(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["progress", "--unit", "123456", "--format", "json"]) == 1
    assert "没有规划" in capsys.readouterr().err


def test_export_import_round_trip(plan: Any, tmp_path: Path) -> None:
    from eduplan.web.plans.models import Plan

    out = tmp_path / "plan.yaml"
    assert main(["plan", "export", str(out), "--unit", "990101"]) == 0
    Plan.objects.all().delete()
    assert main(["plan", "import", str(out)]) == 0
    again = Plan.objects.get(region_code="990101")
    assert again.targets.count() == 4 and again.projects.get().places_primary == 540
    assert list(
        again.targets.get(indicator_text="主干专业匹配度").manual_values.values_list("year", "value")
    ) == [
        (2023, 50.0),
        (2024, 60.0),
    ]


def test_import_validates(db: None) -> None:
    from eduplan.web.plans.plan_io import save_plan

    bad = {
        "plan": PLAN["plan"],
        "targets": [{"indicator": "x", "comparator": "range", "value": 5, "target_year": 2025}],
    }
    with pytest.raises(DataError, match="区间上限"):
        save_plan(bad, "990101")


def test_demo_plan_loads(tiny_db: Facts) -> None:
    from eduplan.web.plans.plan_io import load_demo_plan
    from eduplan.web.plans.services import evaluate_plan

    plan = load_demo_plan("990101")
    rows = evaluate_plan(plan)
    health = next(r for r in rows if r.target.indicator_text == "学生体质健康优良率")
    assert health.target.indicator_code == "physical_health_good_rate"
    assert [m.value for m in health.target.milestones.all()][:4] == [45, 50, 52, 54]
    assert plan.projects.count() == 8
    load_demo_plan("990101")  # loading twice replaces, never duplicates
    assert plan.__class__.objects.filter(region_code="990101").count() == 1


def _client(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_pages(plan: Any, alice: Any, client: Any) -> None:
    from eduplan.web.plans.models import Target

    c = _client(client, alice)
    overview = c.get(f"/plans/?plan={plan.pk}").content.decode()
    assert "目标进展（共 4 项）" in overview and "倒退" in overview
    table = c.get(f"/plans/targets/?plan={plan.pk}").content.decode()
    assert "主干专业匹配度" in table and 'class="sortable"' in table
    target = Target.objects.get(indicator_text="主干专业匹配度")
    page = c.get(f"/plans/targets/{target.pk}/").content.decode()
    assert "<svg" in page and "里程碑轨迹" in page and "趋势预测" in page
    assert c.get("/plans/rollup/9901/").status_code == 404  # the city's roll-up is the city's
    assert "加拿大统计局" in c.get("/plans/method/").content.decode()


def test_trajectory_starts_at_a_baseline_taken_from_the_data(plan: Any, alice: Any, client: Any) -> None:
    # 集团化覆盖率 has no baseline in the plan; the judgement takes it from the data (33.33% in 2023 on the
    # tiny county), and the chart's trajectory runs from there to 20 in 2025 instead of being left out.
    from eduplan.web.plans.models import Target

    target = Target.objects.get(indicator_text="义务教育学区化集团化办学覆盖率")
    assert target.baseline_value is None
    page = _client(client, alice).get(f"/plans/targets/{target.pk}/").content.decode()
    assert "里程碑轨迹" in page


def test_excel_export(plan: Any, alice: Any, client: Any) -> None:
    response = _client(client, alice).get(f"/plans/targets.xlsx?plan={plan.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("指标", "指标代码", "范围")
    assert (rows[3][0], rows[3][5], rows[3][6]) == ("主干专业匹配度", 60.0, 2024)


def test_login_required(plan: Any, client: Any) -> None:
    response = client.get("/plans/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_target_form_validation(plan: Any, alice: Any, client: Any) -> None:
    from eduplan.web.plans.forms import FREE_TEXT
    from eduplan.web.plans.models import Target

    target = Target.objects.get(indicator_text="主干专业匹配度")
    c = _client(client, alice)
    data = {"number": 1, "indicator_text": "主干专业匹配度", "indicator": FREE_TEXT, "scope": "region", "comparator": "range",
            "value": 80, "unit": "%", "direction": "higher", "target_year": 2025, "baseline_value": 50,
            "baseline_year": 2023, "ms-TOTAL_FORMS": 0, "ms-INITIAL_FORMS": 0,
            "mv-TOTAL_FORMS": 0, "mv-INITIAL_FORMS": 0}  # fmt: skip
    response = c.post(f"/plans/targets/{target.pk}/edit/", data)
    assert response.status_code == 200 and "区间上限" in response.content.decode()
    data.update({"comparator": "ge", "ms-TOTAL_FORMS": 1, "ms-0-year": 2024, "ms-0-value": 65,
                 "mv-TOTAL_FORMS": 1, "mv-0-year": 2025, "mv-0-value": 66, "mv-0-source": "教育局统计"})  # fmt: skip
    assert c.post(f"/plans/targets/{target.pk}/edit/", data).status_code == 302
    target.refresh_from_db()
    assert (target.value, [m.value for m in target.milestones.all()]) == (80, [65])
    assert target.manual_values.get(year=2025).value == 66  # the two stored values (2023, 2024) stay


def test_target_editor_chooses_the_indicator_by_its_chinese_name(plan: Any, alice: Any, client: Any) -> None:
    from eduplan.web.plans.models import Target

    target = Target.objects.get(indicator_text="主干专业匹配度")
    c = _client(client, alice)
    page = c.get(f"/plans/targets/{target.pk}/edit/").content.decode()
    # A search box over the catalogue's Chinese names; no code is typed anywhere.
    assert 'list="indicator-names"' in page and '<option value="学前三年毛入园率">' in page
    assert 'name="indicator_code"' not in page
    data = {"number": 1, "indicator_text": "", "indicator": "学前教育毛入园率", "scope": "region", "comparator": "ge",
            "value": 90, "unit": "%", "direction": "higher", "target_year": 2025, "ms-TOTAL_FORMS": 0,
            "ms-INITIAL_FORMS": 0, "mv-TOTAL_FORMS": 0, "mv-INITIAL_FORMS": 0}  # fmt: skip
    assert c.post(f"/plans/targets/{target.pk}/edit/", data).status_code == 302
    target.refresh_from_db()
    # An alias finds the indicator; the empty plan wording takes the catalogue's name.
    assert (target.indicator_code, target.indicator_text) == ("preschool_ger", "学前三年毛入园率")
    bad = c.post(f"/plans/targets/{target.pk}/edit/", {**data, "indicator": "幸福指数"}).content.decode()
    assert "指标目录中没有“幸福指数”" in bad


def _seed_000() -> Path:
    from eduplan.web.plans.plan_io import demo_source

    if not demo_source().exists():
        pytest.skip("seed 000 (../shared/seeds) is not beside this checkout")
    return demo_source()


def test_demo_plan_reads_the_text_through_the_extractor() -> None:
    from eduplan.web.plans.plan_io import demo_plan_data

    _seed_000()

    targets = demo_plan_data()["targets"]
    assert len(targets) == 13
    health = next(t for t in targets if t.get("code") == "physical_health_good_rate")
    # 45 (2021), 50 (2022), +2 a year to 2024, +1 a year to 2030: the extractor's statements stepped on.
    assert health["milestones"] == {
        2021: 45,
        2022: 50,
        2023: 52,
        2024: 54,
        2025: 55,
        2026: 56,
        2027: 57,
        2028: 58,
        2029: 59,
    }
    assert (health["value"], health["target_year"], health["baseline"]) == (
        60,
        2030,
        {"value": 47.84, "year": 2020},
    )
    assert "2023-2024年每年提升2个百分点" in health["quote"]
    rotation = targets[-1]  # not in the text as a number: from the curated list
    assert (rotation["indicator"], rotation["value"], rotation["recurrence"]) == (
        "教师交流轮岗比例",
        10,
        True,
    )


def test_cli_imports_plan_text(db: None) -> None:
    from eduplan.web.plans.models import Plan

    assert main(["plan", "import", str(_seed_000()), "--unit", "990101"]) == 0
    plan = Plan.objects.get(region_code="990101")
    assert (plan.name, plan.period_start, plan.period_end) == ("南雄市教育事业“十四五”发展规划", 2021, 2025)
    rural = plan.targets.get(scope="rural")
    assert (rural.indicator_code, rural.value, rural.target_year) == ("preschool_ger", 90, 2025)


def test_rollup_puts_counties_side_by_side(plan: Any, carol: Any, client: Any) -> None:
    from eduplan.web.plans.plan_io import save_plan

    # A neighbouring county with a stricter target on the same indicator and no data stored yet.
    other = {"plan": {**PLAN["plan"], "name": "邻县规划"}, "targets": [{**PLAN["targets"][0], "value": 40}]}
    save_plan(other, "990102", "邻县")
    page = _client(client, carol).get("/plans/rollup/9901/").content.decode()
    assert page.index("示例县") < page.index("邻县")  # columns in code order
    # Same indicator row: ≥ 20% achieved at 33.33% in 示例县; ≥ 40% without data in 邻县.
    assert "≥ 20% / 33.33%（2024） / " in page and "≥ 40% / — / " in page


def test_plan_text_import_keeps_what_it_can_and_lists_the_rest(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Three commitments: a level (≥ 96%), a yearly change with no level (needs a baseline, so it cannot be
    # stored yet and is listed for review), and an allocation rule on the same code as a % change (a
    # different unit, so a target of its own rather than merged into one 500% target).
    text = (
        "示例县教育事业发展规划（2023-2025年）\n"
        "到2025年，九年义务教育巩固率达到96%以上。\n"
        "全县儿童青少年总体近视率每年降低0.5个百分点。\n"
        "每两年按10%的增幅提高义务教育生均公用经费标准，对不足100人的农村小学按100人拨付公用经费。\n"
    )
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["plan", "import", str(path), "--unit", "990101"]) == 0
    out = capsys.readouterr().out
    assert "未导入" in out and "近视率" in out and "每年变化类目标需要基期值和基期年" in out
    from eduplan.web.plans.models import Plan

    plan = Plan.objects.get(region_code="990101", source_document="plan.txt")
    assert plan.status == "draft"
    texts = {t.indicator_code: (t.comparator, t.value) for t in plan.targets.all()}
    assert texts["compulsory_retention_rate"] == ("ge", 96.0)
    assert "myopia_rate" not in texts


def test_demo_plan_without_the_plan_text_is_the_curated_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Where ../shared is absent (an installed package), the demo plan still has seed 000's 13 targets.
    from eduplan.web.plans.plan_io import demo_plan_data

    monkeypatch.setenv("EDUPLAN_SEEDS_DIR", str(tmp_path))
    targets = demo_plan_data()["targets"]
    assert len(targets) == 13
    health = next(t for t in targets if t["indicator"] == "学生体质健康优良率")
    assert (health["value"], health["target_year"], health["milestones"][2022]) == (60, 2030, 50)
