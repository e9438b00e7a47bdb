"""Request-wide guards: the scoping safety net, the idle timeout, Secure cookies over TLS, and errors shown
in Chinese instead of a driver's message or a traceback."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from eduplan.errors import EduplanError
from eduplan.web import access

log = logging.getLogger("eduplan.web")
# Query, form and URL parameters that name an org unit or a school in our pages.
UNIT_PARAMS = ("unit", "county", "school", "township", "region", "region_code", "code")
Handler = Callable[[HttpRequest], HttpResponse]


class AccessMiddleware:
    """Remembers the request for audit() calls below the view, and refuses (404) any request that names, in
    a unit-like parameter or URL part, an org unit or school the user may not read: a page that forgets to
    scope a parameter still cannot show another county's data."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = access.current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            access.current_request.reset(token)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or request.path.startswith("/admin/") or access.is_public(view):
            return None
        named = [str(kwargs[k]) for k in UNIT_PARAMS if k in kwargs]
        for source in (request.GET, request.POST if request.method == "POST" else {}):
            named += [v for k in UNIT_PARAMS for v in source.getlist(k)] if source else []  # type: ignore[attr-defined]
        places = access._places(request.user)
        for code in named:
            if places.get(code.strip()) is not None and not access.can(request.user, code.strip()):
                raise Http404("没有这个单位，或无权查看")
        return None

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, EduplanError):  # a refused change (locked data …) that a view did not catch
            return render(request, "error.html", {"message": exc.message}, status=409)
        if isinstance(exc, DatabaseError):
            log.exception("database error at %s", request.path)
            message = "数据库暂时无法完成这项操作，未作任何修改。请稍后重试；如一再出现，请联系系统管理员。"
            return render(request, "error.html", {"message": message}, status=503)
        return None


class IdleTimeoutMiddleware:
    """Signs a user out after `EDUPLAN_IDLE_MINUTES` without a request. The session's last-seen time is
    refreshed at most once a minute, so that a busy page does not write the session on every request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get("seen", now)
            if now - int(seen) > settings.EDUPLAN_IDLE_MINUTES * 60:
                access.audit(request, "session_timeout", "")
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            if now - int(seen) >= 60 or "seen" not in request.session:
                request.session["seen"] = now
        return self.get_response(request)


class SecureCookiesMiddleware:
    """Every cookie set on a request that arrived over TLS is marked Secure (and session/CSRF cookies are
    HttpOnly by settings)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.is_secure():
            for cookie in response.cookies.values():
                cookie["secure"] = True
        return response
