"""Roles, approval locks, the audit trail, sign-in rules and bad input, through the pages and the store."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eduplan.errors import DataError
from eduplan.facts import Facts
from tests.conftest import ALICE, AUDITOR, BOB, CAROL, DAVE, make_user

pytestmark = pytest.mark.db
WEB = Path(__file__).resolve().parents[2] / "src" / "eduplan" / "web"


def _client(persona: Any) -> Client:
    client = Client()
    client.force_login(make_user(persona))
    return client


def _document(region: str = "990101") -> Any:
    from eduplan.text.statements import extract
    from eduplan.web.documents import review
    from eduplan.web.documents.models import Document

    raw = "示例县教育事业发展规划\n二、主要目标\n到2025年，学前三年毛入园率达到96%以上，小学巩固率达到99%。\n"
    return Document.objects.create(name="plan.txt", raw=raw, region_code=region,
                                   extraction=review.snapshot(extract(raw, "plan.txt")))  # fmt: skip


# ---------------------------------------------------------------------------------------------- the two bugs


def test_a_reader_cannot_accept_statements_into_a_plan(tiny_db: Facts) -> None:
    from eduplan.web.plans.models import Target

    doc = _document()
    response = _client(CAROL).post(f"/documents/{doc.pk}/statements/0/", {"action": "accept"})
    assert response.status_code == 403  # carol reads 990101 but may not change its plans
    assert Target.objects.count() == 0


def test_rejecting_on_another_document_never_deletes_a_target(tiny_db: Facts) -> None:
    from eduplan.web.documents import review
    from eduplan.web.documents.models import Decision
    from eduplan.web.plans.models import Target

    doc = _document()
    target = review.accept(doc, review.stored(doc), 0)
    # bob (990102) cannot even see the document: 404, and alice's target stays
    assert _client(BOB).post(f"/documents/{doc.pk}/statements/0/", {"action": "reject"}).status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()
    # a decision of another document pointing at that target (as an edited row could) leaves it alone
    other = _document("990101")
    Decision.objects.create(document=other, index=0, accepted=True, target=target)
    review.reject(other, 0)
    assert Target.objects.filter(pk=target.pk).exists()
    review.reject(doc, 0)  # its own document's draft plan: removed
    assert not Target.objects.filter(pk=target.pk).exists()


# ---------------------------------------------------------------------------------------------- roles


def test_roles_cover_their_unit_and_below(tiny_db: Facts) -> None:
    from eduplan.web import access

    alice, bob, carol, dave = (make_user(p) for p in (ALICE, BOB, CAROL, DAVE))
    assert access.can(alice, "990101001") and access.can(alice, "1399010003", "edit")
    assert not access.can(alice, "9901") and not access.can(bob, "1399010001")
    assert access.can(carol, "1399010001") and not access.can(carol, "990101", "edit")
    assert access.can(carol, "990101", "accept") and not access.can(alice, "990101", "accept")
    assert access.can(dave, "1399010001", "submit") and not access.can(dave, "1399010002")
    assert [c.code for c in access.counties(carol)] == ["990101"] and access.counties(dave) == []


def test_a_school_filler_lands_on_the_school_and_nothing_else(tiny_db: Facts) -> None:
    client = _client(DAVE)
    assert client.get("/")["Location"] == "/school/1399010001/"
    assert client.get("/school/1399010001/").status_code == 200
    assert client.get("/school/1399010002/").status_code == 404
    assert client.get("/indicators/").status_code == 200  # no county: an empty page
    assert "示例县第一小学" not in client.get("/indicators/").content.decode()


# ---------------------------------------------------------------------------------------------- approval


def _school_year(teachers: int) -> Facts:
    facts = Facts.empty()
    facts.school_year = pl.DataFrame({"school": ["1399010001"], "year": [2024], "teachers": [teachers]})
    return facts


def test_approval_locks_the_data_and_reopening_needs_a_reason(tiny_db: Facts) -> None:
    from eduplan.store import save_facts
    from eduplan.web.accounts.approval import transition
    from eduplan.web.accounts.models import ApprovalStep, AuditEvent
    from eduplan.web.schools.models import SchoolYear

    alice, carol, dave = make_user(ALICE), make_user(CAROL), make_user(DAVE)
    assert transition(dave, "1399010001", 2024, "submit") == "submitted"
    with pytest.raises(DataError, match="学校 1399010001 2024 学年（已提交）"):
        save_facts(_school_year(15))
    assert transition(alice, "990101", 2024, "approve") == "approved"
    with pytest.raises(PermissionDenied):
        transition(carol, "990101", 2024, "reopen", "改")  # the city accepts, never reopens
    with pytest.raises(DataError, match="990101 2024 学年（县级已审核）"):
        save_facts(_school_year(15))
    row = SchoolYear.objects.get(school__code="1399010001", year=2024)
    row.teachers = 99
    with pytest.raises(DataError, match="已锁定"):  # a form or admin edit is refused with the reason
        row.save()
    save_facts(_other_year())  # another year is open
    assert transition(carol, "990101", 2024, "accept") == "accepted"
    with pytest.raises(DataError, match="不能撤销审核"):
        transition(alice, "990101", 2024, "reopen", "发现错误")
    assert transition(carol, "990101", 2024, "unaccept", "请复核教师数") == "approved"
    with pytest.raises(DataError, match="须写明理由"):
        transition(alice, "990101", 2024, "reopen", "  ")
    transition(alice, "990101", 2024, "reopen", "教师数填错")
    transition(alice, "1399010001", 2024, "return", "请改正")
    save_facts(_school_year(15))
    assert SchoolYear.objects.get(school__code="1399010001", year=2024).teachers == 15
    reasons = list(ApprovalStep.objects.exclude(reason="").values_list("reason", flat=True))
    assert set(reasons) == {"请复核教师数", "教师数填错", "请改正"}
    assert AuditEvent.objects.filter(event="approval_reopen", unit="990101").count() == 1


def _other_year() -> Facts:
    facts = Facts.empty()
    facts.school_year = pl.DataFrame({"school": ["1399010001"], "year": [2023], "teachers": [14]})
    return facts


def test_approval_page_steps_and_status(tiny_db: Facts) -> None:
    from eduplan.web.accounts.models import Approval

    client = _client(ALICE)
    page = client.get("/access/approval/?unit=990101&year=2024").content.decode()
    assert "审核通过" in page and "2024 学年数据：未经审核（0 所学校已提交）" in page
    client.post("/access/approval/step/", {"unit": "990101", "year": "2024", "action": "approve"})
    assert Approval.objects.get(unit="990101", year=2024).state == "approved"
    assert "2024-2025 学年" in client.get("/?year=2024").content.decode()
    assert "县级已审核" in client.get("/?year=2024").content.decode()
    assert _client(BOB).post("/access/approval/step/", {"unit": "990101", "year": "2024",
                                                       "action": "reopen", "reason": "x"}).status_code == 404  # fmt: skip


# ---------------------------------------------------------------------------------------------- audit trail


def test_sign_ins_downloads_and_edits_are_in_the_trail(tiny_db: Facts) -> None:
    from eduplan.web.accounts.models import AuditEvent

    make_user(ALICE)
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    client.post("/accounts/login/", {"username": "alice", "password": ALICE.password})
    client.get("/indicators/large_class_share/?unit=990101&format=csv")
    events = list(AuditEvent.objects.order_by("id").values_list("event", "username", "address", "unit"))
    assert events[:3] == [("login_failed", "alice", "10.1.2.3", ""), ("login", "alice", "10.1.2.3", ""),
                          ("export", "alice", "10.1.2.3", "990101")]  # fmt: skip
    assert AuditEvent.objects.get(event="login").roles == "county_planner@990101"


def test_the_trail_cannot_be_changed_by_the_application_or_the_database(tiny_db: Facts) -> None:
    from eduplan.web.accounts.models import AuditEvent

    event = AuditEvent.objects.create(event="login", username="alice")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(username="mallory")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        event.save()
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET username = 'mallory'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    old = AuditEvent.objects.create(event="login", username="old", at=timezone.now() - timedelta(days=200))
    with connection.cursor() as cursor:  # past the retention: the purge may delete it
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [old.pk])
    assert list(AuditEvent.objects.values_list("username", flat=True)) == ["alice"]


def test_only_the_audit_administrator_reads_the_trail(tiny_db: Facts) -> None:
    assert _client(ALICE).get("/access/audit/").status_code == 403
    assert _client(CAROL).get("/access/audit.csv").status_code == 403
    auditor = _client(AUDITOR)
    assert "审计日志" in auditor.get("/access/audit/?event=login").content.decode()
    csv = auditor.get("/access/audit.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "时间,用户,角色,单位,事件,来源地址,网址或命令,详情" and "audit_view" in csv
    assert _client(AUDITOR).get("/").status_code == 302  # no data pages: to the trail


# ---------------------------------------------------------------------------------------------- sign-in


def test_password_rules(db: None) -> None:
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = User(username="zhangsan")
    for bad in ("short1", "password123", "zhangsan2026", "1234567890123", "eduplan-demo"):
        with pytest.raises(ValidationError):
            validate_password(bad, user)
    validate_password("县里的规划2026-秋季", user)


def test_lockout_per_account_and_address(db: None) -> None:
    make_user(ALICE)
    attacker, colleague = Client(REMOTE_ADDR="10.0.0.9"), Client(REMOTE_ADDR="10.0.0.10")
    for _ in range(5):
        attacker.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    locked = attacker.post("/accounts/login/", {"username": "alice", "password": ALICE.password})
    assert locked.status_code == 429 and "已暂时锁定" in locked.content.decode()
    ok = colleague.post("/accounts/login/", {"username": "alice", "password": ALICE.password})
    assert ok.status_code == 302  # the same account from another address still signs in


def test_idle_session_times_out(tiny_db: Facts) -> None:
    client = _client(ALICE)
    assert client.get("/").status_code == 200
    session = client.session
    session["seen"] = int(timezone.now().timestamp()) - 31 * 60
    session.save()
    response = client.get("/indicators/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/indicators/")["Location"].startswith("/accounts/login/")


def test_security_headers_and_secure_cookies_over_tls(db: None) -> None:
    make_user(ALICE)
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    signed_in = Client().post(
        "/accounts/login/", {"username": "alice", "password": ALICE.password}, secure=True
    )
    cookie = signed_in.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    plain = Client().post("/accounts/login/", {"username": "alice", "password": ALICE.password})
    assert not plain.cookies["sessionid"]["secure"]


def test_no_template_has_inline_script() -> None:
    """The CSP forbids inline script: no <script> without src, no on…= handler, no javascript: link."""
    bad = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|javascript:", re.IGNORECASE)
    found = [
        f"{p.relative_to(WEB)}: {m.group(0)}"
        for p in WEB.rglob("*.html")
        for m in bad.finditer(p.read_text())
    ]
    assert not found, found


# ---------------------------------------------------------------------------------------------- bad input


def test_odd_query_values_never_500(tiny_db: Facts) -> None:
    client = _client(ALICE)
    for url in ("/", "/indicators/", "/indicators/quality/", "/standards/", "/standards/balanced/",
                "/plans/", "/forecast/", "/access/approval/", "/indicators/large_class_share/"):  # fmt: skip
        for query in ({"year": "²"}, {"year": "٢٠٢٤"}, {"unit": "a/b"}, {"plan": "１"}, {"page": "x"}):
            assert client.get(url, query).status_code < 500, (url, query)


def test_a_zone_name_with_a_slash_has_its_page(db: None, tiny_facts: Facts) -> None:
    from eduplan.store import save_facts

    facts = Facts(**tiny_facts.frames())
    facts.schools = facts.schools.with_columns(pl.lit("城东/城西片区").alias("zone"))
    save_facts(facts)
    client = _client(ALICE)
    page = client.get("/forecast/", {"unit": "990101", "origin": 2024, "horizon": 3})
    assert page.status_code == 200
    link = re.search(r'href="(/forecast/zone/[^"]+)"', page.content.decode())
    assert link is not None and "城东/城西片区" in unquote(link.group(1))
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 200


def test_plan_documents_are_checked_and_read_once(tiny_db: Facts, settings: Any) -> None:
    from eduplan.web.documents.models import Document

    client = _client(ALICE)
    settings.EDUPLAN_DOCUMENT_MAX_BYTES = 2048

    def upload(name: str, data: bytes) -> str:
        f = SimpleUploadedFile(name, data)
        return client.post("/documents/", {"file": f, "region_code": "990101"}).content.decode()

    assert "文件过大" in upload("big.txt", "规划".encode() * 2000)
    assert "不是 PDF" in upload("fake.pdf", b"MZ\x90\x00 not a pdf")
    assert "不是 Word" in upload("fake.docx", b"plain text")
    assert "不是文本或网页" in upload("bin.txt", b"\x00\x01\x02 binary")
    assert (
        "只能上传本单位"
        in _client(CAROL)
        .post("/documents/", {"file": SimpleUploadedFile("a.txt", "规划".encode()), "region_code": "990101"})
        .content.decode()
    )
    text = "某县规划\n到2025年，学前三年毛入园率达到96%以上。\n".encode()
    assert (
        client.post(
            "/documents/", {"file": SimpleUploadedFile("ok.txt", text), "region_code": "990101"}
        ).status_code
        == 302
    )
    doc = Document.objects.get()
    assert doc.extraction is not None and doc.extraction["statements"]
    with CaptureQueriesContext(connection) as queries:
        client.get("/documents/")
    listing = [q["sql"] for q in queries if "documents_document" in q["sql"]]
    assert listing and not any('"raw"' in sql or '"extraction"' in sql for sql in listing)


def test_database_errors_do_not_reach_the_user(tiny_db: Facts) -> None:
    from eduplan.store import save_facts

    facts = Facts.empty()
    facts.org_units = pl.DataFrame(  # the same new code twice: the database refuses the second insert
        {
            "code": ["990101009", "990101009"],
            "name": ["甲", "乙"],
            "level": ["township"] * 2,
            "parent": ["990101"] * 2,
        }
    )
    with pytest.raises(DataError) as caught:
        save_facts(facts)
    assert "UNIQUE" not in caught.value.message and "duplicate" not in caught.value.message
    assert "未写入任何数据" in caught.value.message


def test_the_city_sees_accepted_data_by_default(tiny_db: Facts) -> None:
    from eduplan.web.accounts.approval import transition

    alice, carol = make_user(ALICE), make_user(CAROL)
    transition(alice, "990101", 2023, "approve")
    transition(carol, "990101", 2023, "accept")
    assert "2023 学年数据：市级已确认" in _client(CAROL).get("/?unit=990101").content.decode()
    assert (
        "2024 学年数据：未经审核" in _client(ALICE).get("/").content.decode()
    )  # the county works on the latest
    assert "2024 学年数据：未经审核" in _client(CAROL).get("/?unit=990101&year=2024").content.decode()
