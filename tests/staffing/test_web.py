"""教师编制 pages on the demo county: scoped, red where short, personal data only with the right, logged."""

from __future__ import annotations

import io
import re
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from eduplan.facts import Facts
from tests.web.test_interface_browser import ALLOWED, WORD

ROOT = Path(__file__).resolve().parents[2]
TEACHER_ID = r"\b990101\d{6}\b"  # the demo's anonymous ids


def english(html: str) -> set[str]:
    """English words in the text a reader sees (the site-wide rule of tests/web/test_interface_browser.py)."""
    html = re.sub(r"<(script|style|noscript)[^>]*>.*?</\1>", "", html, flags=re.S)
    html = re.sub(r"<span[^>]*data-user[^>]*>[^<]*</span>", "", html)  # the signed-in user's name is data
    return set(WORD.findall(re.sub(r"<[^>]+>", " ", html))) - ALLOWED


@pytest.fixture
def alice_client(client: Any, alice: Any) -> Any:
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client: Any, bob: Any) -> Any:
    client.force_login(bob)
    return client


@pytest.fixture
def carol_client(client: Any, carol: Any) -> Any:
    client.force_login(carol)
    return client


def trail(event: str, unit: str) -> list[tuple[str, dict[str, Any]]]:
    """(user, details) of the audit trail's events of one kind on one unit, oldest first."""
    from eduplan.web.accounts.models import AuditEvent

    rows = AuditEvent.objects.filter(event=event, unit=unit).order_by("id")
    return [(e.username, e.detail) for e in rows]


def _xml_text(workbook: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return " ".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))


@pytest.mark.db
def test_pages_need_login(client: Any, db: None) -> None:
    for url in ("/staffing/", "/staffing/plan/", "/staffing/school/9901010021/", "/staffing/plan.xlsx"):
        assert client.get(url).status_code == 302


@pytest.mark.db
def test_county_matrix_red_where_short(alice_client: Any, demo_db: Facts) -> None:
    response = alice_client.get("/staffing/", {"unit": "990101", "year": 2024})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="matrix"' in html and "gap-short" in html and "gap-enough" in html
    assert "/staffing/school/9901010021/" in html and "教职工编制" in html and 'id="outlook"' in html
    assert 'id="import-teachers"' in html  # she may change 990101's data
    assert not english(html), english(html)
    assert alice_client.get("/staffing/", {"unit": "999999"}).status_code == 404  # not disclosed


@pytest.mark.db
def test_school_page_shows_teachers_only_with_the_right(
    alice_client: Any, demo_db: Facts, bob: Any, carol: Any
) -> None:
    html = alice_client.get("/staffing/school/9901010021/", {"year": 2025}).content.decode()
    assert 'id="teachers"' in html and re.search(TEACHER_ID, html)
    assert trail("view_personal", "9901010021") == [("alice", {"what": "teachers", "year": 2025})]
    assert not english(html), english(html)
    alice_client.force_login(carol)  # reads the city, but no personal data
    html = alice_client.get("/staffing/school/9901010021/", {"year": 2025}).content.decode()
    assert "个人信息查看权限" in html and not re.search(TEACHER_ID, html)
    assert trail("view_personal", "9901010021") == [("alice", {"what": "teachers", "year": 2025})]
    alice_client.force_login(bob)  # another county's planner: not disclosed
    assert alice_client.get("/staffing/school/9901010021/", {"year": 2025}).status_code == 404
    assert alice_client.get("/staffing/school/0000000000/").status_code == 404


@pytest.mark.db
def test_plan_page_and_its_what_if(alice_client: Any, demo_db: Facts) -> None:
    html = alice_client.get("/staffing/plan/", {"unit": "990101", "year": 2025}).content.decode()
    assert "已求得最优方案（已证明）" in html and 'id="moves"' in html and 'id="balanced"' in html
    assert "目标值" in html and "下界" in html and "手工方法" in html
    assert not english(html), english(html)
    assert trail("view_personal", "990101") == [("alice", {"what": "rotation_plan", "year": 2025})]
    strict = alice_client.get(
        "/staffing/plan/", {"unit": "990101", "year": 2025, "quota_rate": "0.9"}
    ).content.decode()
    assert "规则无法同时满足" in strict and "交流比例：须交流不少于" in strict
    bad = alice_client.get(
        "/staffing/plan/", {"unit": "990101", "year": 2025, "locks": "T1"}
    ).content.decode()
    assert "每行写“教师编号,学校标识码”" in bad
    long = alice_client.get("/staffing/plan/", {"unit": "990101", "year": 2025, "time_limit": "600"})
    assert long.status_code == 200 and "网页上的求解时间上限不超过 60 秒" in long.content.decode()


@pytest.mark.db
def test_readers_see_counts_not_people(carol_client: Any, demo_db: Facts) -> None:
    """The city's supervisor reads the county's plan as counts per school pair, never the teachers."""
    county = carol_client.get("/staffing/", {"unit": "990101", "year": 2024}).content.decode()
    assert 'id="matrix"' in county and 'id="import-teachers"' not in county  # reads, never changes
    html = carol_client.get("/staffing/plan/", {"unit": "990101", "year": 2025}).content.decode()
    assert 'id="pairs"' in html and 'id="moves"' not in html and not re.search(TEACHER_ID, html)
    assert carol_client.get("/staffing/plan.xlsx", {"unit": "990101", "year": 2025}).status_code == 403
    sheet = carol_client.get("/staffing/shortage.xlsx", {"unit": "990101", "year": 2024})
    assert sheet.status_code == 200 and sheet["Content-Disposition"].startswith("attachment")
    assert not re.search(TEACHER_ID, _xml_text(sheet.content))
    assert trail("export", "990101") == [("carol", {"what": "shortage", "year": 2024})]
    assert trail("view_personal", "990101") == trail("export_personal", "990101") == []


@pytest.mark.db
def test_another_county_is_not_disclosed(bob_client: Any, demo_db: Facts) -> None:
    for url in ("/staffing/", "/staffing/plan/", "/staffing/plan.xlsx", "/staffing/shortage.xlsx"):
        assert bob_client.get(url, {"unit": "990101", "year": 2025}).status_code == 404, url
    assert trail("export", "990101") == trail("export_personal", "990101") == []


@pytest.mark.db
def test_plan_workbook_is_logged(alice_client: Any, demo_db: Facts) -> None:
    response = alice_client.get("/staffing/plan.xlsx", {"unit": "990101", "year": 2025})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert re.search(TEACHER_ID, _xml_text(response.content))
    [(user, detail)] = trail("export_personal", "990101")
    assert user == "alice" and detail["what"] == "rotation_plan" and detail["moves"] > 0


@pytest.mark.db
def test_method_page_is_the_docs_text(alice_client: Any) -> None:
    html = alice_client.get("/staffing/method/").content.decode()
    assert "中央编办发〔2014〕72号" in html and "列生成" in html
    assert not english(html), english(html)  # the developer passages stay in the repository


def test_packaged_method_matches_docs() -> None:
    packaged = resources.files("eduplan.staffing").joinpath("method.md").read_text("utf-8")
    assert packaged == (ROOT / "docs/staffing.md").read_text("utf-8")


def test_every_rotation_setting_is_documented() -> None:
    from eduplan.staffing.rules import settings

    text = (ROOT / "docs/staffing.md").read_text("utf-8")
    assert [name for name in settings() if f"`{name}`" not in text] == []


@pytest.mark.browser
def test_what_if_in_the_browser(alice_page: Any) -> None:
    page = alice_page
    base = page.url.rstrip("/")
    page.goto(f"{base}/staffing/plan/?unit=990101&year=2025")
    assert page.locator("#status").inner_text().startswith("已求得最优方案")
    page.locator("#rules summary").click()
    page.fill("#rule-max_km", "2")  # nobody can go that far: the quota cannot be met
    with page.expect_navigation(timeout=60_000):
        page.click("#rules button[type=submit]")
    assert "交流比例" in page.locator("p.binding").first.inner_text()
    assert page.locator("#rule-max_km").input_value() == "2"  # the form keeps the rule it was given
    page.goto(f"{base}/staffing/?unit=990101&year=2024")
    assert page.locator("#matrix td.gap-short").count() > 10
    page.locator("#matrix thead th").last.click()  # sortable


@pytest.mark.db
def test_pages_made_once_per_data_version_follow_a_change(alice_client: Any, demo_db: Facts) -> None:
    # The tables and the plan are kept per data version (eduplan.memo on the version's facts): a second view
    # reads them, a change of the data makes them anew.
    import polars as pl

    from eduplan.store import save_facts

    def staff_cell() -> str:
        html = alice_client.get("/staffing/school/9901010021/", {"year": 2024}).content.decode()
        return html[html.index("教职工编制：") :].split("</p>")[0]

    before = staff_cell()
    assert staff_cell() == before
    changed = Facts.empty()
    changed.school_year = pl.DataFrame({"school": ["9901010021"], "year": [2024], "staff": [987]})
    save_facts(changed)
    after = staff_cell()
    assert "现有教职工 987，" in after and before != after
