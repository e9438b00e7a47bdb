"""Template filters of the finance pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: object, digits: int = 1) -> str:
    """A share (0.035) as a percentage (3.5%); — when missing."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    return f"{value * 100:.{int(digits)}f}%"
