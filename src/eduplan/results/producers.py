"""The kinds of stored results (eduplan.results.judgements): how each is computed from a county's facts, what
hand-entered inputs it also reads, and which keys a rebuild computes ahead of any page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eduplan.facts import Facts
from eduplan.forecast.report import PlacesReport
from eduplan.results.compute import COUNTY_DIGITS
from eduplan.standards.result import Evaluation

EVALUATIONS = ("balanced", "basic", "preschool")
FORECAST_HORIZON = 5  # the /forecast/ page's default


class Evaluations:
    """优质均衡, 基本均衡, 普及普惠 of a county and year (key "balanced 2024"), with the items entered by hand."""

    result = Evaluation

    def inputs(self, county: str, key: str) -> str:
        """The entered items, and the province's own standard file when it has one (its size and time)."""
        from eduplan.results.judgements import per_request

        kind, year = key.split()
        given = per_request(("entered", county), lambda: _entered(county))
        own = per_request(("province-file", county[:2]), lambda: _province_file(county[:2]))
        return repr(([g for g in given if g[:2] == (int(year), kind)], own))

    def compute(self, facts: Callable[[], Facts], county: str, key: str) -> Evaluation:
        from eduplan.standards import evaluate
        from eduplan.web.standards.entries import entries

        kind, year = key.split()
        return evaluate(kind, facts(), county, int(year), entries(county, int(year), kind))

    def defaults(self, facts: Facts, county: str) -> list[str]:
        from eduplan.indicators.completeness import data_years

        if len(county) != COUNTY_DIGITS:  # evaluated per county only
            return []
        return [f"{kind} {year}" for kind in EVALUATIONS for year in data_years(facts)]


def _entered(county: str) -> list[tuple[Any, ...]]:
    from eduplan.web.standards.models import EnteredItem

    rows = EnteredItem.objects.filter(unit=county).order_by("year", "kind", "item")
    return list(rows.values_list("year", "kind", "item", "passed", "evidence"))


def _province_file(province: str) -> tuple[str, int, int] | None:
    from eduplan.standards.loader import province_file

    path = province_file(province)
    if path is None:
        return None
    found = path.stat()
    return str(path), found.st_size, found.st_mtime_ns


def forecast_key(level: str, origin: int, horizon: int, with_plans: bool) -> str:
    return f"{level} {origin} {horizon} {'plans' if with_plans else 'none'}"


class Forecasts:
    """The /forecast/ page's places report without a scenario (key "zone 2024 5 plans"): with the plans'
    placed building projects ("plans", what the page and the API show) or with none (the baseline)."""

    result = PlacesReport

    def inputs(self, county: str, key: str) -> str:
        return _projects(county, key).write_csv()

    def compute(self, facts: Callable[[], Facts], county: str, key: str) -> PlacesReport:
        from eduplan.forecast.report import places_report
        from eduplan.forecast.scenarios import Scenario

        level, origin, horizon, _ = key.split()
        projects = _projects(county, key)
        return places_report(facts(), level, int(origin), int(horizon), projects, Scenario())

    def defaults(self, facts: Facts, county: str) -> list[str]:
        from eduplan.indicators.completeness import choose_year

        year = choose_year(facts, county).year
        return (
            []
            if year is None or len(county) != COUNTY_DIGITS
            else [forecast_key("zone", year, FORECAST_HORIZON, True)]
        )


def _projects(county: str, key: str) -> Any:
    import polars as pl

    from eduplan.forecast.places import PROJECT_SCHEMA, empty_projects, known_places
    from eduplan.results.stored import county_facts
    from eduplan.web.forecast.views import plan_projects

    _, origin, _, which = key.split()
    if which != "plans":
        return empty_projects()
    places = known_places(county_facts(county).schools)
    placed = [p["row"] for p in plan_projects(county, int(origin), places) if p["placed"]]
    return pl.concat([empty_projects(), pl.DataFrame(placed, schema=PROJECT_SCHEMA)])


class Progress:
    """A plan's progress judgements, one per target (key "plan 7"), with the targets, milestones and values
    entered by hand; the plan's region (a county or a city) names the data versions."""

    @property
    def result(self) -> Any:
        from eduplan.web.plans.services import Progress

        return Progress

    def inputs(self, county: str, key: str) -> str:
        from eduplan.web.plans.services import plan_inputs

        return plan_inputs(int(key.split()[1]))

    def compute(self, facts: Callable[[], Facts], county: str, key: str) -> Any:
        from eduplan.web.plans.services import progress

        return progress(int(key.split()[1]), facts)

    def defaults(self, facts: Facts, county: str) -> list[str]:
        from eduplan.web.plans.models import Plan

        return [f"plan {pk}" for pk in Plan.objects.filter(region_code=county).values_list("pk", flat=True)]


def register_all(producers: dict[str, Any]) -> None:
    producers.update(evaluation=Evaluations(), forecast=Forecasts(), progress=Progress())
