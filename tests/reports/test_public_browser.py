"""The public page in real headless Chromium, without signing in: Chinese renders, it fits a phone, it prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eduplan.demo import DEMO_COUNTY
from tests.monitoring.test_dashboard_browser import GLYPH_PIXELS

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.db]


@pytest.fixture
def public_url(demo_server: str) -> str:
    from eduplan.web.plans.plan_io import load_demo_plan

    load_demo_plan(DEMO_COUNTY)
    return f"{demo_server}/public/{DEMO_COUNTY}/"


def test_public_page_without_login(page: Page, public_url: str) -> None:
    page.goto(public_url)
    assert page.url == public_url  # no detour through the login page
    assert page.locator("h1").inner_text() == "示例县教育规划实施进展"
    assert page.locator("article.target").count() == 13
    zhong, guo, private = (page.evaluate(GLYPH_PIXELS, [ch]) for ch in ("中", "国", "\ue000"))
    assert zhong != guo and zhong != private, "页面缺少中文字体（豆腐块）"
    # A phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Print: no coloured banner, the cards kept whole.
    page.emulate_media(media="print")
    banner = page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor")
    assert banner in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.evaluate("getComputedStyle(document.querySelector('.target')).breakInside") == "avoid"
