"""Plan text → plan dict (the YAML shape of `plan_io.save_plan`) through the extractor `eduplan.text.statements`.

The extractor yields statements (kind commitment/baseline, indicator, code, cmp, value, unit, year, per, scope,
quote). Commitments on the same indicator and scope become one target: the latest year is the target year, the
earlier ones are explicit milestones, and "每年提升N个百分点" statements (cmp 'change', per 'year', year = the end
of their span) step the milestones on from the previous one, as plans write them. A baseline statement on the same
indicator gives the baseline. Counts without an indicator code (122所, 3600个) are left out: they are projects or
outputs, not monitored rates.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

CMP = {">=": "ge", "<=": "le", "=": "ge", ">": "ge", "<": "le"}
SCOPES = {"农村": "rural", "乡村": "rural", "城区": "urban", "城镇": "urban"}


def plan_from_statements(statements: ModuleType, path: Path) -> dict[str, Any]:
    from eduplan.text.readers import read_document

    extraction = statements.extract(read_document(path), path.name)
    title = extraction.structure.title or path.stem
    period = extraction.structure.period or _period(extraction.statements)
    head = {"name": title, "period": list(period), "source_document": path.name, "status": "draft"}
    return {"plan": head, "targets": targets_from(extraction.statements, period[0] - 1), "projects": []}


def _period(rows: Iterable[Any]) -> tuple[int, int]:
    years = [r.year for r in rows if r.kind == "commitment" and r.year]
    end = max(years) if years else 2025
    return end - 4, end


def targets_from(rows: Iterable[Any], baseline_year: int) -> list[dict[str, Any]]:
    """One target per (indicator, scope) of the commitments, in order of first mention."""
    rows = list(rows)
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for r in rows:
        if r.kind == "commitment" and not r.placeholder and r.value is not None and (r.code or r.unit == "%"):
            # The unit is part of the key: 每两年增长10% and 按100人拨付 on one code are different commitments.
            # 45% in 2021 then 每年提升2个百分点 (pp) is one target; its levels and changes share the key "%".
            unit = "%" if r.unit in ("%", "pp") else r.unit or ""
            groups.setdefault((r.code or r.indicator, r.scope or "", unit), []).append(r)
    baselines = {r.code: r for r in rows if r.kind == "baseline" and r.code and r.value is not None}
    return [_target(key, items, baselines.get(key[0]), baseline_year) for key, items in groups.items()]


def _target(
    key: tuple[str, str, str], items: list[Any], baseline: Any | None, baseline_year: int
) -> dict[str, Any]:
    first = items[0]
    milestones = _milestones(items)
    last_year = max(milestones) if milestones else int(first.year or baseline_year + 5)
    final = milestones.pop(last_year, first.value)
    # Only "每年降低0.5个百分点" and no level: a change target (its baseline comes from the data or by hand).
    cmp = next((CMP.get(i.cmp, "ge") for i in items if i.cmp != "change"), "change")
    target: dict[str, Any] = {
        "indicator": first.indicator, "code": first.code or "", "comparator": cmp, "value": final,
        "unit": "%" if first.unit in ("%", "pp") else first.unit, "target_year": last_year,
        "quote": "；".join(i.quote for i in items),
    }  # fmt: skip
    if first.scope in SCOPES:
        target["scope"] = SCOPES[first.scope]
    if any(i.per == "year" and i.cmp != "change" for i in items):
        target["recurrence"] = True
    if milestones:
        target["milestones"] = milestones
    if baseline is not None and not first.scope:
        target["baseline"] = {"value": baseline.value, "year": baseline.year or baseline_year}
    return target


def _milestones(items: list[Any]) -> dict[int, float]:
    """Explicit values by year; a yearly change continues from the previous milestone to the end of its span."""
    out: dict[int, float] = {}
    for i in sorted(items, key=lambda i: i.year or 0):
        if i.year is None:
            continue
        if i.cmp == "change" and out:
            year, value = max(out), out[max(out)]
            while year < i.year:
                year, value = year + 1, value + float(i.value)
                out[year] = round(value, 6)
        elif i.cmp != "change":
            out[int(i.year)] = float(i.value)
    return out
