"""The finance pages: an overview, each school's floor, the county tests, the cost of the plan; their Excel files.

Every page and download is scoped through `eduplan.web.access`: the county comes from `county_of`, reading needs
"view", changing a unit cost "edit"; downloads and changes are written to the audit trail.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from eduplan.errors import EduplanError
from eduplan.facts import Facts
from eduplan.finance import budget, export
from eduplan.finance.rules import describe, rules_for
from eduplan.indicators.completeness import year_status
from eduplan.memo import per_facts
from eduplan.results import county_facts
from eduplan.web import access
from eduplan.web.charts import HLine, Series, line_chart
from eduplan.web.downloads import attachment
from eduplan.web.finance import services
from eduplan.web.finance.models import UnitCost
from eduplan.web.methods import method_html
from eduplan.web.schools.models import OrgUnit

MAX_UNIT_COST = 1e9


def _county(request: HttpRequest) -> tuple[dict[str, Any], OrgUnit | None, Facts | None]:
    """The page's base context (the counties to choose from, the county), the county and its facts."""
    county = access.county_of(request)
    if county is None:
        return {"counties": [], "county": None}, None, None
    access.require(request, county.code, "view")
    return {"counties": access.counties(request.user), "county": county}, county, county_facts(county.code)


def _year(request: HttpRequest, years: list[int]) -> int | None:
    asked = access.int_param(request, "year")
    return asked if asked in years else (years[-1] if years else None)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"finance/{template}.html", context)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context, county, facts = _county(request)
    if county is not None and facts is not None:
        report = services.floor_report(facts)
        years = services.county_report(facts, county.code)
        context |= {
            "report": report,
            "latest": years[-1] if years else None,
            "decided": next((y for y in reversed(years) if y.verdict != "unknown"), None),
            "history_chart": per_facts(facts, "floor-chart", lambda: _floor_chart(facts)),
        }
    return _page(request, "index", context)


def _floor_chart(facts: Facts) -> Any:
    from eduplan.finance.floors import school_floors

    # Schools that reported their allocation only, so that a late report does not look like a cut.
    reported = school_floors(facts).schools.filter(pl.col("allocated").is_not_null())
    totals = reported.group_by("year").agg(pl.col("floor", "allocated").sum()).sort("year")
    if totals.height < 2:
        return None
    rows = list(totals.iter_rows(named=True))
    floor = Series("应拨（核定）", [(r["year"], r["floor"] / 1e4) for r in rows])
    given = Series("实拨", [(r["year"], r["allocated"] / 1e4) for r in rows])
    return line_chart([floor, given], title="历年生均公用经费合计（已报拨付数的学校）", y_label="万元")


@login_required
def floors(request: HttpRequest) -> HttpResponse:
    context, county, facts = _county(request)
    if county is not None and facts is not None:
        years = services.floor_years(facts)
        year = _year(request, years)
        report = services.floor_report(facts, year) if year is not None else None
        rules = rules_for(county.code)
        status = year_status(facts, county.code).get(year) if year is not None else None
        context["completeness"] = status.label if status else ""
        context |= {"years_select": years, "year": year, "report": report,
                    "rules": describe(rules, year) if year else [], "small": rules.small,
                    "levels": [lv.name for lv in rules.levels]}  # fmt: skip
    return _page(request, "floors", context)


@login_required
def floors_xlsx(request: HttpRequest) -> HttpResponse:
    _, county, facts = _county(request)
    if county is None or facts is None:
        raise Http404("没有县级区划")
    year = _year(request, services.floor_years(facts))
    if year is None:
        raise Http404("没有经费数据")
    report = services.floor_report(facts, year)
    stream = io.BytesIO()
    export.write_floors(report.rows, report.todo, stream, f"{county.name}{year}-{year + 1} 学年")
    access.audit(request, "export", county.code, what="finance.floors", year=year)
    return attachment(stream.getvalue(), f"floors-{county.code}-{year}.xlsx")


@login_required
def county_tests(request: HttpRequest) -> HttpResponse:
    context, county, facts = _county(request)
    context["sources"] = budget.sources()
    if county is not None and facts is not None:
        years = services.county_report(facts, county.code)
        context |= {"years": list(reversed(years)), "charts": _county_charts(years)}
    return _page(request, "county", context)


def _county_charts(years: list[budget.CountyYear]) -> list[Any]:
    if len(years) < 2:
        return []
    per = Series("生均一般公共预算教育支出", [(y.year, y.per_student) for y in years])
    pay = [
        Series("义务教育教师", [(y.year, y.test("pay_parity").value) for y in years]),
        Series("当地公务员", [(y.year, y.test("pay_parity").reference) for y in years], dashed=True),
    ]
    return [
        line_chart([per], title="按在校学生人数平均的一般公共预算教育支出", y_label="元"),
        line_chart(pay, title="年平均工资收入", y_label="元"),
    ]


@login_required
def county_xlsx(request: HttpRequest) -> HttpResponse:
    _, county, facts = _county(request)
    if county is None or facts is None:
        raise Http404("没有县级区划")
    stream = io.BytesIO()
    export.write_county(services.county_report(facts, county.code), stream)
    access.audit(request, "export", county.code, what="finance.county")
    return attachment(stream.getvalue(), f"county-finance-{county.code}.xlsx")


@login_required
def cost(request: HttpRequest) -> HttpResponse:
    context, county, facts = _county(request)
    if county is not None and facts is not None:
        try:
            plan = services.plan_cost(facts, county.code)
            ahead = services.need(facts, county.code)
        except EduplanError as exc:
            context["error"] = exc.message
        else:
            context |= {"plan": plan, "ahead": ahead.to_dicts(), "need_chart": _need_chart(ahead),
                        "can_edit": access.can(request.user, county.code, "edit")}  # fmt: skip
    return _page(request, "cost", context)


def _need_chart(ahead: Any) -> Any:
    rows = ahead.to_dicts()
    if len(rows) < 2:
        return None
    series = [
        Series("应拨需求（随标准提高）", [(r["year"], r["need"] / 1e4) for r in rows]),
        Series(
            "按起点年标准",
            [(r["year"], (r["need_fixed_rates"] or r["need"]) / 1e4) for r in rows],
            dashed=True,
        ),
    ]
    allocated = rows[0].get("allocated")
    hlines = [HLine(allocated / 1e4, f"{rows[0]['year']} 年实拨")] if allocated else []
    return line_chart(series, title="生均公用经费需求（五年）", y_label="万元", hlines=hlines)


@login_required
@require_POST
def unit_costs(request: HttpRequest) -> HttpResponse:
    """Save the county's unit costs (edit permission): a changed figure replaces ours; 恢复 restores ours."""
    county = access.county_of(request)
    if county is None:
        raise Http404("没有县级区划")
    access.require(request, county.code, "edit")
    known = services.costs_for(county.code)
    changed, errors = {}, []
    for key, current in known.items():
        raw = request.POST.get(key, "").strip().replace(",", "")
        if raw == "" or key in request.POST.getlist("reset"):
            continue
        try:
            value = float(raw)
        except ValueError:
            errors.append(f"{current.label}：“{raw}”不是数字")
            continue
        if not 0 <= value <= MAX_UNIT_COST:
            errors.append(f"{current.label}：应在 0 到 {MAX_UNIT_COST:,.0f} 元之间")
        elif value != current.value:
            changed[key] = value
    target = f"/finance/cost/?unit={county.code}#unit-costs"
    if errors:
        for e in errors:
            messages.error(request, e)
        return redirect(target)
    editor = request.user if isinstance(request.user, User) else None
    for key, value in changed.items():
        UnitCost.objects.update_or_create(
            county=county.code,
            key=key,
            defaults={"value": value, "changed_by": editor},
        )
    reset = [k for k in request.POST.getlist("reset") if k in known]
    UnitCost.objects.filter(county=county.code, key__in=reset).delete()
    if changed or reset:
        access.audit(request, "edit", county.code, what="finance.unit_costs", changed=changed, reset=reset)
        messages.success(request, f"已保存 {len(changed)} 项，恢复系统设定 {len(reset)} 项")
    return redirect(target)


@login_required
def cost_xlsx(request: HttpRequest) -> HttpResponse:
    _, county, facts = _county(request)
    if county is None or facts is None:
        raise Http404("没有县级区划")
    plan = services.plan_cost(facts, county.code)
    if plan is None:
        raise Http404("没有在校生数据")
    stream = io.BytesIO()
    export.write_cost(plan, services.need(facts, county.code), stream)
    access.audit(request, "export", county.code, what="finance.cost")
    return attachment(stream.getvalue(), f"plan-cost-{county.code}.xlsx")


@login_required
def method(request: HttpRequest) -> HttpResponse:
    return _page(request, "method", {"body": method_html("eduplan.finance")})
