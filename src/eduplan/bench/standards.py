"""Benchmarks of the standards area: the CV over many schools (vs a plain-Python loop) and the demo evaluations."""

from __future__ import annotations

import random

import polars as pl

from eduplan.bench import best_time
from eduplan.facts import Facts
from eduplan.standards.cv import cv_long, weighted_cv

SCHOOLS, INDICATORS, STAGES = 20_000, 8, 2


def _frame() -> pl.DataFrame:
    rng = random.Random(7)
    data: dict[str, list[object]] = {
        "stage": [("primary", "junior")[i % STAGES] for i in range(SCHOOLS)],
        "pupils": [rng.randint(50, 2500) for _ in range(SCHOOLS)],
    }
    for k in range(INDICATORS):
        data[f"x{k}"] = [rng.uniform(1, 10) for _ in range(SCHOOLS)]
    return pl.DataFrame(data)


def run() -> None:
    frame = _frame()
    codes = [f"x{k}" for k in range(INDICATORS)]
    rows = frame.to_dicts()

    def plain() -> None:
        for stage in ("primary", "junior"):
            mine = [r for r in rows if r["stage"] == stage]
            for code in codes:
                weighted_cv([r[code] for r in mine], [r["pupils"] for r in mine])

    fast, slow = best_time(lambda: cv_long(frame, codes)), best_time(plain)
    print(
        f"差异系数 {SCHOOLS} 校 × {INDICATORS} 项 × {STAGES} 学段：Polars {fast * 1000:.1f} ms，"
        f"纯 Python {slow * 1000:.1f} ms，快 {slow / fast:.1f} 倍"
    )
    from eduplan.demo import DEMO_COUNTY, generate_county
    from eduplan.standards import evaluate
    from eduplan.standards.gaps import plan
    from eduplan.standards.loader import load

    facts = generate_county()
    years = sorted(facts.grade_year["year"].unique().to_list())
    for kind in ("balanced", "basic", "preschool"):
        evaluate(kind, facts, DEMO_COUNTY, 2024)  # warm imports
        # A fresh copy of the facts each time: the engine's per-facts cache starts cold, as after an import.
        seconds = best_time(lambda kind=kind: evaluate(kind, Facts(**facts.frames()), DEMO_COUNTY, 2024))  # type: ignore[misc]

        def every_year(kind: str = kind) -> None:  # what the evaluation page's 历年结论 asks for
            fresh = Facts(**facts.frames())
            for year in years:
                evaluate(kind, fresh, DEMO_COUNTY, year)

        print(
            f"示例县 2024 {kind}：{seconds * 1000:.0f} ms；{len(years)} 个学年：{best_time(every_year, 1) * 1000:.0f} ms"
        )
    result = evaluate("balanced", facts, DEMO_COUNTY, 2024)
    print(f"示例县整改清单：{best_time(lambda: plan(result, load('balanced', DEMO_COUNTY))) * 1000:.0f} ms")
