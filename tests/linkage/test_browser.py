"""A planner works the 控辍保学 pages in a real browser: the list, unmasking, a case, a review answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from eduplan.facts import Facts
from eduplan.linkage.synthetic import Places, generate
from eduplan.web.linkage.models import Decision, Pair

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_list_case_and_review(alice_page: Page, demo_facts: Facts) -> None:
    from eduplan.web.linkage.store import run_linkage, save_registers

    made = generate(Places.from_frames(demo_facts.org_units, demo_facts.schools, "990101"), 2025, 800, seed=3)
    save_registers({"household": made.household, "enrolment": made.enrolment, "situation": made.situation})
    run = run_linkage("990101", 2025)
    pair = Pair.objects.filter(run=run, side="household").first()
    assert pair is not None
    pair.band = "review"
    pair.save()
    page = alice_page
    base = page.url.rstrip("/")
    page.goto(f"{base}/linkage/?unit=990101&year=2025")
    expect(page.locator("h1")).to_contain_text("控辍保学")
    page.get_by_role("link", name="疑似失学辍学名单").click()
    rows = page.locator("#suspects tbody tr")
    expect(rows.first).to_be_visible()
    masked = rows.first.locator("td").nth(1).inner_text()
    assert "*" in masked
    page.locator("#show-personal").click()
    expect(page.get_by_role("link", name="隐藏个人信息")).to_be_visible()
    assert "*" not in page.locator("#suspects tbody tr").first.locator("td").nth(1).inner_text()
    page.locator("#suspects tbody tr").first.locator("td a").last.click()
    page.fill("input[name=note]", "已电话联系家长，约定入户")
    page.click("#case-form button[type=submit]")
    expect(page.locator("#notes")).to_contain_text("已电话联系家长")
    page.goto(f"{base}/linkage/review/{pair.pk}/")
    expect(page.locator("#pair")).to_contain_text(pair.left_id)
    page.click("#same-yes")
    expect(page.locator(".messages")).to_contain_text("已记录")
    assert Decision.objects.get(left_id=pair.left_id, right_id=pair.right_id).same
