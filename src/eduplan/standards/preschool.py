"""县域学前教育普及普惠 (2020 办法): three county rates against their thresholds, and the decidable items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eduplan.facts import Facts
from eduplan.standards.county import County, county
from eduplan.standards.items import Entry, evaluate_items
from eduplan.standards.loader import load, raw_standard
from eduplan.standards.ratios import county_ratio
from eduplan.standards.result import Evaluation, ItemResult, Status

GROUP = "普及普惠水平"


def _rate(c: County, raw: dict[str, Any]) -> ItemResult:
    code, threshold = str(raw["code"]), float(raw["threshold"])
    r = county_ratio(c, code)
    status: Status = "pending" if r.value is None else ("pass" if r.value >= threshold else "fail")
    detail = (
        f"{r.numerator:.0f}/{r.denominator:.0f}" if r.numerator is not None and r.denominator else "数据不足"
    )
    return ItemResult(
        code, GROUP, str(raw["name"]), str(raw.get("source", "")), status, "data", r.value, threshold, detail
    )


def evaluate_preschool(
    facts: Facts,
    unit: str,
    year: int,
    entered: Mapping[str, Entry] | None = None,
    include_small_points: bool = False,
) -> Evaluation:
    """The 普及普惠 evaluation of county `unit` in `year`."""
    standard = load("preschool", unit)
    raw, _, _ = raw_standard("preschool", unit[:2])
    c = county(facts, unit, year)
    rates = [_rate(c, i) for i in raw["indicators"]]
    items = evaluate_items(c, standard.items, c.schools.head(0), entered or {})
    meta = [
        {"code": i["code"], "name": i["name"], "threshold": i["threshold"], "source": i.get("source", "")}
        for i in raw["indicators"]
    ]
    return Evaluation(
        "preschool",
        standard.name,
        standard.source,
        unit,
        year,
        {},
        rates + items,
        meta,
        [],
        standard.province_file,
    )
