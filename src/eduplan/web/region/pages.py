"""What the region page shows, from the core's results (no HTTP here): the county comparison grid, one
indicator's ranking, the city's targets and commitments broken down to counties, each county's evaluations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from eduplan.facts import STAGE_NAMES, Facts
from eduplan.indicators.catalogue import Indicator, load_catalogue
from eduplan.indicators.display import value_text
from eduplan.region.compare import Coverage, comparison, coverage, region_counties, spread
from eduplan.region.source import indicator_values
from eduplan.region.targets import Breakdown, indicator_breakdown, standard_breakdown
from eduplan.standards.result import Verdict
from eduplan.web.plans.models import Target
from eduplan.web.plans.services import target_spec
from eduplan.web.region.models import Commitment
from eduplan.web.standards.pages import KIND_NAMES, run

DEFAULT_CODE = "large_class_share"
JUDGED = ("ge", "le", "eq", "range")
# Each county's three evaluations cost about 0.1-0.3 s: a province of a hundred counties would wait a minute, so
# beyond this many counties the page links to each county's evaluation instead (until results are stored, #14).
EVALUATED_MAX = 20  # a target comparable with one year's value (not a yearly change)


@dataclass
class Region:
    """One region in one year: its counties, their completeness and every indicator's rows."""

    code: str
    name: str
    year: int
    counties: list[str]
    names: dict[str, str]
    cover: Coverage
    table: pl.DataFrame
    evaluations: dict[str, dict[str, tuple[Verdict, str]]] = field(default_factory=dict)


def names_of(facts: Facts) -> dict[str, str]:
    return dict(zip(facts.org_units["code"], facts.org_units["name"], strict=True))


def region(facts: Facts, code: str, year: int) -> Region:
    counties = region_counties(facts, code)
    names = names_of(facts)
    cover = coverage(facts, code, year, counties)
    table = comparison(indicator_values(facts), cover)
    return Region(code, names.get(code, code), year, counties, names, cover, table)


def grid(r: Region) -> list[dict[str, Any]]:
    """One row per indicator: its cells for the region and each county (value text, rank, completeness)."""
    cells: dict[tuple[str, str], dict[str, Any]] = {
        (row["code"], row["unit"]): row for row in r.table.iter_rows(named=True)
    }
    out = []
    for ind in load_catalogue():
        row = [cells.get((ind.code, u)) for u in (r.code, *r.counties)]
        if all(c is None for c in row):
            continue
        shown = [{"text": value_text(ind, c["value"]) if c else "—", "rank": c["rank"] if c else None,
                  "reason": (c["reason"] or "") if c else "", "complete": c["complete"] if c else False}
                 for c in row]  # fmt: skip
        out.append({"ind": ind, "cells": shown})
    return out


def ranking(r: Region, ind: Indicator) -> dict[str, Any]:
    """One indicator: counties best first (unranked last), the region's row, the spread and the chart data."""
    rows = r.table.filter(pl.col("code") == ind.code)
    whole = rows.filter(pl.col("unit") == r.code).to_dicts()
    counties = rows.filter(pl.col("unit") != r.code).sort("rank", "unit", nulls_last=True).to_dicts()
    for c in counties:
        c |= {"name": r.names.get(c["unit"], c["unit"]), "text": value_text(ind, c["value"])}
    spreads = spread(rows, r.code).to_dicts()
    chart = {
        "title": f"{ind.name}（{r.year}-{r.year + 1} 学年）",
        "unit": "" if ind.unit == "ratio" else ind.unit,
        "direction": ind.direction,
        "names": [c["name"] for c in counties],
        "values": [c["value"] for c in counties],
        "complete": [c["complete"] for c in counties],
        "region": {"name": r.name, "value": whole[0]["value"]} if whole else None,
    }
    return {"ind": ind, "region": whole[0] if whole else None, "counties": counties,
            "spread": spreads[0] if spreads else None, "chart": chart}  # fmt: skip


def evaluations(facts: Facts, r: Region) -> dict[str, dict[str, tuple[Verdict, str]]]:
    """Each national evaluation's verdict for each county, with its failing items or what it lacks."""
    out: dict[str, dict[str, tuple[Verdict, str]]] = {}
    if len(r.counties) > EVALUATED_MAX:
        return out
    for kind in KIND_NAMES:
        out[kind] = {}
        for county in r.counties:
            result = run(kind, facts, county, r.year)
            why = result.failing if result.verdict == "fail" else result.missing
            out[kind][county] = (result.verdict, "；".join(why[:4]) + ("等" if len(why) > 4 else ""))
    return out


def plan_breakdowns(r: Region) -> list[dict[str, Any]]:
    """Each quantified target of the region's own plans, judged for the region and every county, with each
    county's own plan target on the same indicator beside it."""
    catalogue = load_catalogue().indicators
    targets = Target.objects.filter(
        plan__region_code=r.code, scope=Target.Scope.REGION, comparator__in=JUDGED
    ).select_related("plan")
    out = []
    for t in targets.order_by("plan__pk", "number", "pk"):
        if t.indicator_code not in catalogue:
            continue
        ind = catalogue[t.indicator_code]
        b = indicator_breakdown(target_spec(t, ind), t.quote or t.indicator_text, r.table, r.code)
        own = {
            o.plan.region_code: o
            for o in Target.objects.filter(
                plan__region_code__in=r.counties, indicator_code=t.indicator_code, scope=Target.Scope.REGION
            ).select_related("plan")
        }
        counts = {s: b.count(s) for s in ("pass", "fail", "incomplete")}
        out.append({"target": t, "ind": ind, "b": b, "parts": _parts(r, b, ind, own), "counts": counts})
    return out


def _parts(r: Region, b: Breakdown, ind: Indicator | None, own: dict[str, Target]) -> list[dict[str, Any]]:
    return [
        {"p": p, "name": r.names.get(p.county, p.county),
         "text": value_text(ind, p.value) if ind is not None else "", "own": own.get(p.county)}
        for p in b.parts
    ]  # fmt: skip


def commitment_breakdowns(r: Region) -> list[dict[str, Any]]:
    """Each commitment of the region on a national evaluation, from this year's verdicts."""
    out = []
    for c in Commitment.objects.filter(unit=r.code):
        verdicts = r.evaluations.get(c.kind, {})
        b = standard_breakdown(c.text, c.target_year, verdicts, c.at_least, c.named, as_of=r.year)
        out.append({"c": c, "kind": KIND_NAMES[c.kind], "b": b, "parts": _parts(r, b, None, {})})
    return out


HORIZON = 5


def places(facts: Facts, r: Region) -> dict[str, Any] | None:
    """Each county's school-place shortfalls (its townships' summed) per stage, in the forecast's last year,
    the first year any township is short, and how many are short then; None when the year is incomplete."""
    from eduplan.forecast.report import STAGES, places_report
    from eduplan.region.places import county_shortfalls

    if not r.cover.complete:
        return None
    report = places_report(facts, "township", r.year, HORIZON)
    short = county_shortfalls(report.gaps, facts)
    last = r.year + HORIZON
    rows = []
    for county in r.counties:
        mine = short.filter(pl.col("county") == county)
        cells = []
        for stage in STAGES:
            here = mine.filter(pl.col("stage") == stage)
            end = here.filter(pl.col("year") == last)
            first = here.filter(pl.col("shortfall") > 0)["year"].min()
            cells.append({"shortfall": float(end["shortfall"].sum()) if end.height else None,
                          "towns": int(end["townships_short"].sum()) if end.height else 0, "first": first})  # fmt: skip
        rows.append({"code": county, "name": r.names.get(county, county), "cells": cells})
    return {"last": last, "stages": [STAGE_NAMES[s] for s in STAGES], "rows": rows}


GAP_COLUMNS = ("缺编合计（人）", "缺编学校数", "名册覆盖（所）", "公用经费未达标学校数", "公用经费缺口（万元）",
               "拨付未报（无法评估）学校数")  # fmt: skip


def gaps(facts: Facts, r: Region) -> list[dict[str, Any]]:
    """Each county's cells under GAP_COLUMNS in the page's year (None where the county has no such data)."""
    from eduplan.region.gaps import county_gaps

    rows = []
    for g in county_gaps(facts, r.counties, r.year):
        t, m = g.teachers, g.money
        staff = (
            [None] * 3
            if t is None
            else [round(t.short, 1), t.schools_short, f"{t.roster_schools}/{t.schools}"]
        )
        money = [None] * 3 if m is None else [m.schools_under, round(m.gap_wan, 2), m.unknown]
        rows.append({"code": g.county, "name": r.names.get(g.county, g.county), "cells": staff + money})
    return rows


def projections(facts: Facts, r: Region) -> list[dict[str, Any]]:
    """Per county: each evaluation's projected year of passing (region/projection.py) from its evaluations of
    its last complete years, and its own plan's target years on the items that are indicators."""
    from eduplan.indicators.completeness import reporting, statuses
    from eduplan.memo import per_facts
    from eduplan.region.projection import complete_years, county_projection

    if not r.evaluations:
        return []
    frame = per_facts(facts, "reporting", lambda: reporting(facts))
    committed = _own_target_years(r.counties)
    promised = {(c, m.kind): m.target_year for m in Commitment.objects.filter(unit=r.code) for c in m.named}
    rows = []
    for county in r.counties:
        flags = {y: s.complete for y, s in statuses(frame, county).items()}
        years = sorted({*complete_years(flags, r.year), r.year})
        cells = []
        for kind in KIND_NAMES:
            latest = run(kind, facts, county, r.year)  # earlier years only matter when something fails
            history = (
                {y: run(kind, facts, county, y) for y in years}
                if latest.verdict == "fail"
                else {r.year: latest}
            )
            p = county_projection(county, kind, history, r.year, committed.get(county, {}))
            due = promised.get((county, kind))
            late = due is not None and p.verdict != "pass" and (p.year is None or p.year > due)
            cells.append({"kind": kind, "p": p, "promised": due, "late": late})
        rows.append({"code": county, "name": r.names.get(county, county), "cells": cells})
    return rows


def _own_target_years(counties: list[str]) -> dict[str, dict[str, int]]:
    """county → indicator code → the earliest target year of its own plans' targets on that indicator."""
    out: dict[str, dict[str, int]] = {}
    rows = Target.objects.filter(
        plan__region_code__in=counties, scope=Target.Scope.REGION, comparator__in=JUDGED
    )
    for county, code, year in rows.values_list("plan__region_code", "indicator_code", "target_year"):
        if code and year:
            mine = out.setdefault(county, {})
            mine[code] = min(year, mine.get(code, year))
    return out


def assignment_breakdowns(r: Region) -> list[dict[str, Any]]:
    """Each 目标分解 of the region: every county's progress on its part and the region's total."""
    from eduplan.web.region.assign import judged
    from eduplan.web.region.models import Assignment

    catalogue = load_catalogue().indicators
    out = []
    for a in Assignment.objects.filter(unit=r.code).prefetch_related("parts"):
        b = judged(a, r.table, r.code, r.year)
        ind = catalogue.get(a.indicator_code)

        def shown(v: float | None, ind: Indicator | None = ind, unit: str = a.measure_unit) -> str:
            if v is None:
                return "—"
            return value_text(ind, v) if ind is not None else f"{v:g}{unit}"

        parts = [{"p": p, "name": r.names.get(p.county, p.county), "target": shown(p.target),
                  "text": shown(p.value)} for p in b.parts]  # fmt: skip
        out.append({"a": a, "b": b, "parts": parts, "total": shown(b.target), "done": shown(b.value)})
    return out


def cities(facts: Facts, r: Region, ind: Indicator) -> list[dict[str, Any]]:
    """A province's cities: each city's own value of `ind` (the engine's ratio of sums over its counties),
    its coverage, and how many of its counties pass, fail or cannot be judged in each evaluation."""
    units = facts.org_units.filter((pl.col("level") == "city") & (pl.col("parent") == r.code)).sort("code")
    values = indicator_values(facts)
    here = values.filter((pl.col("code") == ind.code) & (pl.col("year") == r.year))
    rows = []
    for city in units["code"].to_list():
        counties = region_counties(facts, city)
        cover = coverage(facts, city, r.year, counties)
        found = here.filter(pl.col("unit") == city)
        value = found["value"][0] if found.height else None
        counts = {
            kind: {s: sum(verdicts[c][0] == s for c in counties if c in verdicts) for s in ("pass", "fail", "incomplete")}
            for kind, verdicts in r.evaluations.items()
        }  # fmt: skip
        rows.append({"code": city, "name": r.names.get(city, city), "value": value, "text": value_text(ind, value),
                     "counties": len(counties), "cover": cover.label(r.names), "complete": cover.complete,
                     "counts": [counts.get(k) for k in KIND_NAMES]})  # fmt: skip
    return rows


def rows_key(code: str, counties: list[str]) -> str:
    """A digest of the rows besides the statistics that the page draws on (plans and targets of the region
    and its counties, commitments, 目标分解, entered evaluation items, boundaries): with the data versions,
    the key of the page's cached fragment."""
    import hashlib

    from eduplan.web.plans.models import Plan
    from eduplan.web.region.models import Assignment, AssignmentPart, Boundary
    from eduplan.web.standards.models import EnteredItem

    units = [code, *counties]
    digest = hashlib.sha256()
    for rows in (
        Plan.objects.filter(region_code__in=units).order_by("pk").values_list("pk", "name", "status"),
        Target.objects.filter(plan__region_code__in=units).order_by("pk").values_list(),
        Commitment.objects.filter(unit=code).order_by("pk").values_list(),
        Assignment.objects.filter(unit=code).order_by("pk").values_list(),
        AssignmentPart.objects.filter(assignment__unit=code).order_by("pk").values_list(),
        EnteredItem.objects.filter(unit__in=counties).order_by("pk").values_list(),
        Boundary.objects.filter(unit__startswith=code).order_by("pk").values_list("pk", "unit", "source"),
    ):
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()[:20]
