"""Who may read and change what: the one place every page, download, command and API call asks.

This module is the seam the areas code against. Its signatures are the contract; the rules behind them
(roles bound to org units, approval locks, the audit trail) are issue 12's. Until then a signed-in user may
read every unit, staff may change data, and audit events go to the `eduplan.audit` logger.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from eduplan.web.schools.models import OrgUnit

# view: read aggregate data · edit: change data and plans · approve: approve a county's data ·
# accept: accept counties' data (city/province) · personal: see unmasked personal data · audit: read the trail
Action = Literal["view", "edit", "approve", "accept", "personal", "audit"]

log = logging.getLogger("eduplan.audit")
View = TypeVar("View", bound=Callable[..., Any])


def can(user: Any, code: str, action: Action = "view") -> bool:
    """Whether `user` may do `action` on the org unit or school `code` (and what lies below it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if action == "view":
        return True
    return bool(user.is_staff)


def require(request: HttpRequest, code: str, action: Action = "view") -> None:
    """Raise PermissionDenied unless the request's user may do `action` on `code`."""
    if not can(request.user, code, action):
        raise PermissionDenied(f"无权对 {code} 执行此操作")


def counties(user: Any) -> list[OrgUnit]:
    """The counties `user` may read, by code."""
    return [c for c in OrgUnit.objects.filter(level="county").order_by("code") if can(user, c.code)]


def county_of(request: HttpRequest, param: str = "unit") -> OrgUnit | None:
    """The county named by `?<param>=` (or the county of a township or school code given there); without it
    the user's first county. A code the user may not read is a 404, so its existence is not disclosed."""
    visible = counties(request.user)
    asked = request.GET.get(param, "")
    if not asked:
        return visible[0] if visible else None
    chosen = next((c for c in visible if asked.startswith(c.code)), None)
    if chosen is None:
        raise Http404("没有这个单位，或无权查看")
    return chosen


def audit(request: HttpRequest | None, event: str, unit: str = "", **detail: Any) -> None:
    """Append one event (import, edit, approval, export, personal-data view …) to the audit trail."""
    user = getattr(getattr(request, "user", None), "username", "") if request is not None else ""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    log.info("audit %s user=%s unit=%s from=%s %s", event, user, unit, address, detail)


def public(view: View) -> View:
    """Mark a view as open to everyone, signed in or not (the public progress pages). It carries Django's
    `login_not_required` (a login-by-default middleware lets it through) and `view.public = True` (`is_public`: the
    persona × URL test tells it from a view that forgot its scoping)."""
    marked = login_not_required(view)
    marked.public = True  # type: ignore[attr-defined]
    return marked  # type: ignore[no-any-return]


def is_public(view: Any) -> bool:
    return bool(getattr(view, "public", False))
