"""The missing-children list over the API: masked by default, unmasked only for "personal" and when asked,
refused when asked without the right, and every unmasked answer audited."""

from __future__ import annotations

import pytest
from django.test import Client

from eduplan.linkage.synthetic import Synthetic
from eduplan.web.accounts.models import AuditEvent
from eduplan.web.api import tokens
from tests.conftest import ALICE, CAROL, make_user
from tests.linkage import conftest as registers

pytestmark = pytest.mark.db
_key, linked_db = registers._key, registers.linked_db  # the registers' fixtures
URL = "/api/v1/missing-children/"


def _get(persona: object, **query: str) -> object:
    client = Client(HTTP_AUTHORIZATION=f"Token {tokens.create(make_user(persona))}")  # type: ignore[arg-type]
    return client.get(URL, {"unit": "990101", "year": "2025", **query})


def test_names_masked_unless_allowed_and_asked(linked_db: Synthetic) -> None:
    masked = _get(CAROL).json()["results"]  # type: ignore[attr-defined]
    assert masked and all("*" in r["name"] for r in masked if r["name"])
    assert _get(CAROL, personal="true").status_code == 403  # type: ignore[attr-defined]
    assert [r["name"] for r in _get(ALICE).json()["results"]] == [r["name"] for r in masked]  # type: ignore[attr-defined]
    assert not AuditEvent.objects.filter(event="api.personal").exists()
    shown = _get(ALICE, personal="true").json()["results"]  # type: ignore[attr-defined]
    names = set(linked_db.household["name"])
    assert shown and all(r["name"] in names for r in shown if r["name"])
    assert AuditEvent.objects.get(event="api.personal").username == "alice"
