"""学位预测 pages: zones coloured by warning level with a scenario editor, one zone's charts, the method."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from eduplan.errors import EduplanError
from eduplan.facts import STAGE_NAMES, Facts
from eduplan.forecast.cohort import DEFAULT_METHOD
from eduplan.forecast.inputs import placement, unit_expr
from eduplan.forecast.places import LEVEL_NAMES, empty_projects
from eduplan.forecast.planning import open_schools, planning_check
from eduplan.forecast.report import STAGES, PlacesReport, places_report, school_forecast
from eduplan.forecast.scenarios import Scenario
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
    from eduplan.web.schools.store import load_facts

    return load_facts(unit)


def _initial(request: HttpRequest) -> dict[str, Any]:
    """The form's data: the query, the county checked by access (404 for one the user may not read)."""
    data: dict[str, Any] = {"level": "zone", "horizon": 5, "migration": 0, "projects": ""}
    data.update({k: v for k, v in request.GET.items() if v != ""})
    county = access.county_of(request)
    if "unit" in data:
        access.require(request, data["unit"])
    else:
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


def _scenario(d: dict[str, Any]) -> Scenario:
    return Scenario(
        migration=d["migration"] or 0.0, migration_by_unit=parse_zone_migration(d["zone_migration"] or "")
    )


def _norms(facts: Facts, year: int, d: dict[str, Any]) -> list[dict[str, Any]] | None:
    residents, villages = parse_residents(d["residents"] or ""), parse_villages(d["villages"] or "")
    if residents is None and villages is None:
        return None
    names = _names(facts)
    check = planning_check(open_schools(facts.schools, facts.grade_year, year), residents, villages)
    return [{**r, "name": names.get(r["area"], r["area"])} for r in check.iter_rows(named=True)]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm(_initial(request))
    context: dict[str, Any] = {"form": form, "method": DEFAULT_METHOD.label()}
    if not form.is_valid() or not form.cleaned_data["unit"]:
        return render(request, "forecast/index.html", context)
    d = form.cleaned_data
    try:
        facts = _facts(d["unit"])
        origin = d["origin"] or int(facts.grade_year["year"].max())  # type: ignore[arg-type]
        projects = parse_projects(d["projects"] or "", set(facts.schools["code"].to_list()))
        scenario = _scenario(d)
        # The per-school forecast does not depend on the scenario: the baseline report reuses it.
        per_school = school_forecast(facts, origin, d["horizon"])
        report = places_report(
            facts, d["level"], origin, d["horizon"], projects, scenario, schools_fc=per_school
        )
        changed = not projects.is_empty() or not scenario.is_baseline()
        norms = _norms(facts, origin, d)
        baseline = (
            places_report(facts, d["level"], origin, d["horizon"], empty_projects(), schools_fc=per_school)
            if changed
            else None
        )
    except EduplanError as exc:
        context["error"] = exc.message
        return render(request, "forecast/index.html", context)
    rows = _rows(report, baseline, _names(facts))
    counts = {
        LEVEL_NAMES[k]: sum(r["level"] == k for r in rows) for k in ("red", "amber", "green", "surplus")
    }
    context.update(
        rows=rows, counts=counts, report=report, changed=changed, query=request.GET.urlencode(), norms=norms,
        large=report.large_classes.height, small=report.small_schools["school"].n_unique(),
    )  # fmt: skip
    return render(request, "forecast/index.html", context)


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
def zone(request: HttpRequest, unit: str) -> HttpResponse:
    form = ScenarioForm(_initial(request))
    if not form.is_valid():
        raise Http404("参数不正确")
    d = form.cleaned_data
    try:
        facts = _facts(d["unit"])
        origin = d["origin"] or int(facts.grade_year["year"].max())  # type: ignore[arg-type]
        projects = parse_projects(d["projects"] or "", set(facts.schools["code"].to_list()))
        report = places_report(facts, d["level"], origin, d["horizon"], projects, _scenario(d))
    except EduplanError as exc:
        return render(request, "forecast/index.html", {"form": form, "error": exc.message})
    gaps = report.gaps.filter(pl.col("unit") == unit)
    if gaps.is_empty():
        raise Http404("没有这个学区")
    taught = gaps.filter(pl.col("demand") > 0)["stage"].unique().to_list()
    ratios = report.ratios.filter((pl.col("unit") == unit) & pl.col("stage").is_in(taught)).with_columns(
        pl.col("stage").replace_strict(STAGE_NAMES, default=pl.col("stage")).alias("stage_name")
    )
    context = {
        "unit": unit, "name": _names(facts).get(unit, unit), "charts": zone_charts(report, facts, unit),
        "gaps": gaps.with_columns(pl.col("stage").replace_strict(STAGE_NAMES).alias("stage_name")).to_dicts(),
        "ratios": ratios.to_dicts(), "query": request.GET.urlencode(), "report": report,
    }  # fmt: skip
    return render(request, "forecast/zone.html", context)


@login_required
def method(request: HttpRequest) -> HttpResponse:
    return render(request, "forecast/method.html", {"body": method_html("eduplan.forecast")})
