"""The interface as a user meets it, in real Chromium: every page reachable from the home page is in Chinese
(no English identifier, internal code or file name outside /admin/), pages fit a 390-pixel phone with a
collapsing menu, print without the chrome, and errors come as Chinese pages with the site's navigation."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.db]

# Words a Chinese user is expected to read: the product's name, file formats one downloads or uploads, the
# national standards' prefix (GB 50099), encodings named on the upload form. Single letters are symbols in
# formulas (R, s, k, z) and pass.
ALLOWED = {"eduplan", "Excel", "CSV", "PDF", "Word", "GB", "UTF-8", "GB18030", "docx", "pdf", "html", "txt", "xlsx",
           "csv", "xls"}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]")
# /api/: the API's documentation and token pages name the machine interface itself (paths, field names,
# token prefixes); their prose is Chinese (tests/api/test_endpoints.py).
SKIP = ("/admin/", "/accounts/logout", "format=", ".xlsx", ".csv", "/static/", "/api/")
PER_SHAPE = 2


def shape(url: str) -> str:
    """Pages of one template: digits and catalogue codes in the path replaced, query reduced to its keys."""
    u = urlparse(url)
    path = re.sub(r"^/indicators/(?!quality/)[^/]+/", "/indicators/<代码>/", u.path)
    path = re.sub(r"\d+", "#", path)
    return path + "?" + ",".join(sorted({k for k, _ in parse_qsl(u.query)}))


def english_words(page: Any) -> set[str]:
    """ASCII words in the page's visible text, the signed-in user's name left out (it is data, not interface)."""
    text = page.evaluate(
        "() => { const c = document.body.cloneNode(true); c.querySelectorAll('[data-user], noscript, script, style').forEach(e => e.remove());"
        " return c.innerText; }"
    )
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def test_every_page_reachable_from_home_is_in_chinese(alice_page: Any) -> None:
    from eduplan.web.plans.plan_io import load_demo_plan

    load_demo_plan("990101")  # the plan pages too (the demo server holds the county's statistics)
    page = alice_page
    base = page.url.rstrip("/")
    queue, seen, shapes = [f"{base}/"], set(), {}
    found: dict[str, str] = {}
    failed: list[str] = []
    while queue:
        url = queue.pop(0)
        key = shape(url)
        if url in seen or shapes.get(key, 0) >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[key] = shapes.get(key, 0) + 1
        response = page.goto(url)
        if response is None or response.status != 200:
            failed.append(f"{url}: {None if response is None else response.status}")
            continue
        for word in english_words(page):
            found.setdefault(word, url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            full = urljoin(url, href).split("#")[0]
            if full.startswith(base) and not any(s in full for s in SKIP):
                queue.append(full)
    assert len(seen) >= 35, sorted(seen)  # the walk reached every area
    assert not failed, failed
    assert not found, "\n".join(f"{w}  ({u})" for w, u in sorted(found.items()))


PHONE_PAGES = (
    "/",
    "/indicators/",
    "/indicators/quality/",
    "/plans/targets/",
    "/standards/balanced/",
    "/standards/preschool/",
    "/forecast/?horizon=3",
)


def test_pages_fit_a_phone_with_a_collapsing_menu(browser: Any, demo_server: str) -> None:
    from tests.conftest import ALICE, login

    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(30_000)
    page = context.new_page()
    login(page, demo_server, ALICE)
    for path in PHONE_PAGES:
        page.goto(f"{demo_server}{path}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide"
        assert not page.is_visible("#site-nav"), path
    # The menu opens from its button; a wide table scrolls inside its own box, not the page.
    page.click("#menu-button")
    assert page.is_visible("#site-nav") and page.is_visible("#site-nav >> text=督导评估")
    page.goto(f"{demo_server}/")
    table = page.locator("#schools")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()


def test_print_leaves_out_the_menu_and_forms(alice_page: Any) -> None:
    page = alice_page
    base = page.url.rstrip("/")
    page.goto(f"{base}/standards/preschool/")
    page.emulate_media(media="print")
    assert not page.is_visible("header.top") and not page.is_visible("form.toolbar")
    assert page.is_visible("#verdict")
    page.emulate_media(media="screen")
    assert page.is_visible("header.top")


def test_a_missing_page_is_a_chinese_404_with_navigation(alice_page: Any) -> None:
    page = alice_page
    base = page.url.rstrip("/")
    response = page.goto(f"{base}/nowhere/")
    assert response is not None and response.status == 404
    assert page.inner_text("h1") == "页面不存在"
    assert page.is_visible("#site-nav >> text=学位预测")
    page.goto(f"{base}/forecast/zone/?zone=月亮学区")
    assert "没有这个学区" in page.inner_text("#error-message")
