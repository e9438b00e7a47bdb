"""Boundaries in the database: saved from the core's features, handed to the page's map as GeoJSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from eduplan.facts import Facts
from eduplan.indicators.catalogue import Indicator
from eduplan.region.boundaries import Feature
from eduplan.region.compare import Coverage, area_values, school_values
from eduplan.region.source import indicator_values
from eduplan.web.region.models import Boundary
from eduplan.web.schools.models import OrgUnit

MAX_POINTS = 20_000  # schools drawn on one map; beyond it the map shows areas only
LEVELS = {"county": "按县", "township": "按乡镇"}


def save(features: Sequence[Feature], source: str) -> tuple[int, int]:
    """Store `features` (all or nothing); a unit's earlier boundary is replaced. (created, changed) counts:
    importing the same file again changes nothing."""
    levels = dict(OrgUnit.objects.filter(code__in=[f.code for f in features]).values_list("code", "level"))
    created = changed = 0
    with transaction.atomic():
        for f in features:
            fields = {
                "name": f.name,
                "level": levels.get(f.code, ""),
                "geometry": f.geometry,
                "source": source,
            }
            old = Boundary.objects.filter(unit=f.code).first()
            if old is None:
                Boundary.objects.create(unit=f.code, **fields)
                created += 1
            elif any(getattr(old, k) != v for k, v in fields.items()):
                Boundary.objects.filter(pk=old.pk).update(**fields)
                changed += 1
    return created, changed


def map_data(facts: Facts, cover: Coverage, ind: Indicator, level: str) -> dict[str, Any] | None:
    """What the page's map draws: the boundaries of the counties (or their townships) as GeoJSON with each
    area's value of `ind`, and the located schools with theirs; None when no boundary is stored."""
    values = indicator_values(facts)
    areas = area_values(values, facts, cover, ind.code, level)
    rows = Boundary.objects.filter(unit__in=areas["unit"].to_list()).order_by("unit")
    items = [
        {"type": "Feature", "properties": {"code": b.unit, "name": b.name}, "geometry": b.geometry}
        for b in rows
    ]
    if not items:
        return None
    points = school_values(values, facts, cover, ind.code) if ind.level == "school" else None
    return {
        "type": "FeatureCollection", "region": cover.region, "level": level, "features": items,
        "areas": areas.select("unit", "name", "value", "complete").to_dicts(),
        "points": points.to_dicts() if points is not None and points.height <= MAX_POINTS else [],
    }  # fmt: skip
