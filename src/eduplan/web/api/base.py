"""What every API view shares: token or session sign-in, the pages' scoping, rate limits per token, pages
of results, one JSON error shape in Chinese, and one audit event per call."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from rest_framework import exceptions, pagination, permissions, throttling, views
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.errors import EduplanError, NotFound
from eduplan.web import access
from eduplan.web.accounts.middleware import UNIT_PARAMS
from eduplan.web.api.models import ApiToken

log = logging.getLogger("eduplan.web")


class UnitsReadable(permissions.BasePermission):
    """The API's twin of `AccessMiddleware`: a request naming (in its query or URL) a unit or school the
    user may not read is a 404, whether or not the code exists (its existence is not disclosed)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        named = [str(v) for k, v in (view.kwargs or {}).items() if k in UNIT_PARAMS]
        named += [v for k in UNIT_PARAMS for v in request.query_params.getlist(k)]
        for code in named:
            if not access.can(request.user, code.strip()):
                raise exceptions.NotFound("没有这个单位，或无权查看")
        return True


class PerToken(throttling.SimpleRateThrottle):
    """`EDUPLAN_API_RATE` calls a minute per token (per account for a browser's session, per address for
    calls without sign-in)."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_rate(self) -> str:
        return f"{settings.EDUPLAN_API_RATE}/min"


class Pages(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_description = "页码，从 1 开始"
    page_size_query_description = "每页条数（默认 100，最多 1000）"
    invalid_page_message = "没有这一页"


class ApiView(views.APIView):
    """Base of every API view. `self.note(personal=True, …)` adds to the call's audit event."""

    permission_classes: ClassVar[list[Any]] = [permissions.IsAuthenticated, UnitsReadable]
    throttle_classes: ClassVar[list[Any]] = [PerToken]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)
        view.login_required = False  # the API answers 401 in JSON itself, never a redirect to the login page
        return view

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if any(isinstance(v, int) and not 0 <= v < 2**63 for v in kwargs.values()):  # beyond any database key
            raise exceptions.NotFound("没有这个对象，或无权查看")

    def note(self, **detail: Any) -> None:
        self.audit_detail = {**getattr(self, "audit_detail", {}), **detail}

    def paginated(self, request: Request, rows: list[Any]) -> Response:
        pages = Pages()
        page = pages.paginate_queryset(rows, request, view=self)
        return pages.get_paginated_response(page)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(request, "user", None) is not None and (
            request.user.is_authenticated or response.status_code == 401
        ):
            _audit(request, response, getattr(self, "audit_detail", {}))
        return response


def _audit(request: Request, response: Response, detail: dict[str, Any]) -> None:
    if detail.get("personal"):
        event = "api.personal"
    elif request.method in ("GET", "HEAD", "OPTIONS"):
        event = "api.read"
    else:
        event = "api.write" if response.status_code < 400 else "api.write_refused"
    if response.status_code == 401:
        event = "api.unauthenticated"
    token = request.auth.prefix if isinstance(request.auth, ApiToken) else ""
    named = str(detail.pop("unit", ""))  # a view may name the unit it touched (a target's plan's region)
    unit = request.query_params.get("unit", "") or named
    try:
        access.audit(request, event, unit[:64], method=request.method, status=response.status_code,
                     token=token, **detail)  # fmt: skip
    except DatabaseError:  # the answer stands; the log keeps what the trail could not
        log.exception("api audit failed at %s", request.path)


def problem(index: int | None, field: str, value: Any, expected: str, message: str = "") -> dict[str, Any]:
    """One entry of an error's `problems`: the row (0-based index in the request), field, value, expectation."""
    return {"index": index, "field": field, "value": value, "expected": expected,
            "message": message or f"{field}：{expected}"}  # fmt: skip


def error(message: str, status: int, problems: list[dict[str, Any]] | None = None) -> Response:
    return Response({"message": message, "problems": problems or []}, status=status)


class Invalid(exceptions.APIException):
    """A request refused whole, with its problems (`problem`) listed in the error."""

    status_code = 400

    def __init__(self, message: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = problems


def handle(exc: Exception, context: dict[str, Any]) -> Response:
    """Every error as `{"message": 中文, "problems": [{index, field, value, expected, message}]}`, no
    traceback and no driver message (those go to the log)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "没有找到")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "无权执行此操作")
    if isinstance(exc, exceptions.ParseError):
        return error("请求内容不是合法的 JSON，未作任何修改", 400)
    if isinstance(exc, Invalid):
        return error(str(exc.detail), 400, exc.problems)
    if isinstance(exc, exceptions.ValidationError):
        return error("请求的参数或内容不符合要求", 400, _validation(exc.detail))
    if isinstance(exc, exceptions.Throttled):
        wait = f"，请 {int(exc.wait)} 秒后再试" if exc.wait else ""
        return error(f"调用过于频繁{wait}", 429)
    if isinstance(exc, exceptions.APIException):
        response = error(_text(exc.detail), exc.status_code)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response["WWW-Authenticate"] = "Token"
            response.status_code = 401
        return response
    if isinstance(exc, NotFound):
        return error(exc.message, 404)
    if isinstance(exc, EduplanError):
        return error(exc.message, 400)
    if isinstance(exc, DatabaseError):
        log.exception("database error in the API")
        return error("数据库暂时无法完成这项操作，未作任何修改，请稍后重试", 503)
    log.exception("unexpected error in the API")
    return error("程序内部出错，未完成操作（详情见服务器日志）", 500)


def _text(detail: Any) -> str:
    if isinstance(detail, list):
        return "；".join(_text(d) for d in detail)
    if isinstance(detail, dict):
        return "；".join(f"{k}：{_text(v)}" for k, v in detail.items())
    return str(detail)


def _validation(detail: Any, index: int | None = None, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested validation errors as a flat list of problems."""
    if isinstance(detail, list) and detail and all(isinstance(d, dict) for d in detail):
        found = []
        for i, item in enumerate(detail):
            found += _validation(item, i, prefix)
        return found
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            if isinstance(key, int):  # a list's errors keyed by the row's index
                found += _validation(value, key, prefix)
                continue
            found += _validation(value, index, f"{prefix}{key}" if key != "non_field_errors" else prefix)
        return found
    return [problem(index, prefix, None, _text(detail))]
