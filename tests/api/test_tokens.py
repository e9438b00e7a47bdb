"""Personal API tokens: only a digest is stored; rotate, revoke and expiry end a token; the command prints one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eduplan.cli import main
from eduplan.web.api import tokens
from eduplan.web.api.models import ApiToken
from tests.conftest import ALICE, make_user

pytestmark = pytest.mark.db


def test_the_database_keeps_a_digest_never_the_token(db: None) -> None:
    alice = make_user(ALICE)
    token = tokens.create(alice)
    stored = ApiToken.objects.get()
    assert token.startswith("edp_") and len(token) == 4 + 43
    assert stored.digest == tokens.digest(token) and token not in stored.digest
    assert stored.prefix == token[:12]
    assert tokens.find(token).user == alice  # type: ignore[union-attr]
    assert tokens.find(token + "x") is None


def test_rotate_revoke_and_expiry_end_a_token(db: None) -> None:
    alice = make_user(ALICE)
    first = tokens.create(alice, "大屏")
    other = tokens.create(alice, "笔记本")
    second = tokens.create(alice, "大屏", rotate=True)
    assert tokens.find(first) is None and tokens.find(second) is not None and tokens.find(other) is not None
    assert tokens.revoke(alice, other[:12]) == 1
    assert tokens.find(other) is None
    ApiToken.objects.filter(digest=tokens.digest(second)).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )
    assert tokens.find(second) is None
    alice.is_active = False
    alice.save()
    assert tokens.find(tokens.create(alice)) is None  # a disabled account's tokens do not work


def test_command_prints_the_token_alone_and_revokes(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    make_user(ALICE)
    assert main(["user", "token", "alice"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert "\n" not in token and tokens.find(token) is not None and "只显示这一次" in err
    assert main(["user", "token", "alice", "--list"]) == 0
    assert token[:12] in capsys.readouterr().out
    assert main(["user", "token", "alice", "--revoke", "all"]) == 0
    assert tokens.find(token) is None
    assert main(["user", "token", "nobody"]) == 1
    assert "没有账号 nobody" in capsys.readouterr().err


def test_a_user_makes_and_revokes_own_tokens_on_the_page(db: None) -> None:
    from django.test import Client

    alice = make_user(ALICE)
    client = Client()
    client.force_login(alice)
    page = client.post("/api/tokens/", {"action": "create", "label": "市级大屏"}).content.decode()
    made = page.split('id="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert tokens.find(made) is not None and "市级大屏" in page
    assert made not in client.get("/api/tokens/").content.decode()  # shown once only
    client.post("/api/tokens/", {"action": "revoke", "prefix": made[:12]})
    assert tokens.find(made) is None
    assert Client().get("/api/tokens/").status_code == 302  # signed out: to the login page
