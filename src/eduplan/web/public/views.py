"""Public pages: no login (`access.public`), cacheable (Cache-Control and an ETag of the page's content)."""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control

from eduplan.errors import EduplanError
from eduplan.web import access
from eduplan.web.plans.models import Plan
from eduplan.web.public import site

# Browsers and proxies may reuse a page for this long; the ETag makes a later check cheap.
MAX_AGE_SECONDS = 600


def _cacheable(request: HttpRequest, html: str) -> HttpResponse:
    etag = '"' + hashlib.sha256(html.encode("utf-8")).hexdigest()[:32] + '"'
    cached = get_conditional_response(request, etag=etag)
    response = cached if cached is not None else HttpResponse(html)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response


@access.public
def index(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.filter(status=Plan.Status.ADOPTED).order_by("region_code", "-period_start")
    counties = {p.region_code: p for p in plans if len(p.region_code) == 6}
    return _cacheable(request, render_to_string("public/index.html", {"plans": list(counties.values())}))


@access.public
def county(request: HttpRequest, county: str) -> HttpResponse:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and 1990 <= int(raw) <= 2100 else None
    try:
        html = site.render(county, year)
    except EduplanError as exc:
        raise Http404(exc.message) from exc
    return _cacheable(request, html)
