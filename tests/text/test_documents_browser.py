"""The documents page in real Chromium: alice uploads a plan, sees its statements highlighted, accepts one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.db]

PLAN = (
    "某县教育事业“十四五”发展规划\n二、主要目标\n到2025年，学前三年毛入园率巩固在96%以上，新增学位3000个。\n"
)


def test_upload_highlight_accept(alice_page: Page, tmp_path: Path) -> None:
    page = alice_page
    base = page.url.rstrip("/")
    path = tmp_path / "县规划.txt"
    path.write_bytes(PLAN.encode("gb18030"))
    page.goto(f"{base}/documents/")
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=region_code]", "990101")
    page.click("form.entry button[type=submit]")
    page.wait_for_selector("#statements")
    assert page.locator("pre.doc-text mark.statement").count() == 2
    assert page.inner_text("#s0") == "96%以上"
    page.click("#row0 button[value=accept]")
    page.wait_for_selector("ul.messages li")
    assert "已接受为目标" in page.inner_text("ul.messages")
    assert "修改目标" in page.inner_text("#row0")
