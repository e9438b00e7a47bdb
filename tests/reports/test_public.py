"""The public progress pages: reachable without login, aggregate only, cacheable; `eduplan publish` writes the same."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from eduplan.cli import main
from eduplan.demo import DEMO_COUNTY
from eduplan.facts import Facts
from eduplan.web.access import is_public

pytestmark = pytest.mark.db
# 18-digit 身份证号 and 11-digit mobile numbers: no public page may carry anything shaped like them.
PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")


def public_urls() -> list[str]:
    """Every URL pattern whose view is marked public, with the demo county filled in."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and is_public(p.callback):
                found.append("/" + re.sub(r"<[^>]+>", DEMO_COUNTY, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_public_urls_are_exactly_the_public_pages() -> None:
    # and the API's description (issue 20: the OpenAPI document needs no token), which carries no data
    assert public_urls() == ["/public/", f"/public/{DEMO_COUNTY}/", "/api/v1/openapi.json", "/api/v1/docs/"]


def test_every_public_url_answers_without_a_session_and_shows_no_school(plan: Any, demo_db: Facts) -> None:
    schools = demo_db.schools["name"].to_list() + demo_db.schools["code"].to_list()
    for url in public_urls():
        response = Client().get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not PERSONAL.search(html), url
        shown = [s for s in schools if s in html]
        assert not shown, f"{url} shows school-level data: {shown[:3]}"


def test_county_page_content_and_caching(plan: Any) -> None:
    client = Client()
    response = client.get(f"/public/{DEMO_COUNTY}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<article class="target"') == plan.targets.count() == 13
    assert html.count("<svg") == 13  # a chart for each target, drawn on the server
    assert "数据截至2025学年（" in html and "义务教育优质均衡发展：" in html and "学前教育普及普惠：" in html
    assert not re.search(r"(src|href)=\"(https?:)?//|url\(", html)  # nothing fetched from elsewhere
    assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    again = client.get(f"/public/{DEMO_COUNTY}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(f"/public/{DEMO_COUNTY}/?year=2024").content.decode().count("数据截至2024学年") == 1
    assert client.get(f"/public/{DEMO_COUNTY}/?year=²").status_code == 200  # "²".isdigit(), yet no number


def test_school_tables_only_when_allowed(plan: Any, demo_db: Facts) -> None:
    with override_settings(PUBLIC_SCHOOL_TABLES=True):
        html = Client().get(f"/public/{DEMO_COUNTY}/").content.decode()
    primary = demo_db.schools.filter(demo_db.schools["school_type"] == "primary")["name"][0]
    assert 'id="schools"' in html and primary in html and "本页只公布全县汇总数据" not in html
    assert not PERSONAL.search(html)


def test_unknown_or_draft_plans_are_not_published(plan: Any) -> None:
    assert Client().get("/public/990199/").status_code == 404
    plan.status = "draft"
    plan.save()
    assert Client().get(f"/public/{DEMO_COUNTY}/").status_code == 404
    assert DEMO_COUNTY not in Client().get("/public/").content.decode()


def test_publish_writes_the_same_page_as_static_files(plan: Any, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert main(["publish", "--unit", DEMO_COUNTY, "--out", str(out)]) == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    css = re.findall(r'href="([^"]+\.css)"', html)
    assert css == ["assets/eduplan/public.css"] and (out / css[0]).is_file()
    web = Client().get(f"/public/{DEMO_COUNTY}/").content.decode()
    assert html == web.replace('href="/static/', 'href="assets/')
    assert main(["publish", "--unit", "990199", "--out", str(tmp_path / "none")]) == 1
