"""学位预测 pages on the demo county: table coloured by level, scenario editor, zone charts, method page."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from eduplan.facts import Facts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client_alice(client: Any, alice: Any) -> Any:
    client.force_login(alice)
    return client


@pytest.mark.db
def test_pages_need_login(client: Any, db: None) -> None:
    for url in ("/forecast/", "/forecast/method/", "/forecast/zone/x/"):
        assert client.get(url).status_code == 302


@pytest.mark.db
def test_zones_table_and_scenario(client_alice: Any, demo_db: Facts) -> None:
    base = client_alice.get("/forecast/", {"unit": "990101", "origin": 2025, "horizon": 5}).content.decode()
    assert 'class="sortable" id="zones"' in base and 'tr class="level-' in base
    assert "基准最大缺口" not in base
    zone = demo_db.schools.filter(demo_db.schools["school_type"] == "primary")["zone"].drop_nulls()[0]
    lines = f"城东新小学,{zone},小学,2250,2026"
    scenario = client_alice.get(
        "/forecast/", {"unit": "990101", "origin": 2025, "horizon": 5, "projects": lines, "migration": 2}
    ).content.decode()
    # The scenario adds a baseline column next to the recomputed table.
    assert "基准最大缺口" in scenario
    bad = client_alice.get(
        "/forecast/", {"unit": "990101", "origin": 2025, "projects": "乱写"}
    ).content.decode()
    assert "第 1 行格式不对" in bad


@pytest.mark.db
def test_zone_page_has_chart_with_range_and_places(client_alice: Any, demo_db: Facts) -> None:
    zone = "990101-" + demo_db.schools["zone"].drop_nulls()[0]
    page = client_alice.get(f"/forecast/zone/{zone}/", {"unit": "990101", "origin": 2025, "horizon": 5})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "预测区间" in html and "学位" in html and "估计的比率" in html
    assert client_alice.get("/forecast/zone/nowhere/", {"unit": "990101", "origin": 2025}).status_code == 404


@pytest.mark.db
def test_method_page_is_the_docs_text(client_alice: Any) -> None:
    html = client_alice.get("/forecast/method/").content.decode()
    assert "队列要素法" in html and "回测" in html


def test_packaged_method_matches_docs() -> None:
    # The page renders src/eduplan/forecast/method.md; docs/forecast.md is the same text for the repository.
    packaged = resources.files("eduplan.forecast").joinpath("method.md").read_text("utf-8")
    assert packaged == (ROOT / "docs/forecast.md").read_text("utf-8")


@pytest.mark.browser
def test_scenario_form_in_browser(alice_page: Any) -> None:
    page = alice_page
    base = page.url.rstrip("/")
    page.goto(f"{base}/forecast/?unit=990101&origin=2025&horizon=5")
    assert page.locator("#zones tbody tr").count() > 0
    page.fill("input[name=migration]", "5")
    page.click("#scenario button[type=submit]")
    page.wait_for_selector("text=基准最大缺口")
    page.locator("#zones thead th").nth(5).click()  # sortable header
    assert page.locator("#zones tbody tr").count() > 0


@pytest.mark.db
def test_zone_migration_and_norms_on_the_page(client_alice: Any, demo_db: Facts) -> None:
    params = {"unit": "990101", "origin": 2025, "horizon": 3, "residents": "990101001,52000",
              "villages": "石桥村,2300,无", "zone_migration": "990101001,10"}  # fmt: skip
    html = client_alice.get("/forecast/", params).content.decode()
    # 52,000 residents need ceil(5.2) = 6 primary schools in 城关镇; the village of 2,300 lacks a public one.
    assert "规划标准核查" in html and "每 1 万人建设 1 所完全小学" in html and "石桥村" in html
    assert "基准最大缺口" in html  # a migration override is a scenario
    bad = client_alice.get("/forecast/", {**params, "zone_migration": "990101001,很多"}).content.decode()
    assert "不是数字" in bad


@pytest.mark.db
def test_first_visit_shows_the_first_county_from_its_latest_year(client_alice: Any, demo_db: Facts) -> None:
    html = client_alice.get("/forecast/").content.decode()
    assert 'value="990101"' in html and "起点 2025 年" in html and 'id="zones"' in html


@pytest.mark.db
def test_a_zone_name_with_a_slash_or_markup_never_breaks_a_page(client_alice: Any, demo_db: Facts) -> None:
    # Rename one zone to a name with every awkward character a URL or page can meet.
    from eduplan.web.schools.models import School

    old = demo_db.schools["zone"].drop_nulls()[0]
    odd = "城关/第一片区 ?#&%<b>"
    School.objects.filter(zone=old).update(zone=odd)
    html = client_alice.get("/forecast/", {"unit": "990101", "origin": 2025, "horizon": 3}).content.decode()
    assert "<b>" not in html and "城关/第一片区 ?#&amp;%&lt;b&gt;" in html
    from urllib.parse import quote

    key = quote(f"990101-{odd}", safe="")
    assert (
        "%2F" in key and "%3C" in key and f"/forecast/zone/?zone={key}&amp;" in html
    )  # encoded in the query
    page = client_alice.get(f"/forecast/zone/?zone={key}&unit=990101&origin=2025&horizon=3")
    assert page.status_code == 200 and "城关/第一片区 ?#&amp;%&lt;b&gt;" in page.content.decode()


@pytest.mark.db
def test_unknown_zone_school_or_stage_in_a_line_is_an_error_with_its_line(
    client_alice: Any, demo_db: Facts
) -> None:
    zone = "990101-" + demo_db.schools["zone"].drop_nulls()[0]
    lines = f"好项目,{zone},小学,300,2027\n坏项目,月亮学区,小学,300,2027"
    html = client_alice.get(
        "/forecast/", {"unit": "990101", "origin": 2025, "projects": lines}
    ).content.decode()
    assert "第 2 行：没有学校或学区“月亮学区”" in html and 'id="zones"' not in html
    stage = client_alice.get("/forecast/", {"unit": "990101", "origin": 2025,
                                            "projects": f"项目,{zone},大学,300,2027"}).content.decode()  # fmt: skip
    assert "第 1 行格式不对" in stage
    migration = client_alice.get(
        "/forecast/", {"unit": "990101", "origin": 2025, "zone_migration": "月亮学区,3"}
    )
    assert "分学区迁入率第 1 行：没有学区或乡镇“月亮学区”" in migration.content.decode()


@pytest.mark.db
def test_plan_projects_are_placed_in_the_pages_and_counted_per_zone(
    client_alice: Any, demo_db: Facts
) -> None:
    # A project read from a plan document has a name only; the planner places it (zone, places, year) on the
    # project page, and the forecast page then lists it under its zone and counts its places.
    from eduplan.web.plans.models import Plan, Project

    plan = Plan.objects.create(name="示例规划", region_code="990101", period_start=2026, period_end=2030)
    project = Project.objects.create(plan=plan, name="城东新小学", kind="new", planned_year=2028)
    listed = client_alice.get("/plans/projects/", {"plan": plan.pk}).content.decode()
    assert "城东新小学" in listed and "未定位" in listed
    zone_name = demo_db.schools["zone"].drop_nulls()[0]
    zone = f"990101-{zone_name}"
    edit = client_alice.get(f"/plans/projects/{project.pk}/edit/").content.decode()
    assert f'<option value="{zone}">{zone_name}</option>' in edit
    bad = client_alice.post(f"/plans/projects/{project.pk}/edit/", {"name": "城东新小学", "kind": "new",
                            "zone": "990101-月亮", "status": "planned", "planned_year": 2028}).content.decode()  # fmt: skip
    assert "学区" in bad and "月亮" in bad
    saved = client_alice.post(f"/plans/projects/{project.pk}/edit/", {"name": "城东新小学", "kind": "new",
                              "zone": zone, "places_primary": 1350, "status": "planned", "planned_year": 2028})  # fmt: skip
    assert saved.status_code == 302
    html = client_alice.get("/forecast/", {"unit": "990101", "origin": 2025, "horizon": 5}).content.decode()
    table = html.split('id="planned-table"')[1].split("</table>")[0]
    assert zone_name in table and "城东新小学" in table and "1,350" in table
    assert "基准最大缺口" in html  # counted: the page compares with the forecast without it
    without = client_alice.get("/forecast/", {"unit": "990101", "origin": 2025, "plan_projects": "0"}).content
    assert "基准最大缺口" not in without.decode()
