"""Indicator pages on the demo county: list, one indicator with chart and downloads, comparison, quality."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from eduplan.facts import Facts
from tests.conftest import ALICE, login

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def alice_client(demo_db: Facts, alice: object) -> Client:
    client = Client()
    assert client.login(username=ALICE.username, password=ALICE.password)
    return client


@pytest.mark.db
def test_pages_need_login(db: None) -> None:
    for url in ("/indicators/", "/indicators/preschool_ger/", "/indicators/quality/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.db
def test_index_lists_every_indicator_with_explanation(alice_client: Client) -> None:
    page = alice_client.get("/indicators/?year=2020").content.decode()
    assert "示例县（990101）指标 · 2020 学年" in page
    assert "学前三年毛入园率" in page and "公式：在园幼儿数 ÷ 3—5周岁常住人口 × 100" in page
    assert "教督〔2017〕6号" in page and 'class="sortable"' in page


@pytest.mark.db
def test_indicator_page_chart_table_explanation(alice_client: Client) -> None:
    page = alice_client.get("/indicators/large_class_share/?unit=990101").content.decode()
    assert "<svg" in page and "义务教育大班额比例" in page
    assert 'id="series"' in page and 'id="explanation"' in page and "分母项" in page
    assert "format=csv" in page and "format=xlsx" in page


@pytest.mark.db
def test_downloads(alice_client: Client) -> None:
    csv = alice_client.get("/indicators/preschool_ger/?unit=990101&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "单位代码,单位名称,学年,数值,分子,分母,缺失原因"
    assert len(text.splitlines()) == 15  # header + 2012–2025 (demo enrollment and population start 2012)
    xlsx = alice_client.get("/indicators/preschool_ger/?unit=990101&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.cell(1, 1).value == "单位代码" and sheet.cell(2, 1).value == "990101"


@pytest.mark.db
def test_compare_townships_and_schools(alice_client: Client) -> None:
    page = alice_client.get("/indicators/pupil_teacher_ratio_primary/compare/?year=2020").content.decode()
    assert 'id="townships"' in page and 'id="schools"' in page and "<svg" in page


@pytest.mark.db
def test_unknown_indicator_is_404(alice_client: Client) -> None:
    assert alice_client.get("/indicators/no_such_thing/").status_code == 404


@pytest.mark.db
def test_quality_page(alice_client: Client) -> None:
    page = alice_client.get("/indicators/quality/").content.decode()
    assert 'id="findings"' in page and 'id="completeness"' in page and "稳健 z 分数" in page


@pytest.mark.browser
def test_alice_sorts_indicators_and_opens_an_explanation(demo_server: str, page: Page) -> None:
    login(page, demo_server, ALICE)
    page.goto(f"{demo_server}/indicators/?year=2020")
    row = page.locator("#indicators tbody tr", has_text="学前三年毛入园率").first
    row.locator("summary").click()
    assert row.locator("details").get_attribute("open") is not None
    assert "3—5周岁常住人口" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_selector("#explanation")
    assert page.locator(".chart svg").count() == 1
