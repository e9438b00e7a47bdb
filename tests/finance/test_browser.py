"""The finance pages in real Chromium: alice finds the underfunded schools, downloads them, edits a unit cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_finance_pages_in_browser(alice_page: Page) -> None:
    page = alice_page
    base = page.url.rstrip("/")
    page.click("text=经费")
    page.click("#card-floors")
    page.wait_for_selector("#floors-table")
    assert "所未达标" in page.inner_text("#verdict .n")
    assert page.locator("#floors-table tbody tr.row-fail").count() >= 3
    # Sorting by gap (7th column) twice puts the largest gap on top.
    page.click("#floors-table thead th:nth-child(7)")
    page.click("#floors-table thead th:nth-child(7)")
    gaps = page.locator("#floors-table tbody tr td:nth-child(7)").all_inner_texts()
    numbers = [float(g.replace(",", "")) for g in gaps if g != "—"]
    assert numbers[0] in (max(numbers), min(numbers))
    with page.expect_download() as download:
        page.click("#floors-xlsx")
    assert download.value.suggested_filename.startswith("floors-990101-")
    page.goto(f"{base}/finance/county/")
    assert (
        page.locator("#year-2022 td.fail").count() >= 1
    )  # the demo county's per-student spending falls in 2022
    page.goto(f"{base}/finance/cost/")
    page.fill("input[name=place_senior]", "65000")
    page.click("#unit-cost-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "已保存 1 项" in page.inner_text(".messages")
    assert page.input_value("input[name=place_senior]") == "65000"
