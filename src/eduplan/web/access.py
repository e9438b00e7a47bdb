"""Who may read and change what: the one place every page, download, command and API call asks.

Users hold roles on org units (`accounts.Grant`, roles in `accounts/roles.py`); a role on a unit covers the
unit and everything below it (org unit codes nest by prefix; schools hang below townships). Every page scopes
itself through this module:

- `county_of(request)` picks the county a page shows (404 for one the user may not read);
- `require(request, code, action)` guards any other code a page is handed (403);
- `get_object(request, Model, action, pk=…)` fetches an object and checks the unit it belongs to (404/403);
- `visible(user, queryset)` narrows a list to the user's units;
- `audit(request, event, unit, …)` appends to the audit trail.

A view that reads a `?unit=`-like parameter without these still cannot leak: `AccessMiddleware` refuses any
request whose query or URL names a unit or school the user may not read. See docs/access.md.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, Literal, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest

from eduplan.web.accounts.roles import GLOBAL_ACTIONS, ROLES
from eduplan.web.accounts.units import Place, Places, county_code
from eduplan.web.schools.models import OrgUnit, School

# view: read aggregate data · edit: change data and plans · approve: approve a county's data ·
# accept: accept counties' data (city/province) · personal: see unmasked personal data · audit: read the trail ·
# submit: submit a school's data · users: manage accounts · roles: grant roles and lift lockouts
Action = Literal["view", "edit", "approve", "accept", "personal", "audit", "submit", "users", "roles"]
M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=Callable[..., Any])

# The request being served (set by AccessMiddleware) and the actor of a command-line run, for audit() calls
# made below the view (model signals, the store) that are not handed the request.
current_request: ContextVar[HttpRequest | None] = ContextVar("eduplan_request", default=None)
current_actor: ContextVar[str] = ContextVar("eduplan_actor", default="")
quiet: ContextVar[bool] = ContextVar("eduplan_audit_quiet", default=False)


# ---------------------------------------------------------------------------------------------- rules


def grants(user: Any) -> list[tuple[str, str]]:
    """The user's (role, unit) pairs, read once per user object (one request or command)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    cached: list[tuple[str, str]] | None = getattr(user, "_eduplan_grants", None)
    if cached is None:
        from eduplan.web.accounts.models import Grant

        cached = [
            (r, u) for r, u in Grant.objects.filter(user=user).values_list("role", "unit") if r in ROLES
        ]
        user._eduplan_grants = cached
    return cached


def _places(user: Any) -> Places:
    cache: Places | None = getattr(user, "_eduplan_places", None)
    if cache is None:
        cache = Places()
        user._eduplan_places = cache
    return cache


def _granted(user: Any, action: str) -> list[Place]:
    """The places on which the user holds a role allowing `action`."""
    places = _places(user)
    found = (places.get(unit) for role, unit in grants(user) if action in ROLES[role].actions)
    return [p for p in found if p is not None]


def can(user: Any, code: str, action: Action = "view") -> bool:
    """Whether `user` may do `action` on the org unit or school `code` (and what lies below it).
    For the unit-free actions (users, roles, audit) `code` is ignored."""
    if action in GLOBAL_ACTIONS:
        return any(action in ROLES[role].actions for role, _ in grants(user))
    if not grants(user):
        return False
    place = _places(user).get(code)
    return place is not None and any(place.within(g) for g in _granted(user, action))


def can_any(user: Any, action: Action) -> bool:
    """Whether the user may do `action` somewhere (e.g. to offer an edit button at all)."""
    return bool(_granted(user, action))


def require(request: HttpRequest, code: str, action: Action = "view") -> None:
    """Raise PermissionDenied unless the request's user may do `action` on `code`."""
    if not can(request.user, code, action):
        raise PermissionDenied(f"无权对 {code} 执行此操作")


def counties(user: Any) -> list[OrgUnit]:
    """The counties `user` may read, by code."""
    above = [p.code for p in _granted(user, "view") if p.level in ("province", "city", "county")]
    if not above:
        return []
    q = Q()
    for code in above:
        q |= Q(code__startswith=code)
    return list(OrgUnit.objects.filter(q, level="county").order_by("code"))


def county_of(request: HttpRequest, param: str = "unit") -> OrgUnit | None:
    """The county named by `?<param>=` (or the county of a township or school code given there); without it
    the user's first county. A code the user may not read is a 404, so its existence is not disclosed."""
    visible = counties(request.user)
    asked = request.GET.get(param, "")
    if not asked:
        return visible[0] if visible else None
    place = _places(request.user).get(asked)
    code = county_code(place) if place is not None else None
    chosen = next((c for c in visible if c.code == code), None)
    if chosen is None or not can(request.user, asked):
        raise Http404("没有这个单位，或无权查看")
    return chosen


def is_data_user(user: Any) -> bool:
    """Whether the user holds any role that reads data (administrators do not)."""
    return any("view" in ROLES[role].actions for role, _ in grants(user))


# ---------------------------------------------------------------------------------------------- objects

# How a model's rows belong to org units: ("orgunit"|"school"|"code", lookup path). Found from the model's
# fields (an FK to School or OrgUnit, a `unit`/`region_code`/`county` code, or an FK leading to one of those);
# a model can name its path itself with a class attribute `access_unit = "plan__region_code"`.
CODE_FIELDS = ("unit", "region_code", "county")


_lookups: dict[type[models.Model], tuple[str, str] | None] = {}


def unit_lookup(model: type[models.Model]) -> tuple[str, str] | None:
    """How rows of `model` belong to org units (see `_find_lookup`), found once per model."""
    if model not in _lookups:
        _lookups[model] = _find_lookup(model)
    return _lookups[model]


def _find_lookup(model: type[models.Model], depth: int = 0) -> tuple[str, str] | None:
    """How rows of `model` belong to org units: its `access_unit`, else an FK to School or OrgUnit, else a
    code field of its own (`unit`, `region_code`, `county`, at most 12 characters), else an FK leading to a
    model that has units (a target's plan)."""
    if model is OrgUnit:
        return "orgunit", ""
    if model is School:
        return "school", ""
    explicit = getattr(model, "access_unit", None)
    if explicit:
        return "code", str(explicit)
    fields = [f for f in model._meta.get_fields() if f.concrete and not f.auto_created]
    relations = [f for f in fields if f.is_relation and f.many_to_one and isinstance(f.related_model, type)]
    for f in relations:
        if f.related_model in (School, OrgUnit):
            return ("school" if f.related_model is School else "orgunit"), f"{f.name}__"
    for f in fields:
        if f.name in CODE_FIELDS and isinstance(f, models.CharField) and (f.max_length or 99) <= 12:
            return "code", f.name
    if depth < 3:
        for f in relations:
            target = f.related_model
            if target is not model and target._meta.app_label != "auth":  # type: ignore[union-attr]
                inner = _find_lookup(target, depth + 1)  # type: ignore[arg-type]
                if inner is not None:
                    kind, path = inner
                    return kind, f"{f.name}__{path}" if path else f"{f.name}__"
    return None


def _q(kind: str, path: str, place: Place) -> Q:
    if kind == "orgunit":
        return Q(pk__in=[]) if place.level == "school" else Q(**{f"{path}code__startswith": place.code})
    if kind == "school":
        if place.level == "school":
            return Q(**{f"{path}code": place.code})
        return Q(**{f"{path}township__code__startswith": place.code})
    if place.level == "school":
        return Q(**{path: place.code})
    # Org unit codes nest by prefix (also those of regions not loaded yet); a school code is matched through
    # its township instead, since a school's code says nothing about where it is.
    every_school = School.objects.values("code")
    inside = School.objects.filter(township__code__startswith=place.code).values("code")
    return (Q(**{f"{path}__startswith": place.code}) & ~Q(**{f"{path}__in": every_school})) | Q(
        **{f"{path}__in": inside}
    )


def visible(user: Any, queryset: models.QuerySet[M], action: Action = "view") -> models.QuerySet[M]:
    """The rows of `queryset` that lie in the user's units (for `action`); none for a model without units."""
    lookup = unit_lookup(queryset.model)
    places = _granted(user, action)
    if lookup is None or not places:
        return queryset.none()
    q = Q()
    for place in places:
        q |= _q(*lookup, place)
    return queryset.filter(q)


def unit_of(obj: models.Model) -> str:
    """The org unit or school code an object belongs to ('' when it has none)."""
    lookup = unit_lookup(type(obj))
    if lookup is None:
        return ""
    kind, path = lookup
    value: Any = obj
    for part in [p for p in path.split("__") if p]:
        try:
            value = getattr(value, part, None)
        except models.ObjectDoesNotExist:  # a parent deleted in the same cascade
            return ""
        if value is None:
            return ""
    return str(value.code if kind in ("school", "orgunit") else value)


def get_object(
    request: HttpRequest, model: type[M] | models.QuerySet[M], action: Action = "view", **lookup: Any
) -> M:
    """The object `lookup` finds, when the user may read its unit (else 404) and do `action` there (else 403)."""
    queryset = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("没有这个对象，或无权查看")
    code = unit_of(obj)
    if not can(request.user, code, "view"):
        raise Http404("没有这个对象，或无权查看")
    if action != "view":
        require(request, code, action)
    return obj


# ---------------------------------------------------------------------------------------------- views


def public(view: V) -> V:
    """Mark a view as open to everyone, signed in or not (the public progress pages). It carries Django's
    `login_not_required` (the login-by-default middleware lets it through) and `view.public = True` (`is_public`:
    the persona × URL test tells it from a view that forgot its scoping)."""
    marked = login_not_required(view)
    marked.public = True  # type: ignore[attr-defined]
    return marked  # type: ignore[no-any-return]


def is_public(view: Any) -> bool:
    return bool(getattr(view, "public", False))


def require_action(action: Action) -> Callable[[V], V]:
    """A view decorator for unit-free actions: `@require_action("audit")`."""

    def wrap(view: V) -> V:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not can(request.user, "", action):
                raise PermissionDenied("无权访问此页面")
            return view(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return wrap


def int_param(request: HttpRequest, name: str) -> int | None:
    """An integer query parameter, or None when absent or not plain ASCII digits (`?year=²` is None)."""
    raw = request.GET.get(name, "")
    return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else None


# ---------------------------------------------------------------------------------------------- approval


def lock_reason(code: str, year: int) -> str | None:
    """Why the data of `code` (a school, township or county) in school year `year` cannot change, or None."""
    from eduplan.web.accounts.approval import lock_reason as reason

    return reason(code, year)


def accepted_year(request: HttpRequest, county: str) -> int | None:
    """For a reader above the county (a city or province supervisor), the latest school year whose data the
    city accepted: their views default to accepted data (issue 12). None for everyone else, or when no year is
    accepted yet (the page's own default applies)."""
    from eduplan.web.accounts.models import Approval

    if can(request.user, county, "edit") or not can(request.user, county, "accept"):
        return None
    accepted = Approval.objects.filter(unit=county, state=Approval.State.ACCEPTED)
    return accepted.order_by("-year").values_list("year", flat=True).first()


def latest_year(code: str) -> int | None:
    """The latest school year with enrollment for the schools of a region (None when there is none)."""
    from django.db.models import Max

    from eduplan.web.schools.models import GradeYear

    found = GradeYear.objects.filter(school__township__code__startswith=code).aggregate(Max("year"))
    return found["year__max"]


def data_status(county: str, year: int | None) -> str:
    """The approval state of a county's data of one school year, in Chinese (for the pages' figures)."""
    from eduplan.web.accounts.approval import status_text

    return status_text(county, year)


# ---------------------------------------------------------------------------------------------- audit


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Name the actor of a command-line run in the audit trail (`命令行:<os user>` by default)."""
    token = current_actor.set(actor)
    try:
        yield
    finally:
        current_actor.reset(token)


@contextmanager
def bulk() -> Iterator[None]:
    """Inside: model edits are not audited row by row (the caller writes one event for the whole)."""
    token = quiet.set(True)
    try:
        yield
    finally:
        quiet.reset(token)


def client_address(request: HttpRequest) -> str:
    from django.conf import settings

    if getattr(settings, "EDUPLAN_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def audit(request: HttpRequest | None, event: str, unit: str = "", **detail: Any) -> None:
    """Append one event (import, edit, approval, export, personal-data view …) to the audit trail."""
    from eduplan.web.accounts.models import AuditEvent

    request = request if request is not None else current_request.get()
    named = str(detail.pop("username", ""))
    if request is not None:
        user = getattr(request, "user", None)
        username = user.get_username() if user is not None and user.is_authenticated else named
        address, path = client_address(request), request.get_full_path()[:500]
    else:
        user, username = None, current_actor.get() or _os_actor()
        address, path = "命令行", " ".join(["eduplan", *sys.argv[1:]])[:500]
    roles = ", ".join(f"{r}@{u}" if u else r for r, u in grants(user)) if user is not None else ""
    AuditEvent.objects.create(
        username=username[:150], roles=roles[:300], unit=unit[:64], event=event[:40],
        address=address, path=path, detail=detail,
    )  # fmt: skip


def _os_actor() -> str:
    import getpass

    try:
        return f"命令行:{getpass.getuser()}"
    except Exception:
        return "命令行"
