"""The finance pages through Django's test client: scoped, audited downloads, unit costs edited by staff only."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from eduplan.store import save_facts
from eduplan.web.accounts.models import AuditEvent
from eduplan.web.finance.models import UnitCost

from .builders import COUNTY, RURAL_JUNIOR, RURAL_PRIMARY, small_county

pytestmark = pytest.mark.db


@pytest.fixture
def county(db: None) -> None:
    save_facts(small_county())


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_pages_require_login(county: None) -> None:
    for path in ("/finance/", "/finance/floors/", "/finance/floors.xlsx", "/finance/cost/unit-costs/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overview_and_floors_page(county: None, carol: object) -> None:
    client = _client(carol)
    index = client.get("/finance/").content.decode()
    assert "2 所未达标" in index and "1 所未报拨付数" in index
    html = client.get(f"/finance/floors/?unit={COUNTY}&year=2024").content.decode()
    assert f'id="school-{RURAL_PRIMARY}"' in html and 'class="row-fail"' in html
    assert "99,464.20" in html and "9,464.20" in html and "不足 100 人按 100 人核定（实有 63 人）" in html
    assert "全国 → 示例省 → 示例县" in html and "无法评估" in html
    assert client.get(f"/finance/floors/?unit={COUNTY}&year=2023").status_code == 200


def test_a_unit_outside_the_users_counties_is_not_found(county: None, carol: object, bob: object) -> None:
    assert _client(carol).get("/finance/floors/?unit=110101").status_code == 404
    assert _client(bob).get(f"/finance/floors/?unit={COUNTY}").status_code == 404  # another county's


def test_floors_export_is_the_todo_list_and_is_audited(county: None, carol: object) -> None:
    response = _client(carol).get(f"/finance/floors.xlsx?unit={COUNTY}&year=2024")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"floors-{COUNTY}-2024.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content))["整改清单"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:3]] == [RURAL_JUNIOR, RURAL_PRIMARY]
    assert AuditEvent.objects.filter(event="export", username="carol", unit=COUNTY).exists()


def test_county_page_and_export(county: None, carol: object) -> None:
    client = _client(carol)
    html = client.get(f"/finance/county/?unit={COUNTY}").content.decode()
    assert 'id="year-2024"' in html and "否（上年 110.0）" in html and "国办发〔2018〕82号" in html
    book = load_workbook(io.BytesIO(client.get(f"/finance/county.xlsx?unit={COUNTY}").content))
    rows = list(book["两个只增不减"].iter_rows(values_only=True))
    assert rows[3][:5] == (COUNTY, 2024, 105, 110, "否") and rows[3][-1] == "未达标"


def test_cost_page_and_export(county: None, carol: object) -> None:
    client = _client(carol)
    html = client.get(f"/finance/cost/?unit={COUNTY}").content.decode()
    assert "单位成本" in html and 'name="place_primary"' not in html  # carol reads, never edits
    book = load_workbook(io.BytesIO(client.get(f"/finance/cost.xlsx?unit={COUNTY}").content))
    assert book.sheetnames == ["投入测算", "项目预算", "单位成本", "公用经费需求"]


def test_staff_edit_unit_costs_others_may_not(county: None, alice: object, carol: object) -> None:
    client = _client(alice)
    assert 'name="place_primary"' in client.get(f"/finance/cost/?unit={COUNTY}").content.decode()
    url = f"/finance/cost/unit-costs/?unit={COUNTY}"
    assert client.post(url, {"place_primary": "四万", "classroom": "-1"}).status_code == 302
    assert not UnitCost.objects.exists()  # nothing saved when a figure is wrong
    page = client.get(f"/finance/cost/?unit={COUNTY}").content.decode()
    assert "新增小学学位：“四万”不是数字" in page
    client.post(url, {"place_primary": "45,000", "teacher": "120000"})
    saved = UnitCost.objects.get()
    assert (saved.county, saved.key, saved.value, saved.changed_by) == (
        COUNTY,
        "place_primary",
        45_000,
        alice,
    )
    assert AuditEvent.objects.filter(event="edit", username="alice", unit=COUNTY).exists()
    assert "本县修改（alice" in client.get(f"/finance/cost/?unit={COUNTY}").content.decode()
    client.post(url, {"reset": "place_primary"})
    assert not UnitCost.objects.exists()
    assert _client(carol).post(url, {"place_primary": "1"}).status_code == 403


def test_method_page(carol: object) -> None:
    html = _client(carol).get("/finance/method/").content.decode()
    assert "国发〔2015〕67号" in html and "<table>" in html
