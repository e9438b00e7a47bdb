"""How a value is written for people: counts as integers with separators, rates with two decimals, ratios as
1:13.7 (or 13.7:1), amounts with separators. One place, so every page writes the same value the same way."""

from __future__ import annotations

from eduplan.indicators.catalogue import Indicator
from eduplan.indicators.engine import sides
from eduplan.indicators.formula import SCHOOL_COLUMNS

COUNT_UNITS = ("人", "所", "人次", "间", "台", "册")
SPLIT_NOTE = "一贯制学校的教师、校舍和设备按各学段学生数加权（1 : 1.1 : 1.32）拆分到学段，拆分后的数含小数，页面四舍五入为整数显示"


def ratio_text(value: float) -> str:
    """A ratio as people write it: 0.073 teachers per pupil → 1:13.7; 13.7 pupils per teacher → 13.7:1."""
    if value <= 0:
        return "0"
    if value < 1:
        return f"1:{1 / value:,.1f}"
    return f"{value:,.1f}:1"


def count_text(value: float | None) -> str:
    """A count as an integer with separators (9,343), rounded when a split left a fraction; — when missing."""
    return "—" if value is None else f"{round(value):,}"


def value_text(ind: Indicator, value: float | None) -> str:
    """The indicator's value as shown: — when missing."""
    if value is None:
        return "—"
    if ind.unit == "ratio":
        return ratio_text(value)
    if ind.unit in COUNT_UNITS and ind.is_count:
        return count_text(value)
    return f"{value:,.2f}"


def is_split(ind: Indicator) -> bool:
    """True when a side sums a school resource split across stages (its sums may hold fractions)."""
    if ind.reported:
        return False
    return any(t.column in SCHOOL_COLUMNS and t.filter("stage") for side in sides(ind) for t in side)
