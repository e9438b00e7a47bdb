"""Benchmarks of the finance area: a province's 生均公用经费 floors (Polars vs a plain-Python loop over the same
rows and rules), and the work behind the demo county's finance pages."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl

from eduplan.bench import best_time
from eduplan.facts import Facts
from eduplan.finance.floors import BOARDING_STAGES, COMPULSORY, floors, stage_counts
from eduplan.finance.rules import rules_for

COUNTIES = 40


def plain_floors(facts: Facts) -> dict[tuple[str, int], float]:
    """The same floors the straightforward way: dicts of rows, one school-year at a time."""
    pupils: dict[tuple[str, int, str], float] = defaultdict(float)
    for r in facts.grade_year.iter_rows(named=True):
        pupils[r["school"], r["year"], r["stage"]] += r["enrollment"] or 0
    extra = {(r["school"], r["year"], r["stage"]): r for r in facts.stage_year.iter_rows(named=True)}
    schools = {r["code"]: r for r in facts.schools.iter_rows(named=True)}
    by_school: dict[tuple[str, int], list[tuple[str, float]]] = defaultdict(list)
    for (school, year, stage), n in pupils.items():
        if n > 0 and school in schools:
            by_school[school, year].append((stage, n))
    out = {}
    for (school, year), stages in by_school.items():
        floor = _plain_school(schools[school], year, stages, extra)
        if floor is not None:
            out[school, year] = round(floor, 2)
    return out


def _plain_school(
    s: dict[str, Any], year: int, stages: list[tuple[str, float]], extra: dict[Any, Any]
) -> float | None:
    rules = rules_for(s["township"][:6])
    special, boarding = rules.amount("special", year), rules.amount("boarding", year)
    priced, regular, disabled, boarders = [], {}, 0.0, 0.0
    for stage, n in stages:
        amount = rules.amount(stage, year)
        if amount is None or s["ownership"] not in rules.ownerships(stage):
            continue
        row = extra.get((s["code"], year, stage)) or {}
        d = min(row.get("disabled") or 0, n) if stage in COMPULSORY and special else 0.0
        priced.append((stage, n, amount.value))
        regular[stage] = n - d
        disabled += d
        if stage in BOARDING_STAGES and s["ownership"] in rules.ownerships("boarding"):
            boarders += row.get("boarders") or 0
    if not priced:
        return None
    compulsory = sum(n for stage, n, _ in priced if stage in COMPULSORY)
    minimum = rules.min_pupils(s["school_type"], s["locale"])
    added = minimum - compulsory if 0 < compulsory < minimum else 0.0
    base = sum(regular[stage] for stage, _, _ in priced if stage in COMPULSORY)
    total = 0.0
    for stage, n, rate in priced:
        if stage in COMPULSORY:
            share = regular[stage] / base if base else n / compulsory
            total += (regular[stage] + added * share) * rate
        else:
            total += n * rate
    total += disabled * (special.value if special else 0.0)
    return total + boarders * (boarding.value if boarding else 0.0)


def run() -> None:
    from eduplan.demo import generate_province

    facts = generate_province(COUNTIES)
    schools = facts.schools.height
    fast = best_time(lambda: floors(stage_counts(facts), facts.schools))
    slow = best_time(lambda: plain_floors(facts), repeat=1)
    result = floors(stage_counts(facts), facts.schools).schools
    plain = plain_floors(facts)
    agree = result.height == len(plain) and all(
        abs(plain[s, y] - f) < 0.01 for s, y, f in result.select("school", "year", "floor").iter_rows()
    )
    print(
        f"生均公用经费 {COUNTIES} 县 {schools} 所学校 {result.height} 校·年：Polars {fast * 1000:.0f} ms，"
        f"纯 Python {slow * 1000:.0f} ms，快 {slow / fast:.1f} 倍（结果一致：{'是' if agree else '否'}）"
    )
    _pages()


def _pages() -> None:
    """The computations behind each finance page of the demo county (no database: the core alone)."""
    from eduplan.demo import DEMO_COUNTY, generate_county
    from eduplan.finance import budget
    from eduplan.finance.floors import need_ahead, rule_text, school_floors
    from eduplan.forecast import forecast_facts, places_report
    from eduplan.standards import evaluate
    from eduplan.standards.gaps import plan
    from eduplan.standards.loader import load

    facts = generate_county()

    def floors_page() -> None:
        result = school_floors(facts, rules_for, 2024)
        year = result.schools.filter(pl.col("year") == 2024)
        for row in year.iter_rows(named=True):
            rule_text(row, result.parts)

    def cost_page() -> None:
        standard = load("balanced", DEMO_COUNTY)
        todo = plan(evaluate("balanced", facts, DEMO_COUNTY, 2025), standard)
        gaps = places_report(facts, "county", 2025, 5).gaps
        costs = budget.unit_costs(standard.unit_costs)
        budget.plan_cost(2025, todo, gaps, facts.grade_year, [], costs)
        need_ahead(facts, forecast_facts(facts, "school", 2025, 5).frame, 2025)

    for name, fn in (
        ("各校生均公用经费（2024，含核定规则说明）", floors_page),
        ("两个只增不减与教师工资", lambda: budget.county_years(facts.county_finance, DEMO_COUNTY)),
        ("规划所需投入与五年需求", cost_page),
    ):
        fn()  # warm imports and caches
        print(f"示例县 {name}：{best_time(fn) * 1000:.0f} ms")
