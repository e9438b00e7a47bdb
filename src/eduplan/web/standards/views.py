"""The evaluation pages: verdict, schools coloured by pass/fail, CV chart, to-do list, entries, history."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from eduplan import results
from eduplan.errors import EduplanError
from eduplan.facts import STAGE_NAMES, Facts
from eduplan.indicators.completeness import YearChoice
from eduplan.memo import per_facts
from eduplan.standards.export import write_todo
from eduplan.standards.gaps import teacher_surplus, wan
from eduplan.standards.loader import load
from eduplan.standards.result import Evaluation
from eduplan.web import access
from eduplan.web.downloads import attachment
from eduplan.web.methods import method_html
from eduplan.web.schools.models import OrgUnit
from eduplan.web.standards import pages
from eduplan.web.standards.entries import entries
from eduplan.web.standards.models import EnteredItem
from eduplan.web.years import year_choice


@dataclass(frozen=True)
class Scope:
    """The county asked for (scoped by access), its facts and the year: by default the latest complete one."""

    counties: list[OrgUnit]
    county: OrgUnit | None
    facts: Facts | None
    choice: YearChoice | None

    @property
    def year(self) -> int | None:
        return None if self.choice is None else self.choice.year

    def context(self) -> dict[str, Any]:
        return {"counties": self.counties, "county": self.county, "choice": self.choice, "year": self.year}


def _scope(request: HttpRequest) -> Scope:
    county = access.county_of(request)
    counties = access.counties(request.user)
    if county is None:
        return Scope(counties, None, None, None)
    facts = results.county_facts(county.code)
    return Scope(counties, county, facts, year_choice(request, facts, county.code))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    summary: list[tuple[str, str, Evaluation | None, str]] = []
    stored = None  # the first evaluation being refreshed, for the page's note
    if scope.county and scope.facts is not None and scope.year:
        for kind, name in pages.KIND_NAMES.items():
            try:
                judged = pages.judged(kind, scope.county.code, scope.year)
                summary.append((kind, name, judged.value, ""))
                stored = stored if stored is not None and not stored.fresh else judged
            except EduplanError as exc:
                summary.append((kind, name, None, exc.message))
    context = scope.context() | {"summary": summary, "stored": stored}
    return render(request, "standards/index.html", context)


@login_required
def evaluation(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in pages.KIND_NAMES:
        raise Http404("没有这项评估")
    scope = _scope(request)
    context: dict[str, Any] = scope.context() | {"kind": kind, "kind_name": pages.KIND_NAMES[kind]}
    if scope.county and scope.facts is not None and scope.year:
        try:
            context |= _evaluation_context(request, kind, scope.facts, scope.county.code, scope.year)
        except EduplanError as exc:
            context["error"] = exc.message
    return render(request, "standards/evaluation.html", context)


def _evaluation_context(
    request: HttpRequest, kind: str, facts: Facts, unit: str, year: int
) -> dict[str, Any]:
    judged = pages.judged(kind, unit, year)
    result = judged.value
    rows = pages.history(kind, facts, unit, result)
    # drawn once per evaluation (memoised per data version and entered items), not once per request
    stages = per_facts(result, "stages", lambda: [
        {
            "code": st,
            "name": STAGE_NAMES[st],
            "result": s,
            "chart": pages.cv_chart(result, st),
            "rows": pages.school_rows(result, st),
            "headers": pages.headers(result, st),
        }
        for st, s in result.stages.items()
    ])  # fmt: skip
    given = repr(sorted(entries(unit, year, kind).items())).encode()
    context: dict[str, Any] = {
        "stored": judged,
        "fragment": judged,  # fragments keyed by the stored evaluation they are drawn from
        "entries_key": hashlib.sha256(given).hexdigest()[:16],
        "result": result,
        "stages": stages,
        "item_groups": pages.item_groups(result, pages.unit_names(facts)),
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
        context["plan_total"] = wan(context["plan"].total_cost)
        context["surplus"] = teacher_surplus(result, load("balanced", unit), context["plan"])
        context["mode"] = mode
    return context


def _mode(request: HttpRequest) -> str:
    return "count" if request.GET.get("mode") == "count" else "cost"


@login_required
def todo_xlsx(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    county, facts, year = scope.county, scope.facts, scope.year
    if county is None or facts is None or year is None:
        raise Http404("没有县级单位或数据")
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
        raise Http404("录入内容不完整")
    if not OrgUnit.objects.filter(code=unit, level="county").exists() or not access.can(request.user, unit):
        raise Http404("没有这个县级单位")
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
