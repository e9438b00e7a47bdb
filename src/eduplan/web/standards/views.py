"""The evaluation pages: verdict, schools coloured by pass/fail, CV chart, to-do list, entries, history."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from eduplan.errors import EduplanError
from eduplan.facts import STAGE_NAMES, Facts
from eduplan.standards.export import write_todo
from eduplan.standards.gaps import teacher_surplus
from eduplan.standards.loader import load
from eduplan.standards.result import STATUS_NAMES, Evaluation
from eduplan.web import access
from eduplan.web.downloads import attachment
from eduplan.web.methods import method_html
from eduplan.web.schools.models import OrgUnit
from eduplan.web.schools.store import load_facts
from eduplan.web.standards import pages
from eduplan.web.standards.models import EnteredItem


def _scope(request: HttpRequest) -> tuple[list[OrgUnit], OrgUnit | None, Facts | None, list[int], int | None]:
    counties = access.counties(request.user)
    county = access.county_of(request)
    if county is None:
        return counties, None, None, [], None
    facts = load_facts(county.code)
    years = pages.years_of(facts)
    asked = access.int_param(request, "year")
    year = asked if asked in years else access.default_year(request, county.code, years)
    return counties, county, facts, years, year


@login_required
def index(request: HttpRequest) -> HttpResponse:
    counties, county, facts, years, year = _scope(request)
    summary: list[tuple[str, str, Evaluation | None, str]] = []
    if county and facts is not None and year:
        for kind, name in pages.KIND_NAMES.items():
            try:
                summary.append((kind, name, pages.run(kind, facts, county.code, year), ""))
            except EduplanError as exc:
                summary.append((kind, name, None, exc.message))
    context = {"counties": counties, "county": county, "years": years, "year": year, "summary": summary}
    return render(request, "standards/index.html", context)


@login_required
def evaluation(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in pages.KIND_NAMES:
        raise Http404(kind)
    counties, county, facts, years, year = _scope(request)
    context: dict[str, Any] = {
        "kind": kind,
        "kind_name": pages.KIND_NAMES[kind],
        "counties": counties,
        "county": county,
        "years": years,
        "year": year,
        "status_names": STATUS_NAMES,
    }
    if county and facts is not None and year:
        try:
            context |= _evaluation_context(request, kind, facts, county.code, year)
        except EduplanError as exc:
            context["error"] = exc.message
    return render(request, "standards/evaluation.html", context)


def _evaluation_context(
    request: HttpRequest, kind: str, facts: Facts, unit: str, year: int
) -> dict[str, Any]:
    result = pages.run(kind, facts, unit, year)
    rows = pages.history(kind, facts, unit, result)
    stages = [
        {
            "code": st,
            "name": STAGE_NAMES[st],
            "result": s,
            "chart": pages.cv_chart(result, st),
            "rows": pages.school_rows(result, st),
            "headers": pages.headers(result, st),
        }
        for st, s in result.stages.items()
    ]
    context: dict[str, Any] = {
        "result": result,
        "stages": stages,
        "item_groups": pages.item_groups(result),
        "history": rows,
        "history_chart": (
            pages.rate_history(rows) if kind == "preschool" else pages.history_chart(rows, kind)
        ),
        "can_enter": access.can(request.user, unit, "edit"),
        "entered": EnteredItem.objects.filter(unit=unit, year=year, kind=kind),
    }
    if kind == "balanced":
        mode = _mode(request)
        context["plan"], context["gaps"] = pages.todo(result, mode)
        context["surplus"] = teacher_surplus(result, load("balanced", unit), context["plan"])
        context["mode"] = mode
    return context


def _mode(request: HttpRequest) -> str:
    return "count" if request.GET.get("mode") == "count" else "cost"


@login_required
def todo_xlsx(request: HttpRequest) -> HttpResponse:
    _, county, facts, _, year = _scope(request)
    if county is None or facts is None or year is None:
        raise Http404("no county")
    result = pages.run("balanced", facts, county.code, year)
    mode = _mode(request)
    todo, gaps = pages.todo(result, mode)
    stream = io.BytesIO()
    write_todo(todo, gaps, stream, f"{result.name} {county.name} {year} 学年")
    access.audit(request, "export", county.code, what="todo.xlsx", year=year)
    return attachment(stream.getvalue(), f"todo-{county.code}-{year}.xlsx")


@login_required
@require_POST
def enter(request: HttpRequest, kind: str) -> HttpResponse:
    """Record a hand-entered item with its evidence (a county office of that county)."""
    unit, year, item = (
        request.POST.get("unit", ""),
        request.POST.get("year", ""),
        request.POST.get("item", ""),
    )
    evidence = request.POST.get("evidence", "").strip()
    target = f"/standards/{kind}/?unit={unit}&year={year}#items"
    if kind not in pages.KIND_NAMES or not (year.isascii() and year.isdigit()) or not item:
        raise Http404("bad entry")
    if not OrgUnit.objects.filter(code=unit, level="county").exists() or not access.can(request.user, unit):
        raise Http404(f"no county {unit}")
    access.require(request, unit, "edit")
    if not evidence:
        messages.error(request, "请填写佐证材料（文件名与文号、调查报告或检查记录）")
        return redirect(target)
    EnteredItem.objects.update_or_create(
        unit=unit,
        year=int(year),
        kind=kind,
        item=item,
        defaults={
            "passed": request.POST.get("passed") == "yes",
            "evidence": evidence,
            "entered_by": request.user,  # type: ignore[misc]
        },
    )
    messages.success(request, "已录入")
    return redirect(target)


@login_required
def method(request: HttpRequest) -> HttpResponse:
    """The method page: the package's method.md (also docs/standards.md) rendered to HTML."""
    return render(request, "standards/method.html", {"body": method_html("eduplan.standards")})
