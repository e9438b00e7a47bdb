"""The region page in real Chromium: carol reads the ranking, the ECharts bars and map hold the values worked
out by hand (conftest.py), the download is the comparison; nothing breaks the content security policy."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import load_workbook

from tests.conftest import CAROL, login, make_user
from tests.region.conftest import CITY, JIA, YI, two_counties

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.db]
SHOTS = Path(os.environ.get("EDUPLAN_SCREENSHOTS", tempfile.gettempdir()))


@pytest.fixture
def region_server(transactional_db: None, live_server: Any) -> str:
    from eduplan.region.boundaries import synthetic
    from eduplan.store import save_facts
    from eduplan.web.region.maps import save

    facts = two_counties()
    save_facts(facts)
    save(synthetic(facts), "测试边界")
    make_user(CAROL)
    return str(live_server.url)


def _option(page: Page, box: str) -> Any:
    page.wait_for_selector(f"#{box}[data-ready='1']")
    return page.evaluate(f"echarts.getInstanceByDom(document.getElementById('{box}')).getOption()")


def test_region_page_in_browser(region_server: str, page: Page) -> None:
    problems: list[str] = []
    # Script errors and CSP refusals reach the console; a missing asset is a failed response (not the favicon).
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "resource" not in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    login(page, region_server, CAROL)
    page.goto(f"{region_server}/region/{CITY}/?year=2024")
    page.select_option("#code-select", "large_class_share")  # the picker submits itself
    page.wait_for_url("**code=large_class_share**")
    assert page.inner_text("#region-value") == "50.00"  # (6 + 6) ÷ (18 + 6)
    ranks = page.locator("#ranking tbody tr td:nth-child(3)").all_inner_texts()
    assert ranks == ["示例县", "乙县"]
    bars = _option(page, "ranking-chart")["series"][0]
    assert [round(d["value"], 2) for d in bars["data"]] == [33.33, 100.0]
    assert bars["markLine"]["data"][0]["yAxis"] == 50.0
    shapes = _option(page, "region-map")["series"]
    assert {d["name"]: round(d["value"], 2) for d in shapes[0]["data"]} == {JIA: 33.33, YI: 100.0}
    assert sorted(d["value"][2] for d in shapes[1]["data"]) == [
        0.0,
        0.0,
        100.0,
        100.0,
    ]  # each school's 大班额
    page.screenshot(path=str(SHOTS / "region-county.png"), full_page=True)
    page.select_option("#map-select", "township")
    page.wait_for_url("**map=township**")
    towns = _option(page, "region-map")["series"][0]["data"]
    # 甲县 T1 6/12 = 50%, T2 0/6; 乙县 T1 6/6, T2 has no school (no value).
    assert {d["name"]: d["value"] for d in towns} == {
        "990101001": 50.0,
        "990101002": 0.0,
        "990102001": 100.0,
        "990102002": None,
    }
    page.screenshot(path=str(SHOTS / "region-township.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#region-xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = {r[0]: r for r in book["各县比较"].iter_rows(values_only=True)}
    assert rows["义务教育大班额比例"][2:] == ("50.00", "33.33", "100.00")
    assert not problems, problems


def test_the_city_planner_splits_a_target_in_the_browser(region_server: str, page: Page) -> None:
    from tests.region.test_region_targets import PLANNER

    make_user(PLANNER)
    login(page, region_server, PLANNER)
    page.goto(f"{region_server}/region/{CITY}/targets/")
    page.click("#target-new")
    page.fill("input[name=text]", "新增公办学位10个")
    page.fill("input[name=measure]", "新增公办学位")
    page.fill("input[name=total]", "10")
    page.fill("input[name=target_year]", "2025")
    page.fill(
        f"input[name=target_{JIA}]", "-6"
    )  # the form's own min=0 stops it (the server's check: test_region_targets)
    page.click("#target-form button[type=submit]")
    assert page.locator(f"input[name=target_{JIA}]:invalid").count() == 1 and page.url.endswith(
        "/targets/new/"
    )
    page.fill(f"input[name=target_{JIA}]", "6")
    page.fill(f"input[name=done_{JIA}]", "4")
    page.fill(f"input[name=target_{YI}]", "3")
    page.fill(f"input[name=done_{YI}]", "3")
    page.click("#target-form button[type=submit]")
    page.wait_for_url(f"**/region/{CITY}/targets/")
    assert "示例县 6（4）；乙县 3（3）" in page.inner_text("#assignments")
    page.goto(f"{region_server}/region/{CITY}/?year=2024")
    assert "各县分解之和 9 少于全市目标 10（相差 1）" in page.inner_text(".mismatch")
    page.locator("details.projection").first.click()  # each county's failing parts open in place
    assert "完整且有值的学年只有 2 个" in page.locator("details.projection").first.inner_text()
