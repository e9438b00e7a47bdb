"""What the staffing pages show, built from the core's frames: the school × subject matrix, the years ahead,
the rule form and the plan's summaries. Plain data for the templates; no request handling here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from eduplan.errors import ConfigError
from eduplan.facts import LOCALES, STAGE_NAMES, Facts
from eduplan.staffing.posts import ARTS, PRIORITY, SHARED, SUBJECT_NAMES, TOTAL, county_totals
from eduplan.staffing.rules import Rules, display, settings

# Matrix columns: 音体美 first, then the other subjects in the order of the 教基4155 list.
COLUMNS = [
    *PRIORITY[:3],
    *(s for s in SUBJECT_NAMES if s not in (*PRIORITY, SHARED, ARTS, TOTAL)),
    SHARED,
    TOTAL,
]
SHORT_FROM = 0.5  # half a post or more short: red
PAGE_SECONDS = 60.0  # the longest solve a page may ask for (the default rule's)


def cell(gap: float | None) -> dict[str, Any]:
    if gap is None:
        return {"gap": None, "css": "none"}
    return {
        "gap": gap,
        "css": "short" if gap >= SHORT_FROM else ("surplus" if gap <= -SHORT_FROM else "enough"),
    }


def matrix(table: pl.DataFrame) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """(columns, rows): one row per school and stage (per school when only the aggregate forms exist)."""
    columns = list(COLUMNS)
    if table.filter(pl.col("subject") == ARTS).height:
        columns.insert(3, ARTS)
    rows: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in table.iter_rows(named=True):
        key = (r["school"], r["stage"])
        row = rows.setdefault(key, {
            "school": r["school"], "name": r["name"], "locale": LOCALES.get(r["locale"], r["locale"]),
            "stage": STAGE_NAMES.get(r["stage"] or "", "全校"), "source": r["source"], "cells": {}, "short": 0.0,
        })  # fmt: skip
        row["cells"][r["subject"]] = cell(r["gap"])
        if r["subject"] != TOTAL and r["gap"] is not None and r["gap"] > 0:
            row["short"] += r["gap"]
    out = []
    for row in rows.values():
        row["cells"] = [row["cells"].get(c, cell(None)) for c in columns]
        out.append(row)
    return [(c, SUBJECT_NAMES[c]) for c in columns], out


def totals_rows(table: pl.DataFrame) -> list[dict[str, Any]]:
    order = {c: i for i, c in enumerate([*COLUMNS, ARTS])}
    rows = county_totals(table).to_dicts()
    for r in rows:
        r["name"] = SUBJECT_NAMES.get(r["subject"], r["subject"])
    return sorted(rows, key=lambda r: order.get(r["subject"], 99))


def outlook_rows(
    frame: pl.DataFrame, subjects: tuple[str, ...] = (*PRIORITY[:3], "science", TOTAL)
) -> list[dict[str, Any]]:
    """County shortage and surplus per year for the subjects a planner watches."""
    out = []
    for year in sorted(set(frame["year"].to_list())):
        totals = {
            r["subject"]: r for r in county_totals(frame.filter(pl.col("year") == year)).iter_rows(named=True)
        }
        out.append({"year": year, "subjects": [totals.get(s) for s in subjects]})
    return out


def outlook_subjects() -> list[str]:
    return [SUBJECT_NAMES[s] for s in (*PRIORITY[:3], "science", TOTAL)]


def teacher_years(facts: Facts) -> list[int]:
    return sorted(int(y) for y in facts.teachers["year"].unique())


# ---------------------------------------------------------------------------------------------- the rule form


def rule_fields(rules: Rules) -> list[dict[str, Any]]:
    return [
        {"name": s.name, "label": s.label, "value": display(s.name, getattr(rules, s.name)), "help": s.help,
         "source": s.source, "changed": display(s.name, getattr(rules, s.name)) != display(s.name, s.default)}
        for s in settings().values()
    ]  # fmt: skip


def rules_from(query: Mapping[str, str]) -> Rules:
    """The rules with every setting the query gives that differs from its default (ConfigError when unreadable)."""
    given = {
        s.name: query[s.name]
        for s in settings().values()
        if query.get(s.name, "").strip() not in ("", display(s.name, s.default))
    }
    rules = Rules().with_overrides(given)
    if rules.time_limit > PAGE_SECONDS:  # a page's request holds a server worker while it solves
        raise ConfigError(
            f"网页上的求解时间上限不超过 {PAGE_SECONDS:g} 秒；更长的求解请用命令行 eduplan staffing rotate",
            english="time_limit too long for a page",
        )
    return rules


def lines_of(text: str) -> list[list[str]]:
    """Non-empty lines split at commas (，or ,) or blanks."""
    out = []
    for line in text.replace("，", ",").splitlines():
        parts = [p for p in line.replace(",", " ").split() if p]
        if parts:
            out.append(parts)
    return out
