"""`Authorization: Token <token>` for the API, beside the pages' session (a signed-in browser may call the
API too, with the CSRF check on writes). A bad, expired or revoked token is a 401 in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from eduplan.web.api import tokens

KEYWORD = "Token"


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式应为：Authorization: Token <令牌>")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("令牌只含字母、数字、- 和 _") from exc
        found = tokens.find(raw)
        if found is None:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已吊销")
        now = timezone.now()
        if found.last_used is None or now - found.last_used > dt.timedelta(minutes=1):
            type(found).objects.filter(pk=found.pk).update(last_used=now)
        return found.user, found

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "eduplan.web.api.auth.TokenAuthentication"
    name = "令牌"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "个人接口令牌：请求头 `Authorization: Token <令牌>`。令牌由 `eduplan user token 用户名` "
            "或“我的接口令牌”页面生成，权限与该用户的页面完全相同。",
        }
