"""Personal API tokens: made, listed, rotated and revoked by their user (pages, API) and by an administrator
(`eduplan user token`). A token is `edp_` and 43 random URL-safe characters (256 bits); the database keeps
its SHA-256 digest (a salt adds nothing to a random secret of that length) and its first 12 characters."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from eduplan.errors import NotFound
from eduplan.web.api.models import ApiToken

PREFIX = "edp_"
SHOWN = 12  # characters kept in clear to tell tokens apart
DEFAULT_DAYS = 365


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create(user: Any, name: str = "默认", days: int | None = DEFAULT_DAYS, rotate: bool = False) -> str:
    """A new token for `user` (returned once, never stored); `rotate` revokes the user's other tokens of
    the same name in the same transaction. `days=None` or 0: it does not expire."""
    token = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        if rotate:
            live(user).filter(name=name).update(revoked=now)
        ApiToken.objects.create(
            user=user, name=name[:100], prefix=token[:SHOWN], digest=digest(token),
            expires=now + dt.timedelta(days=days) if days else None,
        )  # fmt: skip
    return token


def live(user: Any) -> Any:
    """The user's tokens not revoked (expired ones included: they show as such)."""
    return ApiToken.objects.filter(user=user, revoked__isnull=True)


def revoke(user: Any, prefix: str = "") -> int:
    """Revoke the user's token starting with `prefix` (every live token when empty); how many."""
    tokens = live(user)
    if prefix:
        tokens = tokens.filter(prefix__startswith=prefix[:SHOWN])
        if not tokens.exists():
            raise NotFound(f"没有以 {prefix[:SHOWN]} 开头的有效令牌", english=f"no live token {prefix!r}")
    return int(tokens.update(revoked=timezone.now()))


def find(token: str) -> ApiToken | None:
    """The live, unexpired token, or None."""
    found = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    return found if found is not None and found.active and found.user.is_active else None


def listing(user: Any) -> list[dict[str, Any]]:
    return [
        {"name": t.name, "prefix": t.prefix, "created": t.created, "expires": t.expires,
         "last_used": t.last_used, "active": t.active}
        for t in live(user)
    ]  # fmt: skip
