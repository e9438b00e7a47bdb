"""目标分解 in the database: read from a file (CLI `eduplan region assignments`, `eduplan import`, the page's
upload), saved all or nothing, and judged for the region page."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction

from eduplan.errors import DataError
from eduplan.indicators.catalogue import load_catalogue
from eduplan.io.limits import limits
from eduplan.io.sheets import Source, read_source
from eduplan.region.assignments import AssignmentRow, read_assignments
from eduplan.region.targets import Assigned, Breakdown, assigned_breakdown
from eduplan.web.region.models import Assignment, AssignmentPart
from eduplan.web.schools.models import OrgUnit

SHEET = "目标分解"


def regions_map() -> dict[str, set[str]]:
    """Each city and province code → the counties below it (by the parent links)."""
    units = list(OrgUnit.objects.values_list("code", "level", "parent__code"))
    parent = {code: up for code, _, up in units}
    out: dict[str, set[str]] = {code: set() for code, level, _ in units if level in ("city", "province")}
    for code, level, _ in units:
        if level != "county":
            continue
        up = parent.get(code)
        while up is not None:
            if up in out:
                out[up].add(code)
            up = parent.get(up)
    return out


def read_file(path: Path, name: str) -> list[AssignmentRow]:
    """The targets of a .xlsx (its sheet 目标分解, else its first) or .csv file; DataError naming each fault."""
    grids = read_source(Source(path, name), limits()).grids
    if not grids:
        raise DataError(f"{name}：文件中没有数据", english=f"{name}: empty")
    grid = next((g for g in grids if g.sheet == SHEET), grids[0])
    indicators = {i.code: i.name for i in load_catalogue()}
    return read_assignments(grid, regions_map(), indicators)


def save_rows(rows: Iterable[AssignmentRow]) -> tuple[int, int]:
    """Store the targets (matched by region and 目标原文), each with exactly the parts given; all or nothing.
    (created, changed): importing the same file again changes nothing."""
    directions = {i.code: i.direction for i in load_catalogue()}
    created = changed = 0
    with transaction.atomic():
        for row in rows:
            fields = {"measure": row.measure, "measure_unit": row.measure_unit, "kind": row.kind,
                      "total": row.total, "indicator_code": row.indicator_code, "target_year": row.target_year,
                      "source": row.source, "higher": directions.get(row.indicator_code, "higher") != "lower"}  # fmt: skip
            parts = {p.county: {"target": p.target, "done": p.done, "own": p.own} for p in row.parts}
            a, new = Assignment.objects.get_or_create(unit=row.unit, text=row.text, defaults=fields)
            moved = not new and any(getattr(a, k) != v for k, v in fields.items())
            if moved:
                Assignment.objects.filter(pk=a.pk).update(**fields)
            moved |= save_parts(a, parts)
            created += new
            changed += moved and not new
    return created, changed


def save_parts(a: Assignment, parts: dict[str, dict[str, Any]]) -> bool:
    """Make `a`'s parts exactly `parts` (county → target, done, own); True when anything changed."""
    old = {p.county: p for p in a.parts.all()}
    gone = [p.pk for c, p in old.items() if c not in parts]
    AssignmentPart.objects.filter(pk__in=gone).delete()
    moved = bool(gone)
    for county, values in parts.items():
        p = old.get(county)
        if p is None:
            AssignmentPart.objects.create(assignment=a, county=county, **values)
            moved = True
        elif any(getattr(p, k) != v for k, v in values.items()):
            AssignmentPart.objects.filter(pk=p.pk).update(**values)
            moved = True
    return moved


def judged(a: Assignment, table: pl.DataFrame, region: str, as_of: int) -> Breakdown:
    """`a` judged in `as_of`: counts on their reported progress, rates on the counties' indicator values
    (`table`: the region's comparison rows of that year) and the region's own (a ratio of sums)."""
    parts = {p.county: Assigned(p.target, p.done, p.own) for p in a.parts.all()}
    whole = None
    if a.kind == Assignment.Kind.RATE:
        rows = {r["unit"]: r for r in table.filter(pl.col("code") == a.indicator_code).iter_rows(named=True)}
        parts = {
            c: Assigned(
                x.target,
                rows[c]["value"] if c in rows else None,
                x.own,
                bool(rows.get(c, {}).get("complete")),
            )
            for c, x in parts.items()
        }
        whole = rows[region]["value"] if region in rows else None
    return assigned_breakdown(a.text, a.target_year, a.kind, parts, as_of, a.total, a.higher, whole)
