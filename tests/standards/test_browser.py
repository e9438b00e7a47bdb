"""The 优质均衡 page in real Chromium: alice sees the verdict, sorts schools, downloads the to-do list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_balanced_page_in_browser(alice_page: Page) -> None:
    page = alice_page
    base = page.url.rstrip("/")
    page.goto(f"{base}/standards/")
    page.click("#card-balanced")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#verdict .n") in ("达标", "未达标")
    assert page.locator("#schools-primary tbody tr.row-fail").count() > 0
    assert page.locator("svg").count() >= 2  # one CV chart per stage (+ history)
    # Sorting by school code descending puts the largest code first.
    codes = page.locator("#schools-primary tbody tr td:first-child").all_inner_texts()
    page.click("#schools-primary thead th:first-child")
    page.click("#schools-primary thead th:first-child")
    first = page.locator("#schools-primary tbody tr td:first-child").first.inner_text()
    assert first in (max(codes), min(codes))
    with page.expect_download() as download:
        page.click("#todo-xlsx")
    assert download.value.suggested_filename.startswith("todo-990101-")
