"""The 控辍保学 pages: scoped, masked unless allowed and asked, every unmasked view and answer audited."""

from __future__ import annotations

import pytest
from django.test import Client

from eduplan.linkage.synthetic import Synthetic
from eduplan.web.accounts.models import AuditEvent
from eduplan.web.linkage.models import Case, Child, Decision, Pair
from tests.conftest import ALICE, BOB, CAROL, make_user

pytestmark = pytest.mark.db


def _client(persona: object) -> Client:
    client = Client()
    user = make_user(persona)  # type: ignore[arg-type]
    client.force_login(user)
    return client


def test_dashboard_shows_counts_townships_and_the_retention_check(linked_db: Synthetic) -> None:
    page = _client(CAROL).get("/linkage/?unit=990101&year=2025").content.decode()
    assert "疑似失学辍学" in page and "城关镇" in page and "巩固率核对" in page and "资助覆盖" in page


def test_dashboard_trend_has_a_column_per_linked_year_and_says_when_a_run_is_stale(
    linked_db: Synthetic,
) -> None:
    from eduplan.web.linkage.store import run_linkage

    run_linkage("990101", 2024)
    page = _client(CAROL).get("/linkage/?unit=990101&year=2025").content.decode()
    assert "2024 学年疑似" in page and "2025 学年疑似" in page and 'id="stale"' not in page
    child = Child.objects.first()
    assert child is not None
    child.village = "新村"
    child.save()
    assert 'id="stale"' in _client(CAROL).get("/linkage/?unit=990101&year=2025").content.decode()


def test_names_are_masked_unless_allowed_and_asked(
    linked_db: Synthetic,
) -> None:
    suspected = Case.objects.first()
    assert suspected is not None
    name = Child.objects.get(person_no=suspected.person_no).name
    masked = _client(CAROL).get("/linkage/suspects/?unit=990101&year=2025&personal=1").content.decode()
    assert suspected.person_no in masked and name not in masked  # carol may not see personal data
    full = _client(ALICE).get("/linkage/suspects/?unit=990101&year=2025&personal=1").content.decode()
    assert name in full
    assert AuditEvent.objects.filter(event="linkage.personal.view", username="alice").exists()


def test_downloads_are_masked_and_audited(linked_db: Synthetic) -> None:
    response = _client(CAROL).get("/linkage/suspects/?unit=990101&year=2025&format=csv&personal=1")
    body = response.content.decode("utf-8-sig")
    assert body.startswith("人员编号,原因,姓名") and response["Content-Disposition"].endswith('.csv"')
    assert not any(n in body for n in Child.objects.values_list("name", flat=True) if len(n) > 1)
    assert AuditEvent.objects.filter(event="linkage.export.out-of-school", username="carol").exists()


def test_a_reader_cannot_change_a_case_and_a_planner_can(linked_db: Synthetic) -> None:
    case = Case.objects.first()
    assert case is not None
    today = case.opened_on.isoformat()
    form = {
        "status": "returned",
        "owner_kind": "township",
        "owner": case.township,
        "closed_on": today,
        "note": "已入户劝返",
    }
    assert _client(CAROL).post(f"/linkage/case/{case.pk}/", form).status_code == 403
    assert _client(ALICE).post(f"/linkage/case/{case.pk}/", form).status_code == 302
    case.refresh_from_db()
    assert case.status == "returned" and "alice：已入户劝返" in case.notes and str(case.closed_on) == today
    for field, value, message in (
        ("owner", "4401010010", "责任单位代码应为本县"),
        ("closed_on", "2000-01-01", "不能早于立案日期"),
    ):
        page = (
            _client(ALICE)
            .post(f"/linkage/case/{case.pk}/", {**form, field: value}, follow=True)
            .content.decode()
        )
        assert message in page


def test_unknown_county_is_not_disclosed(linked_db: Synthetic) -> None:
    assert _client(CAROL).get("/linkage/?unit=440101").status_code == 404
    assert _client(BOB).get("/linkage/?unit=990101").status_code == 404  # another county's


def test_review_shows_both_records_and_records_the_answer(
    linked_db: Synthetic,
) -> None:
    pair = Pair.objects.filter(side="household", band="review").first()
    if pair is None:  # make one: a model link becomes a review candidate
        pair = Pair.objects.filter(side="household").first()
        assert pair is not None
        pair.band = "review"
        pair.save()
    page = _client(ALICE).get(f"/linkage/review/{pair.pk}/").content.decode()
    assert pair.left_id in page and pair.right_id in page and "是同一人" in page
    assert _client(ALICE).post(f"/linkage/review/{pair.pk}/", {"same": "no"}).status_code == 302
    assert Decision.objects.get(left_id=pair.left_id, right_id=pair.right_id).same is False
    assert AuditEvent.objects.filter(event="linkage.review", username="alice").exists()
    assert _client(CAROL).post(f"/linkage/review/{pair.pk}/", {"same": "yes"}).status_code == 403


def test_aid_page_gives_the_rate_and_the_unaided(linked_db: Synthetic) -> None:
    page = _client(CAROL).get("/linkage/aid/?unit=990101&year=2025").content.decode()
    assert "家庭经济困难学生资助覆盖率" in page and "在读未资助" in page
    body = _client(CAROL).get("/linkage/aid/?unit=990101&year=2025&format=csv").content.decode("utf-8-sig")
    assert body.startswith("人员编号,困难类别,姓名")
