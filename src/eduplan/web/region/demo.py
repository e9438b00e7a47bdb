"""The demo city's region data: made-up county and township boundaries, and the city's own plan and
commitments (demo_city.yaml, after seed 003)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eduplan.facts import Facts
from eduplan.region.assignments import AssignmentRow, PartRow
from eduplan.region.boundaries import synthetic
from eduplan.web.region.assign import save_rows
from eduplan.web.region.maps import save
from eduplan.web.region.models import Commitment

DEMO_CITY = Path(__file__).with_name("demo_city.yaml")
SOURCE = "示例边界（按学校位置生成的虚构边界，仅供演示）"


def load_demo_region(facts: Facts, city: str = "9901", name: str = "示例市") -> None:
    """Boundaries for every county and township with located schools; the city's plan and commitments."""
    from eduplan.web import access
    from eduplan.web.plans.plan_io import save_plan

    with access.bulk():
        _load(facts, city, name, save_plan)


def _load(facts: Facts, city: str, name: str, save_plan: Any) -> None:
    save(synthetic(facts), SOURCE)
    data: dict[str, Any] = yaml.safe_load(DEMO_CITY.read_text(encoding="utf-8"))
    save_plan({"plan": data["plan"], "targets": data["targets"]}, city, name)
    Commitment.objects.filter(unit=city).delete()
    source = data["plan"]["source_document"]
    for c in data["commitments"]:
        Commitment.objects.create(unit=city, source=source, **c)
    save_rows(_assignment(city, source, a) for a in data["assignments"])


def _assignment(city: str, source: str, a: dict[str, Any]) -> AssignmentRow:
    parts = tuple(PartRow(county, float(t), d, own) for county, (t, d, own) in a.pop("parts").items())
    return AssignmentRow(
        unit=city, source=source, total=a.pop("total", None), indicator_code="", parts=parts, **a
    )
