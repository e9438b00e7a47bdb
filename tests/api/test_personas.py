"""Every API endpoint × every persona, with personal tokens: nobody outside 990101 reads or changes anything
of it. The page walk (tests/web/test_personas.py) covers the API's URLs with a browser session too; this one
calls them as the systems around the bureau do, with `Authorization: Token …`.

alice plans 990101 (reads, writes); carol supervises the city (reads, never writes, sees no personal data);
bob plans 990102, dave fills one school of 990102, the system administrator sees no data; the public has no
token. Every endpoint is found by walking the resolver, so a new one is covered without touching this file.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from eduplan.web.accounts.models import AuditEvent
from eduplan.web.api import tokens
from eduplan.web.plans.models import Target
from tests.conftest import ALICE, BOB, CAROL, SYSADMIN, Persona, make_user
from tests.web import test_personas as pages
from tests.web.test_personas import DAVE_OUTSIDE, MARKERS, VOLATILE, World, _snapshot

world = pages.world  # the page walk's two counties, plans and documents (a fixture)
pytestmark = [pytest.mark.db, pytest.mark.usefixtures("no_api_rate")]
READERS = {"alice", "carol"}
PUBLIC = {"api:openapi", "api:docs"}


def api_urls(world: World) -> list[tuple[str, str]]:
    """(name, URL) of every API endpoint, filled with 990101's objects."""
    found: list[tuple[str, str]] = []
    api = next(e for e in get_resolver().url_patterns if isinstance(e, URLResolver) and e.namespace == "api")
    for entry in api.url_patterns:
        assert isinstance(entry, URLPattern)
        if not entry.name:  # the JSON 404 for any other path
            continue
        name = f"api:{entry.name}"
        pk = world.ints["plans.target"][0] if str(entry.pattern).startswith("targets/") else world.plan
        kwargs = {"pk": pk} if "pk" in entry.pattern.regex.groupindex else {}
        kwargs |= {"kind": "balanced"} if "kind" in entry.pattern.regex.groupindex else {}
        if "target_id" in entry.pattern.regex.groupindex:  # a target of that plan
            kwargs["target_id"] = Target.objects.filter(plan_id=world.plan).order_by("pk").first().pk  # type: ignore[union-attr]
        found.append((name, reverse(name, kwargs=kwargs)))
    return found


def client_of(persona: Persona | None) -> Client:
    if persona is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Token {tokens.create(make_user(persona))}")


@pytest.mark.parametrize(
    "persona", [ALICE, CAROL, BOB, DAVE_OUTSIDE, SYSADMIN, None], ids=lambda p: p.username if p else "public"
)
def test_every_endpoint_answers_each_persona_within_their_units(
    world: World, persona: Persona | None
) -> None:
    name = persona.username if persona else "public"
    client = client_of(persona)
    wrong = []
    for pattern, url in api_urls(world):
        asked = client.get(url, {"unit": "990101", "year": "2024", "indicator": "large_class_share"})
        plain = client.get(url)
        if pattern in PUBLIC:
            expected = {200}
        elif persona is None:
            expected = {401}
        elif name in READERS:
            expected = {200}
        else:
            expected = {404}
        if asked.status_code not in expected:
            wrong.append(f"{url}?unit=990101: {asked.status_code}, expected {expected}")
        if plain.status_code >= 500:
            wrong.append(f"{url}: {plain.status_code}")
        if name not in READERS and pattern not in PUBLIC:
            shown = [m for m in MARKERS if m in plain.content.decode()]
            if shown:
                wrong.append(f"{url}: shows {shown}")
    assert not wrong, "\n".join(wrong)


ROW = {"school": "1399010002", "year": 2024, "teachers": 31}
DATA_VALUES = {"dataValues": [{"dataElement": "vocational_employment_rate", "period": "2024Sep",
                               "orgUnit": "990101", "value": "90"}]}  # fmt: skip


@pytest.mark.parametrize(
    "persona", [CAROL, BOB, DAVE_OUTSIDE, SYSADMIN, None], ids=lambda p: p.username if p else "public"
)
def test_nobody_but_the_county_changes_its_statistics(world: World, persona: Persona | None) -> None:
    client = client_of(persona)
    before = _snapshot(VOLATILE | {"api.apitoken"})  # a token remembers when it was last used
    url = reverse("api:statistics_school_year")
    for method in (client.put, client.post):
        response = method(url, json.dumps([ROW]), content_type="application/json")
        assert response.status_code in (401, 403, 404), response.content
        assert set(response.json()) == {"message", "problems"}
    response = client.post(
        reverse("api:datavaluesets"), json.dumps(DATA_VALUES), content_type="application/json"
    )
    assert response.status_code in (401, 409)
    target_of_plan = reverse("api:targets", kwargs={"pk": world.plan})
    target = Target.objects.filter(plan_id=world.plan).order_by("pk").first()
    assert target is not None
    one_target = reverse("api:target", kwargs={"pk": world.plan, "target_id": target.pk})
    for method, url in ((client.put, one_target), (client.post, target_of_plan)):
        response = method(url, json.dumps({"value": 1}), content_type="application/json")
        assert response.status_code in (401, 403, 404), response.content
        assert set(response.json()) == {"message", "problems"}
    assert _snapshot(VOLATILE | {"api.apitoken"}) == before


def test_alice_changes_her_county_and_the_call_is_audited(world: World) -> None:
    client = client_of(ALICE)
    url = reverse("api:statistics_school_year")
    response = client.put(url, json.dumps([ROW]), content_type="application/json")
    assert response.json() == {"table": "school_year", "created": 0, "updated": 1, "unchanged": 0,
                               "batch": response.json()["batch"]}  # fmt: skip
    assert isinstance(response.json()["batch"], int)  # in the import history, undoable like a file
    event = AuditEvent.objects.filter(event="api.write").get()
    assert (
        event.username == "alice"
        and event.detail["updated"] == 1
        and event.detail["token"].startswith("edp_")
    )
    got: dict[str, Any] = client.get(url, {"unit": "1399010002", "year": "2024"}).json()
    assert got["results"][0]["teachers"] == 31
    assert AuditEvent.objects.filter(event="api.read", username="alice").count() == 1
    from eduplan.store.history import undo

    undo(response.json()["batch"], "alice", 5)  # the API's write is undone like an imported file's
    assert client.get(url, {"unit": "1399010002", "year": "2024"}).json()["results"][0]["teachers"] == 30


def test_manual_values_of_a_target_only_its_county_changes(world: World) -> None:
    target = world.ints["plans.target"][0]
    url = reverse("api:manual_values", kwargs={"pk": target})
    rows = json.dumps([{"year": 2024, "value": 7.5, "source": "县教育局"}])
    assert client_of(CAROL).put(url, rows, content_type="application/json").status_code == 403
    assert client_of(BOB).put(url, rows, content_type="application/json").status_code == 404
    alice = client_of(ALICE)
    first = alice.put(f"{url}?unit=990101", rows, content_type="application/json").json()
    again = alice.put(url, rows, content_type="application/json").json()
    assert (first["created"], again["unchanged"]) == (1, 1)
    assert {"year": 2024, "value": 7.5, "source": "县教育局"} in alice.get(url).json()["results"]
    bad = alice.put(
        url, json.dumps([{"year": 2024, "value": 1}, {"year": 1800}]), content_type="application/json"
    )
    assert bad.status_code == 400
    assert {(p["index"], p["field"]) for p in bad.json()["problems"]} == {(1, "year"), (1, "value")}
