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
