"""The year a page shows: `?year=` when the data hold it, else the county's latest complete year; every page
shows the same picker, each incomplete year labelled 数据不完整（已报 r/n 所）."""

from __future__ import annotations

from django.http import HttpRequest

from eduplan.facts import Facts
from eduplan.indicators.completeness import YearChoice, choose_year


def asked_year(request: HttpRequest, param: str = "year") -> int | None:
    """`?year=` as a number; None when absent or not plain ASCII digits (`?year=²` must not be a 500)."""
    from eduplan.web import access

    return access.int_param(request, param)


def year_choice(request: HttpRequest, facts: Facts, unit: str, param: str = "year") -> YearChoice:
    """The year to show for `unit` (a county, or a township or school of one); a city or province supervisor
    sees the latest accepted year unless they ask for another."""
    from eduplan.web import access

    asked = asked_year(request, param)
    return choose_year(facts, unit, asked if asked is not None else access.accepted_year(request, unit[:6]))
