"""Boundaries in the database: saved from the core's features, handed to the page's map as GeoJSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from eduplan.region.boundaries import Feature
from eduplan.web.region.models import Boundary
from eduplan.web.schools.models import OrgUnit


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


def features(region: str, counties: Sequence[str]) -> dict[str, Any] | None:
    """The counties' boundaries as a GeoJSON FeatureCollection (properties code, name); None without any."""
    rows = Boundary.objects.filter(unit__in=list(counties)).order_by("unit")
    items = [
        {"type": "Feature", "properties": {"code": b.unit, "name": b.name}, "geometry": b.geometry}
        for b in rows
    ]
    return {"type": "FeatureCollection", "region": region, "features": items} if items else None
