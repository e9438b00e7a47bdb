"""The dashboard in real headless Chromium: log in, overview, a target, the Excel download; Chinese renders."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from tests.conftest import ALICE, login

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.db]


@pytest.fixture
def plan_server(demo_server: str) -> str:
    from eduplan.web.plans.plan_io import load_demo_plan

    load_demo_plan("990101")
    return demo_server


def test_overview_target_and_excel(page: Page, plan_server: str, tmp_path: Path) -> None:
    login(page, plan_server, ALICE)
    page.goto(f"{plan_server}/plans/")
    assert page.locator("h1").inner_text().startswith("南雄市教育事业")
    counts = page.locator("#status-counts .card .n").all_inner_texts()
    assert sum(int(n) for n in counts) == 13  # the demo plan's 13 targets, each in exactly one status

    page.click("text=目标一览")
    page.wait_for_url("**/plans/targets/**")
    page.click("#targets >> text=学生体质健康优良率")
    page.wait_for_selector(".chart svg")
    assert "里程碑轨迹" in (page.locator(".chart svg").text_content() or "")
    assert page.locator("#target-status").is_visible()

    page.go_back()
    with page.expect_download() as info:
        page.click("#excel")
    saved = tmp_path / "targets.xlsx"
    info.value.save_as(saved)
    sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "学生体质健康优良率" in names and len(names) == 13


# Draw one glyph on a canvas in the page's own heading font and return its pixels. A missing CJK font draws the
# same .notdef box (tofu) for every character, so two different Chinese characters would give identical pixels,
# and they would also equal a private-use character that no font has.
GLYPH_PIXELS = """([ch]) => {
  const font = getComputedStyle(document.querySelector('h1')).font;
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const g = c.getContext('2d'); g.font = font.replace(/\\d+(\\.\\d+)?px/, '40px'); g.fillStyle = '#000';
  g.fillText(ch, 4, 48);
  return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3)).join(',');
}"""


def test_chinese_renders_without_tofu(page: Page, plan_server: str, tmp_path: Path) -> None:
    login(page, plan_server, ALICE)
    page.goto(f"{plan_server}/plans/")
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    zhong, guo, private = (page.evaluate(GLYPH_PIXELS, [ch]) for ch in ("中", "国", "\ue000"))
    assert zhong != guo, "两个不同汉字画出的像素相同：页面缺少中文字体（豆腐块）"
    assert zhong != private and guo != private
    # The heading's rendered width is that of real glyphs: 1 em per Chinese character, not zero.
    box = page.locator("#status-counts .card").first.bounding_box()
    assert box is not None and box["width"] > 0
