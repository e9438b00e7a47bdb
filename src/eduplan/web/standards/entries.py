"""Entered items from the database as the core's `Entry` mapping."""

from __future__ import annotations

from eduplan.standards.items import Entry
from eduplan.web.standards.models import EnteredItem


def entries(unit: str, year: int, kind: str) -> dict[str, Entry]:
    rows = EnteredItem.objects.filter(unit=unit, year=year, kind=kind)
    return {r.item: Entry(r.passed, r.evidence) for r in rows}
