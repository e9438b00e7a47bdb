"""The site's error pages, in Chinese and with its navigation: 403, 404 and 500 (never a traceback)."""

from __future__ import annotations

import logging
import re

from django.http import HttpRequest, HttpResponse
from django.template import loader

log = logging.getLogger("eduplan.web")
CJK = re.compile(r"[\u4e00-\u9fff]")
PLAIN_500 = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>系统出错</title></head><body>'
    '<h1>系统出错了</h1><p>处理这个请求时出现了意外错误。请稍后再试。</p><p><a href="/">返回首页</a></p></body></html>'
)


def _message(exception: Exception | None) -> str:
    """The exception's message when it was written for people (Chinese), else nothing."""
    text = str(exception.args[0]) if exception is not None and exception.args else ""
    return text if CJK.search(text) else ""


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    html = loader.render_to_string("404.html", {"message": _message(exception)}, request)
    return HttpResponse(html, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    html = loader.render_to_string("403.html", {"message": _message(exception)}, request)
    return HttpResponse(html, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page with the site's navigation; if even that fails (the database is down), a plain one."""
    html: str
    try:
        html = loader.render_to_string("500.html", {}, request)
    except Exception:  # the error page must never raise in turn
        log.exception("the 500 page itself failed")
        html = PLAIN_500
    return HttpResponse(html, status=500)
