"""Figures of the 优质均衡 to-do list (`eduplan.standards.gaps.Plan`) that reports state: totals by resource."""

from __future__ import annotations

from eduplan.standards.gaps import Plan


def resource_totals(todo: Plan) -> dict[tuple[str, str], float]:
    """(resource, unit) → the amount the list adds over all schools, in the order the list first names them."""
    totals: dict[tuple[str, str], float] = {}
    for a in todo.actions:
        totals[a.resource, a.unit] = totals.get((a.resource, a.unit), 0.0) + a.amount
    return totals


def teachers(todo: Plan) -> tuple[float, list[str]]:
    """Teachers the list adds (resources counted in 人), and the resources they are."""
    found = {k: v for k, v in resource_totals(todo).items() if k[1] == "人"}
    return sum(found.values()), [f"{name}{amount:,.0f}人" for (name, _), amount in found.items()]


def schools(todo: Plan) -> int:
    return len({a.school for a in todo.actions})
