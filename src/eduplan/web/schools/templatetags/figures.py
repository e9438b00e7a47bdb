"""Template filters for figures: a missing value shows as —, never as 0."""

from __future__ import annotations

from django import template

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
