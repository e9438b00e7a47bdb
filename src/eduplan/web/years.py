"""The year a page shows: `?year=` when the data hold it, else the county's latest complete year; every page
shows the same picker, each incomplete year labelled 数据不完整（已报 r/n 所）."""

from __future__ import annotations

from django.http import HttpRequest

from eduplan.facts import Facts
from eduplan.indicators.completeness import YearChoice, choose_year


def asked_year(request: HttpRequest, param: str = "year") -> int | None:
    raw = request.GET.get(param, "")
    return int(raw) if raw.isdigit() else None


def year_choice(request: HttpRequest, facts: Facts, unit: str, param: str = "year") -> YearChoice:
    """The year to show for `unit` (a county, or a township or school of one)."""
    return choose_year(facts, unit, asked_year(request, param))
