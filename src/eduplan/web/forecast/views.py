"""学位预测 pages: zones coloured by warning level with a scenario editor, one zone's charts, the method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from eduplan import results
from eduplan.errors import EduplanError
from eduplan.facts import STAGE_NAMES, Facts
from eduplan.forecast.cohort import DEFAULT_METHOD
from eduplan.forecast.inputs import placement, unit_expr
from eduplan.forecast.places import LEVEL_NAMES, PROJECT_SCHEMA, known_places
from eduplan.forecast.planning import open_schools, planning_check
from eduplan.forecast.report import STAGES, PlacesReport, places_report, school_forecast
from eduplan.forecast.scenarios import Scenario
from eduplan.indicators.completeness import YearChoice, choose_year
from eduplan.memo import per_facts
from eduplan.results.judgements import Judged
from eduplan.results.producers import forecast_key
from eduplan.web import access
from eduplan.web.charts import Band, Series, line_chart
from eduplan.web.forecast.scenario_form import (
    ScenarioForm,
    parse_projects,
    parse_residents,
    parse_villages,
    parse_zone_migration,
)
from eduplan.web.methods import method_html


def _facts(unit: str) -> Facts:
    return results.county_facts(unit)  # one object per data version: the forecasts below are memoised on it


def _initial(request: HttpRequest) -> dict[str, Any]:
    """The form's data: the query, the county checked by access (404 for one the user may not read)."""
    data: dict[str, Any] = {"level": "zone", "horizon": 5, "migration": 0, "projects": ""}
    data.update({k: v for k, v in request.GET.items() if v != ""})
    county = access.county_of(request)
    data["unit"] = county.code if county else ""
    return data


def _names(facts: Facts) -> dict[str, str]:
    names = dict(facts.org_units.select("code", "name").iter_rows())
    names.update(dict(facts.schools.select("code", "name").iter_rows()))
    zones = facts.schools.filter(pl.col("zone").is_not_null()).select(unit_expr("zone"), "zone").unique()
    names.update(dict(zones.iter_rows()))
    return names


def _rows(report: PlacesReport, baseline: PlacesReport | None, names: dict[str, str]) -> list[dict[str, Any]]:
    base = (
        {}
        if baseline is None
        else {(r["unit"], r["stage"]): r for r in baseline.warnings.iter_rows(named=True)}
    )
    rows = []
    for w in report.warnings.filter(pl.col("stage").is_in(STAGES)).iter_rows(named=True):
        b = base.get((w["unit"], w["stage"]))
        rows.append({
            **w, "name": names.get(w["unit"], w["unit"]), "stage_name": STAGE_NAMES[w["stage"]],
            "level_name": LEVEL_NAMES[w["level"]], "base_gap": None if b is None else b["max_gap"],
            "base_level": None if b is None else LEVEL_NAMES[b["level"]],
        })  # fmt: skip
    order = {"red": 0, "amber": 1, "surplus": 2, "green": 3}
    return sorted(rows, key=lambda r: (order[r["level"]], -r["max_gap"]))


def _norms(facts: Facts, year: int, d: dict[str, Any]) -> list[dict[str, Any]] | None:
    residents, villages = parse_residents(d["residents"] or ""), parse_villages(d["villages"] or "")
    if residents is None and villages is None:
        return None
    names = _names(facts)
    check = planning_check(open_schools(facts.schools, facts.grade_year, year), residents, villages)
    return [{**r, "name": names.get(r["area"], r["area"])} for r in check.iter_rows(named=True)]


@dataclass(frozen=True)
class Inputs:
    """What a forecast page computes from: the county's facts, the origin year, projects and scenario."""

    facts: Facts
    choice: YearChoice
    origin: int
    projects: pl.DataFrame  # typed lines plus the plans' placed projects
    planned: list[dict[str, Any]]  # the plans' projects, placed or not, for the list per zone
    scenario: Scenario


def _inputs(d: dict[str, Any], with_plans: bool) -> Inputs:
    """Parse the form into the forecast's inputs; an unknown zone, school or stage is a DataError."""
    facts = _facts(d["unit"])
    choice = choose_year(facts, d["unit"], d["origin"])
    if choice.year is None:
        raise EduplanError("该地区没有任何学年的统计数据")
    origin = d["origin"] or choice.year
    places = known_places(facts.schools)
    typed = parse_projects(d["projects"] or "", places)
    planned = plan_projects(d["unit"], origin, places)
    placed = [p for p in planned if p["placed"]] if with_plans else []
    projects = pl.concat([typed, pl.DataFrame([p["row"] for p in placed], schema=PROJECT_SCHEMA)])
    units = set(placement(facts.schools, d["level"])["unit"].drop_nulls())
    scenario = Scenario(
        migration=d["migration"] or 0.0,
        migration_by_unit=parse_zone_migration(d["zone_migration"] or "", units),
    )
    return Inputs(facts, choice, origin, projects, planned, scenario)


def plan_projects(county: str, origin: int, places: dict[str, str]) -> list[dict[str, Any]]:
    """The building projects of the county's plans still to open after `origin`, one row per stage they add
    places to; `placed` when the forecast can count them (a known school or zone, places, a year)."""
    from eduplan.web.plans.models import Plan, Project

    plans = [p for p in Plan.objects.all() if county.startswith(p.region_code)]
    found = Project.objects.filter(plan__in=plans).exclude(status__in=("done", "dropped"))
    out = []
    for p in found.order_by("planned_year", "name"):
        where = p.school_code or p.zone
        ok = p.placed and where in places and (p.planned_year or 0) > origin
        for stage, added in p.places().items() or {"": 0}.items():
            row = {"name": p.name, "school": p.school_code or None, "zone": None if p.school_code else p.zone,
                   "stage": stage, "places": added, "year": p.planned_year}  # fmt: skip
            out.append({"project": p, "where": places.get(where, where or "未定位"), "stage_name": STAGE_NAMES.get(stage, "—"),
                        "places": added, "placed": ok, "row": row, "unit": where})  # fmt: skip
    return out


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm(_initial(request))
    with_plans = request.GET.get("plan_projects", "1") != "0"
    context: dict[str, Any] = {"form": form, "method": DEFAULT_METHOD.description(), "with_plans": with_plans}
    if not form.is_valid() or not form.cleaned_data["unit"]:
        return render(request, "forecast/index.html", context)
    d = form.cleaned_data
    try:
        inputs = _inputs(d, with_plans)
        report, baseline, changed, stored = _reports(inputs, d, with_plans)
        norms = _norms(inputs.facts, inputs.origin, d)
    except EduplanError as exc:
        context["error"] = exc.message
        return render(request, "forecast/index.html", context)
    names = _names(inputs.facts)
    rows = _rows(report, baseline, names)
    counts = {
        LEVEL_NAMES[k]: sum(r["level"] == k for r in rows) for k in ("red", "amber", "green", "surplus")
    }
    context.update(
        rows=rows, counts=counts, report=report, changed=changed, query=request.GET.urlencode(), norms=norms,
        stored=stored,
        large=report.large_classes.height, small=report.small_schools["school"].n_unique(),
        choice=inputs.choice, totals=_totals(report), planned=_planned_by_zone(inputs.planned),
    )  # fmt: skip
    return render(request, "forecast/index.html", context)


def _reports(
    inputs: Inputs, d: dict[str, Any], with_plans: bool = True
) -> tuple[PlacesReport, PlacesReport | None, bool, Judged[PlacesReport] | None]:
    """The places report of the scenario, the baseline's when the scenario changes anything, and the stored
    report shown (None for a scenario of the user's own). Without a scenario both are stored per data version
    (eduplan.results); a scenario's are memoised on the facts by everything they depend on."""
    facts, origin, horizon, level = inputs.facts, inputs.origin, d["horizon"], d["level"]
    no_scenario = not (d["projects"] or "").strip() and inputs.scenario.is_baseline()

    def stored(plans: bool) -> Judged[PlacesReport]:
        return results.judgement("forecast", d["unit"], forecast_key(level, origin, horizon, plans))

    def report(projects: pl.DataFrame, scenario: Scenario) -> PlacesReport:
        # The per-school forecast does not depend on the scenario: both reports reuse it.
        per_school = per_facts(
            facts, ("school_forecast", origin, horizon), lambda: school_forecast(facts, origin, horizon)
        )
        key = ("places", level, origin, horizon, projects.write_csv(), repr(scenario))
        return per_facts(facts, key, lambda: places_report(
            facts, level, origin, horizon, projects, scenario, schools_fc=per_school))  # fmt: skip

    changed = not inputs.projects.is_empty() or not inputs.scenario.is_baseline()
    shown = stored(with_plans) if no_scenario else None
    ours = shown.value if shown is not None else report(inputs.projects, inputs.scenario)
    return ours, stored(False).value if changed else None, changed, shown


def county_forecast(
    county: str, origin: int | None, level: str = "zone"
) -> tuple[PlacesReport, list[dict[str, Any]]]:
    """The /forecast/ page's report with its defaults (five years, no scenario, the plans' placed projects)
    and its warning rows, worst first: what the API serves. A county without data is an EduplanError."""
    form = ScenarioForm({"unit": county, "level": level, "horizon": 5, "origin": origin or ""})
    if not form.is_valid():
        raise EduplanError(
            "预测参数不正确：" + "；".join(f"{k}：{' '.join(map(str, v))}" for k, v in form.errors.items())
        )
    inputs = _inputs(form.cleaned_data, with_plans=True)
    report, _, _, _ = _reports(inputs, form.cleaned_data)
    return report, _rows(report, None, _names(inputs.facts))


def _totals(report: PlacesReport) -> list[dict[str, Any]]:
    """The units' totals per stage and year, with the region forecast made as one unit beside them."""
    if report.totals is None:
        return []
    frame = report.totals.filter(pl.col("stage").is_in(STAGES)).sort("stage", "year")
    return [r | {"stage_name": STAGE_NAMES[r["stage"]]} for r in frame.to_dicts()]


def _planned_by_zone(planned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plans' projects grouped by the zone (or school) they are placed in; unplaced ones last."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for p in planned:
        key = p["where"] if p["placed"] else "未定位（不计入预测）"
        groups.setdefault(key, []).append(p)
    return [
        {"zone": k, "projects": v}
        for k, v in sorted(groups.items(), key=lambda kv: kv[0].startswith("未定位"))
    ]


def zone_charts(report: PlacesReport, facts: Facts, unit: str) -> list[tuple[str, SafeString]]:
    """One chart per stage: actual pupils, the forecast and its range, the places line."""
    schools = placement(facts.schools, report.level).filter(pl.col("unit") == unit)["school"].to_list()
    history = (
        facts.grade_year.filter(pl.col("school").is_in(schools))
        .group_by("stage", "year")
        .agg(pl.col("enrollment").sum())
    )
    charts = []
    for stage in STAGES:
        g = report.gaps.filter((pl.col("unit") == unit) & (pl.col("stage") == stage)).sort("year")
        h = history.filter(pl.col("stage") == stage).sort("year")
        if g["demand"].sum() == 0 and h.is_empty():
            continue
        last = h.filter(pl.col("year") == report.origin)
        link = [(report.origin, float(last["enrollment"].sum()))] if not last.is_empty() else []
        chart = line_chart(
            [
                Series("实际在校生", [(y, float(v)) for y, v in h.select("year", "enrollment").iter_rows()]),
                Series(
                    "预测在校生",
                    link + [(y, v) for y, v in g.select("year", "demand").iter_rows()],
                    dashed=True,
                ),
                Series(
                    "学位",
                    [(y, float(v)) for y, v in g.select("year", "capacity").iter_rows()],
                    color="#c62828",
                ),
            ],
            bands=[
                Band("预测区间", [(y, lo, hi) for y, lo, hi in g.select("year", "low", "high").iter_rows()])
            ],
            title=f"{STAGE_NAMES[stage]}：在校生与学位",
            y_label="人",
        )
        charts.append((STAGE_NAMES[stage], chart))
    return charts


@login_required
def zone(request: HttpRequest, unit: str = "") -> HttpResponse:
    """One zone (or township, school): `?zone=` carries its key, so any character in a zone name is safe."""
    unit = request.GET.get("zone", unit)
    form = ScenarioForm(_initial(request))
    if not form.is_valid():
        raise Http404("参数不正确")
    d = form.cleaned_data
    with_plans = request.GET.get("plan_projects", "1") != "0"
    try:
        inputs = _inputs(d, with_plans)
        report = _reports(inputs, d, with_plans)[0]
    except EduplanError as exc:
        return render(request, "forecast/index.html", {"form": form, "error": exc.message})
    gaps = report.gaps.filter(pl.col("unit") == unit)
    if gaps.is_empty():
        raise Http404("没有这个学区")
    taught = gaps.filter(pl.col("demand") > 0)["stage"].unique().to_list()
    ratios = report.ratios.filter((pl.col("unit") == unit) & pl.col("stage").is_in(taught)).with_columns(
        pl.col("stage").replace_strict(STAGE_NAMES, default=pl.col("stage")).alias("stage_name")
    )
    names = _names(inputs.facts)
    here = {unit, *placement(inputs.facts.schools, d["level"]).filter(pl.col("unit") == unit)["school"]}
    planned = [p for p in inputs.planned if p["placed"] and p["unit"] in here]
    context = {
        "unit": unit, "name": names.get(unit, unit), "charts": zone_charts(report, inputs.facts, unit),
        "gaps": gaps.with_columns(pl.col("stage").replace_strict(STAGE_NAMES).alias("stage_name")).to_dicts(),
        "ratios": ratios.to_dicts(), "query": _without(request, "zone"), "report": report, "planned": planned,
    }  # fmt: skip
    return render(request, "forecast/zone.html", context)


def _without(request: HttpRequest, key: str) -> str:
    query = request.GET.copy()
    query.pop(key, None)
    return query.urlencode()


@login_required
def method(request: HttpRequest) -> HttpResponse:
    return render(request, "forecast/method.html", {"body": method_html("eduplan.forecast")})
