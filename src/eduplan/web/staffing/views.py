"""教师编制 pages: the county (school × subject, red where short), one school, the rotation plan, two workbooks.

Every view scopes through `eduplan.web.access`: aggregates need "view"; the teacher list and the plan's named
moves need "personal" and are logged with `access.audit`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from eduplan.errors import DataError, EduplanError
from eduplan.facts import APPRAISALS, BACKBONE_LEVELS, STAGE_NAMES, SUBJECTS, TITLES, Facts
from eduplan.memo import per_facts
from eduplan.results import county_facts
from eduplan.staffing import posts
from eduplan.staffing.after import TEACHER_INDICATORS, balanced_teachers
from eduplan.staffing.export import write_moves, write_shortage
from eduplan.staffing.plan import Plan, make_plan
from eduplan.staffing.posts import SUBJECT_NAMES, county_totals
from eduplan.staffing.rules import Rules
from eduplan.web import access
from eduplan.web.downloads import attachment
from eduplan.web.methods import method_html
from eduplan.web.schools.models import OrgUnit, School
from eduplan.web.staffing import pages
from eduplan.web.years import year_choice

INDICATOR_NAMES = {
    "teachers_above_degree": "每百名学生拥有高于规定学历教师数",
    "teachers_backbone": "每百名学生拥有县级以上骨干教师数",
    "teachers_pe_arts": "每百名学生拥有体育、艺术专任教师数",
}


def _per_version(
    table: Callable[[Facts, str, int], pl.DataFrame],
) -> Callable[[Facts, str, int], pl.DataFrame]:
    """`table(facts, unit, year)` made once per facts object (a data version), not once per page."""

    def once(facts: Facts, unit: str, year: int) -> pl.DataFrame:
        return per_facts(facts, (table.__name__, unit, year), lambda: table(facts, unit, year))

    return once


subject_table = _per_version(posts.subject_table)
establishment_table = _per_version(posts.establishment_table)
outlook = _per_version(posts.outlook)


def _county(request: HttpRequest) -> OrgUnit:
    county = access.county_of(request)
    if county is None:
        raise Http404("没有可查看的县（区）")
    access.require(request, county.code, "view")
    return county


def _scope(request: HttpRequest) -> dict[str, Any]:
    """The county, its facts and the year the page shows (the site's year picker and completeness note)."""
    county = _county(request)
    facts = county_facts(county.code)
    choice = year_choice(request, facts, county.code)
    return {"county": county, "counties": access.counties(request.user), "facts": facts, "choice": choice,
            "year": choice.year}  # fmt: skip


@login_required
@require_safe
def county(request: HttpRequest) -> HttpResponse:
    context = _scope(request)
    facts, unit, year = context["facts"], context["county"].code, context["year"]
    if year is not None:
        try:
            table = subject_table(facts, unit, year)
            context["columns"], context["rows"] = pages.matrix(table)
            context["totals"] = pages.totals_rows(table)
            context["establishment"] = establishment_table(facts, unit, year).to_dicts()
        except EduplanError as exc:
            context["error"] = exc.message
        try:
            context["outlook"] = pages.outlook_rows(outlook(facts, unit, year))
            context["outlook_subjects"] = pages.outlook_subjects()
        except EduplanError as exc:
            context["outlook_error"] = exc.message
    return render(request, "staffing/county.html", context)


@login_required
@require_safe
def school(request: HttpRequest, code: str) -> HttpResponse:
    found = School.objects.filter(code=code).select_related("township").first()
    if found is None or not access.can(request.user, code, "view"):
        raise Http404("没有这所学校，或无权查看")
    unit = found.township.code[:6]
    facts = county_facts(unit)
    choice = year_choice(request, facts, unit)
    year = choice.year
    context: dict[str, Any] = {
        "school": found,
        "choice": choice,
        "year": year,
        "unit": unit,
        "teachers": None,
    }
    if year is None:
        return render(request, "staffing/school.html", context)
    try:
        table = subject_table(facts, unit, year).filter(pl.col("school") == code)
        context["rows"] = _subject_rows(table)
        ahead = outlook(facts, unit, year).filter(pl.col("school") == code)
        context["ahead"] = _ahead(ahead)
        context["establishment"] = (
            establishment_table(facts, unit, year).filter(pl.col("school") == code).to_dicts()
        )
    except EduplanError as exc:
        context["error"] = exc.message
    if access.can(request.user, code, "personal"):
        context["teachers"] = _teachers(facts, code, year)
        access.audit(request, "view_personal", code, what="teachers", year=year)
    return render(request, "staffing/school.html", context)


def _subject_rows(table: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        r | {"stage_name": STAGE_NAMES.get(r["stage"] or "", "全校"), "subject_name": SUBJECT_NAMES.get(r["subject"], r["subject"]),
             **pages.cell(r["gap"])}
        for r in table.to_dicts()
    ]  # fmt: skip


def _ahead(frame: pl.DataFrame) -> dict[str, Any]:
    years = sorted(set(frame["year"].to_list()))
    rows: dict[tuple[str | None, str], dict[int, dict[str, Any]]] = {}
    for r in frame.iter_rows(named=True):
        rows.setdefault((r["stage"], r["subject"]), {})[r["year"]] = pages.cell(r["gap"])
    out = [
        {"stage": STAGE_NAMES.get(stage or "", "全校"), "subject": SUBJECT_NAMES.get(subject, subject),
         "cells": [cells.get(y, pages.cell(None)) for y in years]}
        for (stage, subject), cells in sorted(rows.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
    ]  # fmt: skip
    return {"years": years, "rows": out}


def _teachers(facts: Facts, code: str, year: int) -> list[dict[str, Any]]:
    people = facts.teachers.filter((pl.col("school") == code) & (pl.col("year") <= year))
    if people.is_empty():
        return []
    latest = people["year"].max()
    rows = people.filter(pl.col("year") == latest).sort("stage", "subject", "teacher").to_dicts()
    for r in rows:  # anonymous id, no name: what the personnel office needs to place a teacher
        r.update(stage_name=STAGE_NAMES.get(r["stage"], r["stage"]), subject_name=SUBJECTS.get(r["subject"], r["subject"]),
                 title_name=TITLES.get(r["title"] or "", "—"), backbone_name=BACKBONE_LEVELS.get(r["backbone"] or "", ""),
                 appraisal_name=APPRAISALS.get(r["appraisal"] or "", "—"),
                 years=None if r["joined_year"] is None else year - r["joined_year"])  # fmt: skip
    return rows


# ---------------------------------------------------------------------------------------------- the plan


def _plan(request: HttpRequest, context: dict[str, Any]) -> Plan:
    query = request.GET
    rules = pages.rules_from(query)
    context["fields"] = pages.rule_fields(rules)
    locks = pages.lines_of(query.get("locks", ""))
    bad = [" ".join(line) for line in locks if len(line) != 2]
    if bad:
        raise DataError(f"锁定的调动每行写“教师编号,学校标识码”：{'；'.join(bad)}", english="bad lock lines")
    exclude = [p for line in pages.lines_of(query.get("exclude", "")) for p in line]
    facts, unit, year = context["facts"], context["county"].code, context["plan_year"]
    key = ("rotation-plan", unit, year, repr(rules), repr(locks), repr(exclude))  # once per data version
    return per_facts(facts, key, lambda: make_plan(facts, unit, year, rules, [(t, s) for t, s in locks], exclude,
                                                   with_baseline=True))  # fmt: skip


def _plan_scope(request: HttpRequest) -> dict[str, Any]:
    context = _scope(request)
    years = pages.teacher_years(context["facts"])
    asked = access.int_param(request, "year")
    context["plan_years"] = years
    context["plan_year"] = asked if asked in years else (years[-1] if years else None)
    context["locks"], context["exclude"] = request.GET.get("locks", ""), request.GET.get("exclude", "")
    context["query"] = request.GET.urlencode()
    return context


@login_required
@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    context = _plan_scope(request)
    context["fields"] = pages.rule_fields(Rules())
    if context["plan_year"] is None:
        context["error"] = "该县没有专任教师名册：交流方案要用名册（编制与学科缺口仍可在县页面查看）"
        return render(request, "staffing/plan.html", context)
    try:
        result = _plan(request, context)
    except EduplanError as exc:
        context["error"] = exc.message
        return render(request, "staffing/plan.html", context)
    unit = context["county"].code
    balanced = per_facts(result, "balanced", lambda: _balanced(context["facts"], result))
    context.update(plan=result, summary=result.to_json(), balanced=balanced)
    context["can_personal"] = access.can(request.user, unit, "personal")
    if context["can_personal"]:
        access.audit(request, "view_personal", unit, what="rotation_plan", year=context["plan_year"])
    context["pairs"] = _pairs(result)
    return render(request, "staffing/plan.html", context)


def _balanced(facts: Facts, result: Plan) -> dict[str, Any]:
    data = balanced_teachers(facts, result)
    if "error" in data:
        return data
    rows = []
    for stage in ("primary", "junior"):
        for code in TEACHER_INDICATORS:
            b = data["before"]["stages"].get(stage, {}).get(code)
            a = data["after"]["stages"].get(stage, {}).get(code)
            if b and a:
                rows.append(
                    {"stage": STAGE_NAMES[stage], "name": INDICATOR_NAMES[code], "before": b, "after": a}
                )
    return {
        "rows": rows,
        "rotation_before": data["before"]["rotation"],
        "rotation_after": data["after"]["rotation"],
    }


def _pairs(result: Plan) -> list[dict[str, Any]]:
    """Moves counted by school pair: what a reader without personal-data rights may see."""
    counts: dict[tuple[str, str], int] = {}
    for m in result.moves:
        counts[(m.from_name, m.to_name)] = counts.get((m.from_name, m.to_name), 0) + 1
    return [{"from": f, "to": t, "n": n} for (f, t), n in sorted(counts.items())]


@login_required
@require_safe
def plan_xlsx(request: HttpRequest) -> HttpResponse:
    context = _plan_scope(request)
    unit = context["county"].code
    access.require(request, unit, "personal")
    if context["plan_year"] is None:
        raise Http404("没有专任教师名册")
    try:
        result = _plan(request, context)
    except EduplanError as exc:
        return HttpResponse(
            f"无法生成交流名单：{exc.message}", status=400, content_type="text/plain; charset=utf-8"
        )
    stream = io.BytesIO()
    write_moves(result, stream, f"{context['county'].name} {context['plan_year']} 学年交流轮岗方案")
    access.audit(
        request,
        "export_personal",
        unit,
        what="rotation_plan",
        year=context["plan_year"],
        moves=len(result.moves),
    )
    return attachment(stream.getvalue(), f"rotation-{unit}-{context['plan_year']}.xlsx")


@login_required
@require_safe
def shortage_xlsx(request: HttpRequest) -> HttpResponse:
    context = _scope(request)
    facts, unit, year = context["facts"], context["county"].code, context["year"]
    if year is None:
        raise Http404("没有在校生统计")
    try:
        table = subject_table(facts, unit, year)
    except EduplanError as exc:
        return HttpResponse(
            f"无法生成缺编报表：{exc.message}", status=400, content_type="text/plain; charset=utf-8"
        )
    try:
        ahead: pl.DataFrame | None = outlook(facts, unit, year)
    except EduplanError:
        ahead = None  # no forecast (too little history): the workbook has today's sheets only
    stream = io.BytesIO()
    write_shortage(table, county_totals(table), establishment_table(facts, unit, year), ahead, stream,
                   f"{context['county'].name} {year} 学年缺编报表")  # fmt: skip
    access.audit(request, "export", unit, what="shortage", year=year)
    return attachment(stream.getvalue(), f"shortage-{unit}-{year}.xlsx")


@login_required
@require_safe
def method(request: HttpRequest) -> HttpResponse:
    return render(request, "staffing/method.html", {"body": method_html("eduplan.staffing")})
