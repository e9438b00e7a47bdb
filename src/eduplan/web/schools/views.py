"""The county page: its townships and schools with their latest statistics."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from eduplan.web.schools.models import OrgUnit
from eduplan.web.schools.overview import county_overview
from eduplan.web.schools.store import load_facts


def county(request: HttpRequest) -> HttpResponseBase:
    """`/`: the login form for visitors (200, not a redirect), the county page once signed in."""
    if not request.user.is_authenticated:
        return LoginView.as_view(extra_context={"next": "/"})(request)
    counties = list(OrgUnit.objects.filter(level="county").order_by("code"))
    chosen = next(
        (c for c in counties if c.code == request.GET.get("unit")), counties[0] if counties else None
    )
    context: dict[str, Any] = {"counties": counties, "county": chosen}
    if chosen is not None:
        overview = county_overview(load_facts(chosen.code), _year(request.GET.get("year")))
        context |= {
            "year": overview.year,
            "years": overview.years,
            "totals": overview.totals(),
            "schools": overview.schools.to_dicts(),
            "townships": overview.townships.to_dicts(),
        }
    return render(request, "schools/county.html", context)


def _year(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() else None
