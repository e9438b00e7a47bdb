"""Sends a page again from this process's cache when neither its user, nor their roles, nor the database have
changed since it was drawn (see the package's docstring)."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from eduplan.web import access
from eduplan.web.pagecache.writes import generation

CACHE = "pages"  # the alias in settings.CACHES
SECONDS = 3600  # an unchanged page is drawn again after this long anyway
# A page drawn in the first seconds after a write is sent but not kept: some caches of one process notice a
# write made in another only after a few seconds (the plans' evaluations: FINGERPRINT_SECONDS = 5).
SETTLE_SECONDS = 6.0
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
PLACEHOLDER = b"\x00csrf\x00"
Handler = Callable[[HttpRequest], HttpResponse]
# Page kinds kept (URL names): pages that read data, the same for every request of one user until a write.
# Not kept: forms and uploads, downloads (not HTML), pages that read the session (the import preview), the
# audit trail, personal-data pages other than through an audit event replayed on every hit.
PAGES = frozenset({
    "schools:county", "schools:school",
    "indicators:index", "indicators:indicator", "indicators:compare", "indicators:quality",
    "plans:overview", "plans:targets", "plans:target", "plans:rollup", "plans:projects", "plans:method",
    "standards:index", "standards:evaluation", "standards:method",
    "forecast:index", "forecast:zone", "forecast:method",
    "documents:index",
    "staffing:county", "staffing:plan", "staffing:method",
    "finance:index", "finance:floors", "finance:county", "finance:cost", "finance:method",
    "accounts:approval",
    "public:index", "public:county",
    "region:index", "region:region",
})  # fmt: skip

# The audit events the view being drawn writes (a personal-data view): written again on every hit.
_audits: ContextVar[list[tuple[str, str, dict[str, Any]]] | None] = ContextVar(
    "pagecache_audits", default=None
)


@dataclass(frozen=True)
class Page:
    content: bytes  # CSRF tokens replaced by PLACEHOLDER
    headers: tuple[tuple[str, str], ...]
    audits: tuple[tuple[str, str, dict[str, Any]], ...]

    def response(self, request: HttpRequest) -> HttpResponse:
        content = self.content
        if PLACEHOLDER in content:  # the page has forms: this session's token, freshly masked
            content = content.replace(PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content)
        for name, value in self.headers:
            response[name] = value
        return response


class PageCacheMiddleware:
    """Last in MIDDLEWARE: the access checks of the middleware before it have run when it answers."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        audits: list[tuple[str, str, dict[str, Any]]] = []
        token = _audits.set(audits)
        try:
            response = self.get_response(request)
        finally:
            _audits.reset(token)
        key, written = getattr(request, "_page_key", (None, 0))
        settled = time.time_ns() - written >= SETTLE_SECONDS * 1e9  # the generation is the write's time
        if key is not None and settled and _keepable(request, response):
            caches[CACHE].set(key, _page(response, audits), SECONDS)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        current = _current(request)
        if current is None:
            return None
        key = _key(request, current)
        page: Page | None = caches[CACHE].get(key)
        if page is None:
            request._page_key = (key, current)  # type: ignore[attr-defined]
            return None
        for event, unit, detail in page.audits:
            access.audit(request, event, unit, **detail)
        return page.response(request)


def enabled() -> bool:
    """Off when pages recompute on every request (the bench's baseline) or when settings say so."""
    return bool(settings.EDUPLAN_PAGE_CACHE and settings.EDUPLAN_RESULTS_STORE)


def _current(request: HttpRequest) -> int | None:
    """The database's generation when the page may be kept, else None."""
    match = request.resolver_match
    if not enabled() or request.method != "GET" or match is None or match.view_name not in PAGES:
        return None
    if request.user.is_authenticated and ("messages" in request.COOKIES or "_messages" in request.session):
        return None  # the view shows (and consumes) the messages
    return generation()


def _key(request: HttpRequest, current: int) -> str:
    user = request.user.pk if request.user.is_authenticated else ""  # not their roles: granting one writes
    parts = (
        user,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        timezone.localdate().isoformat(),  # days to a deadline, "this year"
        current,
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and not getattr(messages, "_queued_messages", None)
    )


def _page(response: HttpResponse, audits: list[tuple[str, str, dict[str, Any]]]) -> Page:
    headers = tuple((k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "content-length"))
    return Page(CSRF.sub(rb"\1" + PLACEHOLDER + rb"\2", response.content), headers, tuple(audits))


def _record_audit(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    audits = _audits.get()
    if audits is not None and created:
        audits.append((instance.event, instance.unit, dict(instance.detail or {})))


def watch_audits() -> None:
    from eduplan.web.accounts.models import AuditEvent

    post_save.connect(_record_audit, sender=AuditEvent, dispatch_uid="pagecache-audits")
