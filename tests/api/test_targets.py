"""A plan's targets written over the API by the target editor's own form: the round trip, a change, a new
target, field-by-field refusals, and who may (alice edits 990101; carol only reads; bob sees nothing)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eduplan.web.accounts.models import AuditEvent
from eduplan.web.plans.models import Target
from tests.api.test_personas import client_of
from tests.conftest import ALICE, BOB, CAROL
from tests.web import test_personas as pages
from tests.web.test_personas import World

world = pages.world
pytestmark = pytest.mark.db


def first_target(world: World) -> Target:
    target = Target.objects.filter(plan_id=world.plan).order_by("pk").first()
    assert target is not None
    return target


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def fields(target: Target) -> dict[str, Any]:
    return {f.name: getattr(target, f.attname) for f in Target._meta.concrete_fields}


def test_get_then_put_a_target_changes_nothing(world: World) -> None:
    target = first_target(world)
    url = reverse("api:target", kwargs={"pk": world.plan, "target_id": target.pk})
    alice = client_of(ALICE)
    got = alice.get(url).json()
    assert (got["id"], got["plan"], got["value"], got["target_year"]) == (
        target.pk, world.plan, target.value, target.target_year)  # fmt: skip
    before = fields(target)
    body = {k: v for k, v in got.items() if k not in ("id", "plan", "changed")}
    answer = put(alice, url, body)
    assert answer.status_code == 200, answer.content
    assert answer.json()["changed"] == [] and answer.json() == got
    target.refresh_from_db()
    assert fields(target) == before
    event = AuditEvent.objects.filter(event="api.write").get()
    assert event.unit == "990101" and event.detail["changed"] == []


def test_alice_changes_a_target_and_the_call_is_audited(world: World) -> None:
    target = first_target(world)
    url = reverse("api:target", kwargs={"pk": world.plan, "target_id": target.pk})
    answer = put(client_of(ALICE), url, {"value": 93.5, "note": "经县政府常务会议调整"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["changed"] == ["value", "note"] and answer.json()["value"] == 93.5
    target.refresh_from_db()
    assert (target.value, target.note) == (93.5, "经县政府常务会议调整")
    event = AuditEvent.objects.filter(event="api.write").get()
    assert (event.username, event.detail["target"], event.detail["changed"]) == (
        "alice",
        target.pk,
        ["value", "note"],
    )
    # the monitoring read sees the new target value
    rows = client_of(ALICE).get(reverse("api:targets", kwargs={"pk": world.plan}), {"page_size": 1000}).json()
    assert any(r["id"] == target.pk and r["target_value"] == 93.5 for r in rows["results"])


def test_bad_fields_are_refused_whole_naming_field_and_value(world: World) -> None:
    target = first_target(world)
    before = fields(target)
    url = reverse("api:target", kwargs={"pk": world.plan, "target_id": target.pk})
    alice = client_of(ALICE)
    bad = put(
        alice, url, {"value": "很高", "comparator": "about", "indicator": "不存在的指标", "note": "改了"}
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["message"] == "目标的内容不符合要求，未作任何修改"
    found = {p["field"]: p for p in body["problems"]}
    assert set(found) == {"value", "comparator", "indicator"}
    assert (found["value"]["value"], found["comparator"]["value"]) == ("很高", "about")
    assert "指标目录中没有“不存在的指标”" in found["indicator"]["expected"]
    unknown = put(alice, url, {"valeu": 1})
    assert unknown.status_code == 400 and unknown.json()["problems"][0]["field"] == "valeu"
    assert put(alice, url, [1, 2]).status_code == 400
    other_plan = reverse("api:target", kwargs={"pk": world.plan + 1000, "target_id": target.pk})
    assert put(alice, other_plan, {"value": 1}).status_code == 404
    target.refresh_from_db()
    assert fields(target) == before
    assert not AuditEvent.objects.filter(event="api.write").exists()
    assert AuditEvent.objects.filter(event="api.write_refused").count() == 4


def test_only_the_county_edits_its_targets(world: World) -> None:
    target = first_target(world)
    before = fields(target)
    url = reverse("api:target", kwargs={"pk": world.plan, "target_id": target.pk})
    assert client_of(CAROL).get(url).status_code == 200  # the city reads
    assert put(client_of(CAROL), url, {"value": 1}).status_code == 403
    refused = put(client_of(BOB), url, {"value": 1})
    assert refused.status_code == 404 and set(refused.json()) == {"message", "problems"}
    assert client_of(BOB).get(url).status_code == 404
    new = reverse("api:targets", kwargs={"pk": world.plan})
    assert (
        client_of(BOB).post(new, json.dumps({"value": 1}), content_type="application/json").status_code == 404
    )
    target.refresh_from_db()
    assert fields(target) == before


def test_alice_adds_a_target(world: World) -> None:
    url = reverse("api:targets", kwargs={"pk": world.plan})
    alice = client_of(ALICE)
    count = Target.objects.filter(plan_id=world.plan).count()
    body = {
        "indicator": "大班额比例",
        "comparator": "le",
        "value": 0,
        "target_year": 2027,
        "direction": "lower",
    }
    answer = alice.post(url, json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    made = Target.objects.get(pk=answer.json()["id"])
    assert (made.plan_id, made.indicator_code, made.value, made.target_year) == (
        world.plan,
        "large_class_share",
        0,
        2027,
    )
    assert made.indicator_text == answer.json()["indicator"]  # blank: the catalogue's name
    missing = alice.post(url, json.dumps({"indicator": "大班额比例"}), content_type="application/json")
    assert missing.status_code == 400
    assert {"value", "target_year"} <= {p["field"] for p in missing.json()["problems"]}
    assert Target.objects.filter(plan_id=world.plan).count() == count + 1


def test_an_id_beyond_any_database_key_is_404(world: World) -> None:
    url = reverse("api:target", kwargs={"pk": 2**70, "target_id": 1})
    assert put(client_of(ALICE), url, {"value": 1}).status_code == 404
    assert client_of(ALICE).get(reverse("api:targets", kwargs={"pk": 2**70})).status_code == 404
