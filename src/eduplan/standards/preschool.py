"""县域学前教育普及普惠 (教督〔2020〕1号): three county rates against their thresholds, and the decidable items."""

from __future__ import annotations

from collections.abc import Mapping

from eduplan.facts import Facts
from eduplan.standards.county import county, missing_reports
from eduplan.standards.items import RULES, Entry, evaluate_items
from eduplan.standards.loader import Item, load, raw_standard
from eduplan.standards.result import Evaluation

GROUP = "普及普惠水平"


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
    rates = [
        RULES["rate"](c, Item(str(i["code"]), GROUP, "rate", str(i["name"]), str(i.get("source", "")),
                              {"indicator": i["code"], "threshold": i["threshold"]}), c.schools.head(0))
        for i in raw["indicators"]
    ]  # fmt: skip
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
        c.status,
        missing_reports(c),
    )
