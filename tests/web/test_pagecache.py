"""The page cache (eduplan.web.pagecache): a kept page goes only to the user it was drawn for, and never after a
write that could change it — an edit by the ORM, a queryset update, an import through the store, a refresh of
stored results. Two counties (甲县 990101: alice; 乙县 990102: bob) and the city above them (carol)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduplan.web.pagecache import middleware
from eduplan.web.pagecache.writes import changes_pages, generation
from tests.conftest import ALICE, BOB, CAROL, make_user
from tests.web.test_personas import _county_facts

pytestmark = pytest.mark.db
# A kept page reads the session, the user and the generation (and a new session saves itself; a unit named in
# the address is checked against the user's roles; a personal-data page writes its audit event again), nothing
# else: no table of data.
HIT_TABLES = {"django_session", "auth_user", "pagecache_generation", "accounts_grant", "schools_orgunit",
              "accounts_auditevent"}  # fmt: skip


@pytest.fixture
def keeping(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.cache import caches

    caches[middleware.CACHE].clear()
    # Pages are kept only once the last write is a few seconds old; a test writes just before it reads.
    monkeypatch.setattr(middleware, "SETTLE_SECONDS", 0.0)


@pytest.fixture
def two_counties(db: None, keeping: None) -> None:
    from eduplan.store import save_facts

    save_facts(_county_facts())


def _client(persona: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(persona))
    return client


def _get(client: Client, url: str) -> tuple[str, bool]:
    """The page's text, and whether it came from the cache (its queries read nothing but HIT_TABLES)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    tables = {t for q in queries for t in re.findall(r'(?:FROM|UPDATE|INTO) "?(\w+)', q["sql"])}
    return response.content.decode(), tables <= HIT_TABLES


def test_a_kept_page_goes_only_to_its_own_user(two_counties: None) -> None:
    alice, bob, carol = _client(ALICE), _client(BOB), _client(CAROL)
    first, kept = _get(alice, "/")
    again, kept_again = _get(alice, "/")
    assert "甲县第一小学" in first and again == first.replace(_token(first), _token(again))
    assert not kept and kept_again  # the second answer did not run the view
    theirs, _ = _get(bob, "/")  # the same address, bob's county: drawn for him
    assert "乙县第一小学" in theirs and "甲县" not in theirs
    city, _ = _get(carol, "/indicators/?unit=9901")
    mine, _ = _get(alice, "/indicators/?unit=990101")
    assert "示例市" in city and city != mine


def test_a_write_of_any_kind_draws_the_page_again(two_counties: None) -> None:
    from eduplan.results import refresh
    from eduplan.store import load_facts, save_facts
    from eduplan.web.schools.models import OrgUnit

    alice = _client(ALICE)
    assert "甲县第一小学" in _get(alice, "/")[0]
    # The county's name as the page reads it from its table; an update() sends no signal.
    OrgUnit.objects.filter(code="990101").update(name="甲新县")
    assert "甲新县" in _get(alice, "/")[0]
    facts = load_facts("990101")  # an import through the store (its own SQL, a new data version)
    facts.schools = facts.schools.with_columns(
        facts.schools["name"].str.replace("甲县第一小学", "甲县育才小学")
    )
    save_facts(facts)
    assert "甲县育才小学" in _get(alice, "/")[0]
    before = generation()
    refresh("990101")  # stored results computed afresh: a page that marked them stale is drawn again
    assert generation() != before


def test_a_kept_page_carries_the_csrf_token_of_the_session_it_goes_to(two_counties: None) -> None:
    first, second = _client(ALICE), _client(ALICE)  # the same user signed in twice
    drawn, _ = _get(first, "/plans/")
    page, kept = _get(second, "/plans/")
    assert kept
    # The first session's token is no good in the second (the check is real) ...
    assert second.post("/accounts/logout/", {"csrfmiddlewaretoken": _token(drawn)}).status_code == 403
    # ... the token the kept page carries is: the second session signs out.
    assert second.post("/accounts/logout/", {"csrfmiddlewaretoken": _token(page)}).status_code == 200
    assert "_auth_user_id" not in second.session


def test_a_kept_personal_data_page_is_logged_each_time_it_is_seen(demo_db: Any, keeping: None) -> None:
    from eduplan.web.accounts.models import AuditEvent

    alice = _client(ALICE)
    url = "/staffing/plan/?unit=990101&year=2025"  # the rotation plan names teachers (by anonymous ids)
    first, kept = _get(alice, url)
    _, kept_again = _get(alice, url)
    assert "已求得最优方案" in first and not kept and kept_again
    seen = AuditEvent.objects.filter(event="view_personal", unit="990101").order_by("id")
    assert [(e.username, e.path, e.detail) for e in seen] == [
        ("alice", url, {"what": "rotation_plan", "year": 2025})
    ] * 2


def test_pages_that_are_not_kept(two_counties: None) -> None:
    alice = _client(ALICE)
    _get(alice, "/imports/")  # reads the session (the import preview)
    assert not _get(alice, "/imports/")[1]
    _get(alice, "/")
    assert _get(alice, "/")[1]
    alice.cookies["messages"] = "waiting"  # messages waiting: the view shows them
    assert not _get(alice, "/")[1]


def test_writes_that_change_pages_are_told_from_those_that_do_not() -> None:
    assert changes_pages('INSERT INTO "schools_school" ("code") VALUES (%s)')
    assert changes_pages('UPDATE "results_resultstate" SET "refreshing" = %s')
    assert changes_pages('  delete from "plans_target" WHERE "id" = 1')
    assert not changes_pages('UPDATE "django_session" SET "session_data" = %s')
    assert not changes_pages('INSERT INTO "accounts_auditevent" ("event") VALUES (%s)')
    assert not changes_pages('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)')
    assert not changes_pages('UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s')
    assert changes_pages('UPDATE "auth_user" SET "username" = %s WHERE "auth_user"."id" = %s')
    assert not changes_pages('SELECT * FROM "schools_school"')


def _token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', page)
    assert match is not None
    return match.group(1)
