"""Figures of the 优质均衡 to-do list (`eduplan.standards.gaps.Plan`) that reports state: totals by resource."""

from __future__ import annotations

from eduplan.standards.gaps import Plan


def resource_totals(todo: Plan) -> dict[tuple[str, str], float]:
    """(resource, unit) → the amount the list adds over all schools, in the order the list first names them."""
    totals: dict[tuple[str, str], float] = {}
    for a in todo.actions:
        totals[a.resource, a.unit] = totals.get((a.resource, a.unit), 0.0) + a.amount
    return totals


def schools(todo: Plan) -> int:
    return len({a.school for a in todo.actions})
