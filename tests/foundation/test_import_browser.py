"""数据导入 in real Chromium: alice uploads a school's official workbook, reads the preview, confirms, undoes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.foundation.test_import_pages import KINDERGARTEN

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_upload_preview_confirm_and_undo(alice_page: Page) -> None:
    page = alice_page
    page.click("text=数据导入")
    page.set_input_files("#upload input[type=file]", str(KINDERGARTEN))
    page.click("text=上传并预览")
    expect(page.locator("#changes")).to_contain_text("学校分年级统计")
    expect(page.locator("#notices")).to_contain_text("已跳过")
    page.click("#confirm")
    expect(page.locator(".messages")).to_contain_text("导入完成：新增 6 行")
    row = page.locator("#history tbody tr").first
    expect(row).to_contain_text(KINDERGARTEN.name)
    row.locator("button", has_text="撤销").click()
    expect(page.locator(".messages")).to_contain_text("次导入：")
    expect(page.locator("#history tbody tr").first).to_contain_text("撤销")
