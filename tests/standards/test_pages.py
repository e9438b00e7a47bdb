"""The standards pages through Django's test client: verdict, coloured schools, to-do export, entries."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from eduplan.store import save_facts
from eduplan.web.standards.models import EnteredItem

from .builders import COUNTY, JUNIOR_OK, PRIMARY_OK, YEAR, CountyBuilder, scaled, school_code

pytestmark = pytest.mark.db


@pytest.fixture
def county(db: None) -> None:
    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, area_sports=0.84))
    b.school(school_code(3), "junior", 300, JUNIOR_OK)
    b.school(school_code(1), "primary", 500, PRIMARY_OK, year=YEAR - 1)
    save_facts(b.build())


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_pages_require_login(county: None) -> None:
    response = Client().get("/standards/balanced/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_balanced_page_shows_verdict_schools_chart_and_todo(county: None, carol: object) -> None:
    html = _client(carol).get(f"/standards/balanced/?unit={COUNTY}&year={YEAR}").content.decode()
    assert '<div class="n fail">未达标</div>' in html
    assert 'class="row-fail"' in html and 'class="row-pass"' in html
    assert "<svg" in html and "限值 0.50" in html
    assert "体育运动场馆" in html and "37.5" in html  # the to-do: 37.5 m² at school 2
    assert "历年结论" in html and f"{YEAR - 1}-{YEAR}" in html
    assert 'name="evidence"' not in html  # carol reads only


def test_todo_exports_excel(county: None, carol: object) -> None:
    response = _client(carol).get(f"/standards/balanced/todo.xlsx?unit={COUNTY}&year={YEAR}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content))["整改清单"].iter_rows(values_only=True))
    assert rows[1][0] == school_code(2) and rows[1][5] == 37.5


def test_staff_enters_an_item_with_evidence(county: None, alice: object, bob: object, carol: object) -> None:
    client = _client(alice)
    page = client.get(f"/standards/balanced/?unit={COUNTY}&year={YEAR}").content.decode()
    assert 'name="evidence"' in page
    form = {
        "unit": COUNTY,
        "year": str(YEAR),
        "item": "curriculum",
        "passed": "yes",
        "evidence": "课程督导报告",
    }
    assert client.post("/standards/balanced/entry/", {**form, "evidence": " "}).status_code == 302
    assert not EnteredItem.objects.exists()  # evidence is required
    client.post("/standards/balanced/entry/", form)
    entry = EnteredItem.objects.get()
    assert (entry.item, entry.passed, entry.entered_by) == ("curriculum", True, alice)
    assert _client(carol).post("/standards/balanced/entry/", form).status_code == 403  # reads, never edits
    assert _client(bob).post("/standards/balanced/entry/", form).status_code == 404  # another county's


def test_index_preschool_and_method_pages(county: None, carol: object) -> None:
    client = _client(carol)
    index = client.get(f"/standards/?unit={COUNTY}").content.decode()
    assert "优质均衡" in index and "普及普惠" in index
    assert client.get(f"/standards/basic/?unit={COUNTY}&year={YEAR}").status_code == 200
    assert client.get(f"/standards/preschool/?unit={COUNTY}&year={YEAR}").status_code == 200
    method = client.get("/standards/method/").content.decode()
    assert "<table>" in method and "教督〔2017〕6号" in method
    assert client.get("/standards/nonsense/").status_code == 404


def test_demo_county_pages_render(demo_db: object, carol: object) -> None:
    client = _client(carol)
    for kind in ("balanced", "basic", "preschool"):
        response = client.get(f"/standards/{kind}/?unit=990101&year=2024")
        assert response.status_code == 200, kind
        assert "结论" in response.content.decode()
