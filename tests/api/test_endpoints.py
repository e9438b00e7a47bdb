"""The API on the tiny county (numbers by hand in tests/conftest.py): the fixed points, the round trip,
masking of personal data, errors, locks, DHIS2, rate limits and the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from eduplan.facts import Facts
from eduplan.store import load_facts
from eduplan.web.accounts.models import Approval, AuditEvent
from eduplan.web.api import tokens
from tests.conftest import ALICE, CAROL, make_user

pytestmark = pytest.mark.db


def client_of(persona: Any = ALICE) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {tokens.create(make_user(persona))}")


def test_fixed_point_indicators_of_990101_in_2024(tiny_db: Facts) -> None:
    response = client_of().get("/api/v1/indicators/", {"unit": "990101", "year": "2024"})
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["results"]}
    assert all({"code", "unit", "year", "value"} <= set(r) for r in rows.values())
    # 大班额: the junior school's 3 grades × 2 classes of 60 are large; 6 of 6 + 6 + 6 = 18 classes.
    large = rows["large_class_share"]
    assert (large["unit"], large["year"], large["numerator"], large["denominator"]) == ("990101", 2024, 6, 18)
    assert large["value"] == pytest.approx(100 * 6 / 18)
    # 小学生师比: (51 + 19) pupils × 6 grades = 420 pupils over 14 + 8 = 22 teachers.
    assert rows["pupil_teacher_ratio_primary"]["value"] == pytest.approx(420 / 22)
    assert (
        rows["vocational_employment_rate"]["value"] is None and rows["vocational_employment_rate"]["reason"]
    )


def test_explanation_of_a_value(tiny_db: Facts) -> None:
    client = client_of()
    query = {"unit": "990101", "year": "2024", "indicator": "pupil_teacher_ratio_primary"}
    found = client.get("/api/v1/explanations/", query).json()
    assert (found["numerator"], found["denominator"]) == (420, 22) and "小学" in found["text"]
    assert {i["side"] for i in found["inputs"]} == {"numerator", "denominator"}
    assert client.get("/api/v1/explanations/", {**query, "indicator": "nope"}).status_code == 404
    assert client.get("/api/v1/explanations/", {"unit": "990101"}).status_code == 400


def test_get_then_put_the_same_rows_changes_nothing(tiny_db: Facts) -> None:
    client = client_of()
    for table in ("school_year", "grade_year", "stage_year", "births", "reported"):
        url = f"/api/v1/statistics/{table}/"
        rows = client.get(url, {"unit": "990101", "page_size": "1000"}).json()["results"]
        assert rows, table
        before = load_facts("990101").frames()
        answer = client.put(url, json.dumps(rows), content_type="application/json").json()
        assert (answer["created"], answer["updated"], answer["unchanged"]) == (0, 0, len(rows)), table
        assert answer["batch"] is None  # nothing changed: no entry in the import history either
        after = load_facts("990101").frames()
        assert all(after[n].equals(before[n]) for n in before), table


def test_principal_age_is_shown_to_the_county_and_audited_masked_for_the_city(tiny_db: Facts) -> None:
    from eduplan.store import save_facts

    facts = Facts.empty()
    facts.school_year = tiny_db.school_year.head(1).with_columns(principal_age=__import__("polars").lit(44))
    save_facts(facts)
    school = facts.school_year["school"][0]
    url = "/api/v1/statistics/school_year/"
    query = {"unit": school, "year": str(facts.school_year["year"][0])}
    assert client_of(ALICE).get(url, query).json()["results"][0]["principal_age"] == 44
    assert AuditEvent.objects.filter(event="api.personal", username="alice").count() == 1
    assert client_of(CAROL).get(url, query).json()["results"][0]["principal_age"] is None
    assert not AuditEvent.objects.filter(event="api.personal", username="carol").exists()


def test_bad_rows_are_refused_whole_with_field_index_value_and_expectation(tiny_db: Facts) -> None:
    client = client_of()
    rows = [{"school": "1399010001", "year": 2024, "teachers": 15},
            {"school": "1399010001", "year": 2024, "teachers": -1, "staff": "多"},
            {"school": "1399010002", "year": None}]  # fmt: skip
    before = load_facts("990101").school_year
    response = client.put(
        "/api/v1/statistics/school_year/", json.dumps(rows), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "未写入任何数据" in body["message"]
    found = {(p["index"], p["field"], p["value"]) for p in body["problems"]}
    assert {(1, "teachers", "-1"), (1, "staff", "多")} <= found
    teachers = next(p for p in body["problems"] if p["field"] == "teachers")
    assert teachers["message"] == "第 2 行 专任教师数（teachers）：值为“-1”，要求：" + teachers["expected"]
    assert any(p["index"] == 2 and p["field"] == "year" for p in body["problems"])  # a required field
    # A school that does not exist is refused like another county's: the answer tells nothing of either.
    unknown = client.put("/api/v1/statistics/school_year/", json.dumps([{"school": "1399019999", "year": 2024}]),
                         content_type="application/json")  # fmt: skip
    assert (unknown.status_code, unknown.json()["message"]) == (404, "没有这个单位，或无权查看：1399019999")
    assert load_facts("990101").school_year.equals(before)
    for body_text, why in (("{", "JSON"), ('{"a": 1}', "JSON 数组"), ('[{"nope": 1}]', "没有字段")):
        answer = client.put("/api/v1/statistics/school_year/", body_text, content_type="application/json")
        assert answer.status_code == 400 and why in json.dumps(answer.json(), ensure_ascii=False)
        assert "Traceback" not in answer.content.decode()


def test_approved_data_is_locked_409(tiny_db: Facts) -> None:
    Approval.objects.create(unit="990101", year=2024, state="approved", changed_by="alice")
    row = [{"school": "1399010001", "year": 2024, "teachers": 15}]
    response = client_of().put(
        "/api/v1/statistics/school_year/", json.dumps(row), content_type="application/json"
    )
    assert response.status_code == 409 and "审核锁定" in response.json()["message"]
    assert load_facts("990101").school_year.filter(school="1399010001", year=2024)["teachers"].item() == 14


def test_dhis2_export_and_import_round_trip(tiny_db: Facts) -> None:
    client = client_of()
    exported = client.get("/api/v1/dataValueSets/", {"unit": "990101", "year": "2024",
                                                     "indicator": "large_class_share"}).json()  # fmt: skip
    county = next(v for v in exported["dataValues"] if v["orgUnit"] == "990101")
    assert float(county.pop("value")) == pytest.approx(100 * 6 / 18)  # text, as DHIS2 writes values
    assert county == {"dataElement": "large_class_share", "period": "2024Sep", "orgUnit": "990101",
                      "comment": "分子 6，分母 18"}  # fmt: skip
    body = {"dataValues": [{"dataElement": "vocational_employment_rate", "period": "2024Sep",
                            "orgUnit": "990101", "value": "91.5"}]}  # fmt: skip
    first = client.post("/api/v1/dataValueSets/", json.dumps(body), content_type="application/json").json()
    again = client.post("/api/v1/dataValueSets/", json.dumps(body), content_type="application/json").json()
    assert first["status"] == "SUCCESS" and first["importCount"]["imported"] == 1
    assert again["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
    value = client.get("/api/v1/indicators/", {"unit": "990101", "year": "2024",
                                                "indicator": "vocational_employment_rate"}).json()  # fmt: skip
    assert value["results"][0]["value"] == 91.5


def test_rate_limit_per_token_answers_429_in_chinese(tiny_db: Facts, settings: Any) -> None:
    settings.EDUPLAN_API_RATE = 2
    cache.clear()
    client, other = client_of(), client_of(CAROL)
    statuses = [client.get("/api/v1/units/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "调用过于频繁" in client.get("/api/v1/units/").json()["message"]
    assert other.get("/api/v1/units/").status_code == 200  # another token has its own budget
    cache.clear()


def test_pages_of_results(tiny_db: Facts) -> None:
    client = client_of()
    first = client.get("/api/v1/statistics/grade_year/", {"unit": "990101", "page_size": "5"}).json()
    assert first["count"] == 2 * (6 + 3 + 6) and len(first["results"]) == 5 and "page=2" in first["next"]
    assert client.get("/api/v1/statistics/grade_year/", {"page": "99"}).status_code == 404


def test_openapi_document_is_open_and_in_chinese(db: None) -> None:
    response = Client().get(reverse("api:openapi"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.") and "/api/v1/indicators/" in schema["paths"]
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations and all(any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]) for op in operations)
    assert (
        schema["components"]["schemas"]["SchoolYear"]["properties"]["teachers"]["description"] == "专任教师数"
    )
    docs = Client().get(reverse("api:docs")).content.decode()
    # The page people read: every operation's summary, the row fields' Chinese labels; nothing from outside.
    assert all(op["summary"] in docs for op in operations) and "专任教师数" in docs
    assert "https://" not in docs and "cdn" not in docs.lower()


def test_no_token_or_a_bad_one_is_401_and_audited(db: None) -> None:
    assert Client().get("/api/v1/units/").status_code == 401
    bad = Client(HTTP_AUTHORIZATION="Token edp_nope").get("/api/v1/units/")
    assert bad.status_code == 401 and bad.json()["message"] == "令牌无效、已过期或已吊销"
    assert AuditEvent.objects.filter(event="api.unauthenticated").count() == 2
