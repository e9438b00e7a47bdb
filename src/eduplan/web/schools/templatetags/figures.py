"""Template filters for figures: a missing value shows as —, never as 0."""

from __future__ import annotations

from django import template

from eduplan.indicators.catalogue import Indicator
from eduplan.indicators.display import count_text, value_text

register = template.Library()


@register.filter
def figure(value: object, digits: int = 0) -> str:
    """A number with thousands separators and `digits` decimals; — when missing."""
    if value is None or value == "":
        return "—"
    if not isinstance(value, int | float):
        return str(value)
    return f"{value:,.{int(digits)}f}"


@register.filter
def sort_key(value: object) -> str:
    """The value for table.js's data-sort: missing values sort as -1 so they gather at one end."""
    return "-1" if value is None else str(value)


@register.filter
def count(value: object) -> str:
    """A count as a whole number with separators (9,343, never 9,343.00); — when missing."""
    if value is None or value == "":
        return "—"
    if not isinstance(value, int | float):
        return str(value)
    return count_text(float(value))


@register.filter
def shown(value: object, ind: Indicator) -> str:
    """An indicator's value as every page writes it (ratios as 1:13.7, counts whole)."""
    return value_text(ind, value if isinstance(value, int | float) else None)


@register.filter
def percent(value: object, digits: int = 1) -> str:
    """A share (0.926) as a percentage (92.6%); — when missing."""
    return "—" if not isinstance(value, int | float) else f"{value:.{int(digits)}%}"
