"""The county page: its townships and schools with their latest statistics."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from eduplan import results
from eduplan.facts import LOCALES, OWNERSHIPS, SCHOOL_TYPES
from eduplan.memo import per_facts
from eduplan.store import load_facts
from eduplan.web import access
from eduplan.web.charts import Series, line_chart
from eduplan.web.schools.models import School
from eduplan.web.schools.overview import county_overview, school_history
from eduplan.web.years import year_choice


@login_not_required
def county(request: HttpRequest) -> HttpResponseBase:
    """`/`: the login form for visitors (200, not a redirect), the county page once signed in; a school's
    filler goes to their school, an administrator without data to their own pages."""
    if not request.user.is_authenticated:
        return LoginView.as_view(extra_context={"next": "/"})(request)
    chosen = access.county_of(request)
    if chosen is None:
        school = access.visible(request.user, School.objects.order_by("code")).first()
        if school is not None:
            return redirect("schools:school", code=school.code)
        if access.can(request.user, "", "audit"):
            return redirect("accounts:audit")
    context: dict[str, Any] = {"counties": access.counties(request.user), "county": chosen}
    if chosen is not None:
        facts = results.county_facts(chosen.code)
        choice = year_choice(request, facts, chosen.code)
        overview = per_facts(facts, ("overview", choice.year), lambda: county_overview(facts, choice.year))
        context |= {
            "choice": choice,
            "year": overview.year,
            "totals": overview.totals(),
            "schools": overview.schools.to_dicts(),
            "townships": overview.townships.to_dicts(),
        }
    return render(request, "schools/county.html", context)


@login_required
def school(request: HttpRequest, code: str) -> HttpResponse:
    """One school: what it is, and its pupils, classes and teachers year by year."""
    access.get_object(request, School, code=code)
    facts = load_facts(code)
    info = facts.schools.row(0, named=True)
    names = dict(zip(facts.org_units["code"], facts.org_units["name"], strict=True))
    history = school_history(facts)
    points = list(zip(history["year"], history["enrollment"], strict=True))
    chart = line_chart([Series("在校生", points)], title="在校生数", y_label="人") if history.height else ""
    context = {
        "school": info,
        "township": names.get(info["township"], info["township"]),
        "county": next((n for c, n in names.items() if len(c) == 6), ""),
        "type_name": SCHOOL_TYPES[info["school_type"]][0],
        "ownership_name": OWNERSHIPS.get(info["ownership"], ""),
        "locale_name": LOCALES.get(info["locale"], ""),
        "years": history.to_dicts(),
        "chart": chart,
    }
    return render(request, "schools/school.html", context)
