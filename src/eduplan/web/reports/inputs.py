"""The reports' inputs, computed by the same functions the pages call: one function per section.

Issue 14 stores results per data version; reading them instead of recomputing then changes only these functions.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from eduplan.errors import EduplanError, NotFound
from eduplan.facts import Facts
from eduplan.forecast.cohort import DEFAULT_METHOD
from eduplan.forecast.places import PROJECT_SCHEMA
from eduplan.forecast.report import places_report
from eduplan.indicators.completeness import YearStatus, latest_complete_year, year_status
from eduplan.monitoring.warnings import Warning
from eduplan.reports.content import STAGE_PLACES, Places, ProjectLine, ReportInputs, Standards, TargetLine
from eduplan.reports.supply import method_text
from eduplan.web.forecast.views import _names as unit_names
from eduplan.web.plans.models import Plan, Project
from eduplan.web.plans.services import TargetRow, cached_evaluation, evaluate, label, plan_warnings

# The places forecast looks this many years ahead of the report's year (the forecast page's default).
HORIZON = 5


def report_inputs(plan: Plan, as_of: int | None = None, issued: date | None = None) -> ReportInputs:
    """Everything the evaluation report of `plan` states, with data up to `as_of` (default: the latest complete
    year of the plan's region, else its latest year with data)."""
    facts = region_facts(plan.region_code)
    year = as_of or default_year(facts, plan.region_code) or plan.period_start
    lines, warnings = targets(plan, year, facts)
    plan_projects = projects(plan)
    return ReportInputs(
        region_code=plan.region_code,
        region_name=plan.region_name or plan.region_code,
        plan_name=plan.name,
        period=(plan.period_start, plan.period_end),
        as_of=year,
        issued=issued or date.today(),
        targets=lines,
        projects=plan_projects,
        warnings=warnings,
        standards=standards(facts, plan.region_code, year),
        places=places(facts, plan.region_code, year, plan),
        completeness=completeness(facts, plan.region_code, year),
        source_document=plan.source_document,
    )


def region_facts(region: str) -> Facts | None:
    from eduplan.store import load_facts

    try:
        return load_facts(region)
    except NotFound:
        return None


def default_year(facts: Facts | None, region: str) -> int | None:
    if facts is None or facts.grade_year.is_empty():
        return None
    return latest_complete_year(facts, region) or int(facts.grade_year["year"].max())  # type: ignore[arg-type]


def targets(plan: Plan, as_of: int, facts: Facts | None = None) -> tuple[list[TargetLine], list[Warning]]:
    """Section 一 and 二 (and the problems they raise): each target judged on the data up to `as_of`, on `facts`
    when the caller has loaded them already (the pages' cache otherwise)."""
    evaluation = evaluate(plan, as_of, facts) if facts is not None else cached_evaluation(plan, as_of)
    lines = [target_line(row) for row in evaluation.rows]
    return lines, plan_warnings(evaluation.rows, as_of, evaluation.findings)


def target_line(row: TargetRow) -> TargetLine:
    t, j = row.target, row.judgement
    return TargetLine(
        number=t.number or t.pk,
        label=label(t),
        unit=t.unit,
        comparator=t.comparator,
        target_value=j.target_value,
        target_year=t.target_year,
        status=j.status,
        attribute=t.get_attribute_display() if t.attribute else "",
        value_high=t.value_high,
        step=t.value if t.comparator == "change" else None,
        baseline_value=j.baseline_value,
        baseline_year=j.baseline_year,
        latest_value=j.latest_value,
        latest_year=j.latest_year,
        ratio=j.ratio,
        forecast_value=j.forecast_value,
        milestone_value=j.milestone_value,
        milestones_missed=j.milestones_missed,
        years_met=j.years_met,
        recurrence=t.recurrence,
        source=row.source,
        reason=j.reason,
        office=t.responsible_office,
        series=tuple(row.series),
    )


def projects(plan: Plan) -> list[ProjectLine]:
    """Section 三: the plan's projects from the project ledger."""
    return [project_line(p) for p in plan.projects.all()]


def project_line(p: Project) -> ProjectLine:
    places = {s: n for s in STAGE_PLACES if (n := getattr(p, f"places_{s}"))}
    return ProjectLine(
        name=p.name,
        kind=p.get_kind_display(),
        status=p.status,
        status_label=p.get_status_display(),
        places=places,
        budget=p.budget,
        planned_year=p.planned_year,
        actual_year=p.actual_year,
        school=p.school_code,
    )


def standards(facts: Facts | None, region: str, year: int, todo: bool = True) -> Standards:
    """Section 四: 优质均衡 and 普及普惠 as the standards pages run them, and (`todo`) the 优质均衡 to-do list."""
    from eduplan.web.standards import pages

    if facts is None:
        return Standards(errors={k: "没有该县的统计数据" for k in ("balanced", "preschool")})
    found, errors = {}, {}
    for kind in ("balanced", "preschool"):
        try:
            found[kind] = pages.run(kind, facts, region, year)
        except EduplanError as exc:
            errors[kind] = exc.message
    balanced = found.get("balanced")
    plan = pages.todo(balanced, "cost")[0] if balanced is not None and todo else None
    return Standards(balanced, found.get("preschool"), plan, errors)


def places(facts: Facts | None, region: str, origin: int, plan: Plan) -> Places | None:
    """Section 五: the zone forecast from `origin`, with the plan's unbuilt projects that name a school."""
    if facts is None or facts.grade_year.filter(pl.col("year") == origin).is_empty():
        return None
    planned, unplaced = plan_projects(plan, origin, set(facts.schools["code"].to_list()))
    report = places_report(facts, "zone", origin, HORIZON, planned)
    return Places(report, unit_names(facts), method_text(DEFAULT_METHOD), tuple(unplaced))


def plan_projects(plan: Plan, origin: int, schools: set[str]) -> tuple[pl.DataFrame, list[str]]:
    """Projects not built by `origin` as forecast rows (school, stage, places, year they open), and the names of
    those with places that name no known school. A project late on its plan opens the year after `origin`."""
    rows, unplaced = [], []
    for p in plan.projects.exclude(status__in=("done", "dropped")):
        line = project_line(p)
        if not line.places:
            continue
        if p.school_code not in schools:
            unplaced.append(p.name)
            continue
        year = max(p.planned_year or origin + 1, origin + 1)
        rows += [{"name": p.name, "school": p.school_code, "zone": None, "stage": s, "places": n, "year": year}
                 for s, n in line.places.items()]  # fmt: skip
    return pl.DataFrame(rows, schema=PROJECT_SCHEMA), unplaced


def completeness(facts: Facts | None, region: str, year: int) -> YearStatus | None:
    return None if facts is None else year_status(facts, region).get(year)
