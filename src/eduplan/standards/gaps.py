"""Each school's shortfall in natural units, and the cheapest set of changes that makes the county pass.

Method (stated on the method page):
1. A failing school is brought to pass at least cost, exactly: every indicator is raised to the floor ratio of
   its threshold, then all but the (n − min_met) indicators whose last step (floor → threshold) costs most are
   raised to the threshold. Costs are separable and linear, so this choice is optimal per school.
2. An indicator whose CV exceeds the limit is fixed by water-filling: schools below a floor F are raised to F,
   with the smallest F (found by bisection) that brings the CV to the limit. Raising the school with the lowest
   value is the steepest descent of CV per unit of resource (∂CV²/∂Rᵢ ∝ Xᵢ − ΣRⱼXⱼ/ΣRⱼ), so this is the
   greedy path of the marginal rule, and CV falls monotonically in F.
3. Integer resources (teachers, rooms) are rounded up; the plan is then re-evaluated and says if the county passes.
Mode "cost" weighs resources by the unit costs of data/costs.yaml; mode "count" minimises the number of
school-indicator changes in step 1, then their cost (step 2 is the same in both modes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from eduplan.errors import ConfigError
from eduplan.standards.balanced import EPSILON
from eduplan.standards.cv import weighted_cv
from eduplan.standards.loader import Indicator, Standard
from eduplan.standards.result import Evaluation, SchoolResult

Mode = Literal["cost", "count"]
MODES = ("cost", "count")
Values = dict[str, dict[str, float]]  # school → indicator → value
COUNT_WEIGHT = 1e15


@dataclass
class Shortfall:
    """What a school lacks for one indicator, in natural units, and what fixing it alone does to the CV."""

    school: str
    name: str
    stage: str
    indicator: str
    indicator_name: str
    value: float
    threshold: float
    amount: float
    unit: str
    resource: str
    cost: float
    cv_before: float | None
    cv_after: float | None


@dataclass
class Action:
    school: str
    name: str
    stage: str
    indicator: str
    indicator_name: str
    resource: str
    unit: str
    amount: float
    cost: float
    from_value: float | None  # the indicator before and after; None for items that are not an indicator
    to_value: float | None
    reason: str


@dataclass
class Plan:
    mode: str
    actions: list[Action]
    passes_after: bool
    cv_after: dict[str, dict[str, float | None]] = field(default_factory=dict)
    failing_after: list[str] = field(default_factory=list)

    @property
    def total_cost(self) -> float:
        return sum(a.cost for a in self.actions)


def _amount(ind: Indicator, delta_value: float, pupils: int) -> float:
    """Natural units that raise a school's value by `delta_value` (per `ind.per` pupils)."""
    raw = max(0.0, delta_value) * pupils / ind.per
    if ind.resource is not None and ind.resource.integer:
        return float(math.ceil(raw - 1e-9))
    # Up to the cent or the hundredth of a m²: rounding to nearest could leave a school just under its target.
    return math.ceil(raw * 100 - 1e-6) / 100


def _unit_cost(ind: Indicator, standard: Standard) -> float:
    return standard.unit_costs.get(ind.resource.cost, 0.0) if ind.resource else 0.0


def _cv(values: Values, pupils: dict[str, int], code: str) -> float | None:
    schools = list(values)
    return weighted_cv([values[s][code] for s in schools], [pupils[s] for s in schools])


def _stage_values(school_results: list[SchoolResult]) -> tuple[Values, dict[str, int]]:
    values = {s.code: {k: (m.value or 0.0) for k, m in s.indicators.items()} for s in school_results}
    return values, {s.code: s.pupils for s in school_results}


def shortfalls(evaluation: Evaluation, standard: Standard) -> list[Shortfall]:
    """Every (school, indicator) below its threshold: the resource to add and the county CV before and after."""
    out = []
    for stage, result in evaluation.stages.items():
        values, pupils = _stage_values(result.schools)
        for school in result.schools:
            for ind in standard.indicators:
                m = school.indicators[ind.code]
                if m.met is not False or m.value is None or m.threshold is None:
                    continue
                amount = _amount(ind, m.threshold - m.value, school.pupils)
                fixed = {**values, school.code: {**values[school.code], ind.code: m.threshold}}
                res = ind.resource
                out.append(
                    Shortfall(
                        school.code,
                        school.name,
                        stage,
                        ind.code,
                        ind.name,
                        m.value,
                        m.threshold,
                        amount,
                        res.unit if res else "",
                        res.name if res else ind.name,
                        amount * _unit_cost(ind, standard),
                        result.cv.get(ind.code),
                        _cv(fixed, pupils, ind.code),
                    )
                )
    return out


def _school_targets(school: SchoolResult, standard: Standard, mode: str) -> dict[str, float]:
    """The least-cost target value per indicator that makes `school` pass (step 1 of the method)."""

    def cost(code: str, target: float) -> float:
        value = school.indicators[code].value or 0.0
        ind = standard.indicator(code)
        if value >= target - EPSILON:
            return 0.0
        money = (target - value) * school.pupils / ind.per * _unit_cost(ind, standard)
        # Count mode: one change outweighs any sum of money, and money breaks ties between equal counts.
        return COUNT_WEIGHT + money if mode == "count" else money

    thresholds = {c: m.threshold or 0.0 for c, m in school.indicators.items()}
    floor = {c: t * standard.floor_ratio for c, t in thresholds.items()}
    # Raising floor → threshold costs the full cost minus the cost to the floor; leave the dearest ones at floor.
    step = {c: cost(c, thresholds[c]) - cost(c, floor[c]) for c in thresholds}
    below = sorted(
        (c for c in thresholds if (school.indicators[c].value or 0.0) < thresholds[c] - EPSILON),
        key=lambda c: step[c],
        reverse=True,
    )
    spared = set(below[: len(thresholds) - standard.min_met])
    return {c: (floor[c] if c in spared else thresholds[c]) for c in thresholds}


def _water_level(values: Values, pupils: dict[str, int], code: str, limit: float) -> float | None:
    """The smallest floor F such that raising every school below F to F brings the CV down to `limit`."""
    xs = [v[code] for v in values.values()]
    lo, hi = min(xs), max(xs)

    def cv_at(level: float) -> float:
        return weighted_cv([max(x, level) for x in xs], list(pupils.values())) or 0.0

    if cv_at(lo) <= limit:
        return None
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if cv_at(mid) <= limit else (mid, hi)
    return hi


def plan(evaluation: Evaluation, standard: Standard, mode: str = "cost") -> Plan:
    """The to-do list that makes every school pass and every CV meet its limit (see the module docstring)."""
    if mode not in MODES:
        raise ConfigError(f"整改方案只能是 cost 或 count，而不是 {mode!r}", english=f"bad plan mode {mode!r}")
    actions: list[Action] = []
    cv_after: dict[str, dict[str, float | None]] = {}
    failing_after: list[str] = []
    for stage, result in evaluation.stages.items():
        # A school with a missing value needs its data reported first: costing it as if it had nothing would
        # turn a gap in the statistics into a building programme. It stays on the failing list, with no action.
        known = [s for s in result.schools if all(m.value is not None for m in s.indicators.values())]
        failing_after += [f"{stage}:{s.code}" for s in result.schools if s not in known]
        if not known:
            continue
        values, pupils = _stage_values(known)
        targets: Values = {s.code: dict(values[s.code]) for s in known}
        reasons: dict[tuple[str, str], str] = {}
        for school in (s for s in known if not s.passed):
            for code, t in _school_targets(school, standard, mode).items():
                if t > targets[school.code][code] + EPSILON:
                    targets[school.code][code] = t
                    reasons[school.code, code] = "学校指标达标"
        for ind in standard.indicators:
            level = _water_level(targets, pupils, ind.code, result.cv_limit - 1e-6)
            if level is None:
                continue
            for code in targets:
                if targets[code][ind.code] < level - EPSILON:
                    targets[code][ind.code] = level
                    reasons.setdefault((code, ind.code), "降低差异系数")
        names = {s.code: s.name for s in known}
        new_values: Values = {s: dict(v) for s, v in values.items()}
        for (code, ind_code), reason in sorted(reasons.items()):
            ind = standard.indicator(ind_code)
            amount = _amount(ind, targets[code][ind_code] - values[code][ind_code], pupils[code])
            new_values[code][ind_code] = values[code][ind_code] + amount * ind.per / pupils[code]
            res = ind.resource
            actions.append(
                Action(
                    code,
                    names[code],
                    stage,
                    ind_code,
                    ind.name,
                    res.name if res else ind.name,
                    res.unit if res else "",
                    amount,
                    amount * _unit_cost(ind, standard),
                    values[code][ind_code],
                    new_values[code][ind_code],
                    reason,
                )
            )
        cv_after[stage], failed = _recheck(new_values, pupils, result.cv_limit, standard, stage)
        failing_after += failed
    actions += room_actions(evaluation, standard)
    return Plan(mode, actions, not failing_after, cv_after, failing_after)


def room_actions(evaluation: Evaluation, standard: Standard) -> list[Action]:
    """Music and art rooms each school lacks (政府保障程度: one of each per 12 classes), as to-do items."""
    names = {s.code: s.name for r in evaluation.stages.values() for s in r.schools}
    cost = standard.unit_costs.get("special_room", 0.0)
    return [
        Action(
            school,
            names.get(school, school),
            "",
            item.code,
            item.name,
            "音乐、美术专用教室",
            "间",
            rooms,
            rooms * cost,
            0.0,
            0.0,
            "政府保障程度",
        )
        for item in evaluation.items
        for school, rooms in sorted(item.shortfall.items())
    ]


def _recheck(
    values: Values, pupils: dict[str, int], limit: float, standard: Standard, stage: str
) -> tuple[dict[str, float | None], list[str]]:
    cvs = {ind.code: _cv(values, pupils, ind.code) for ind in standard.indicators}
    failed = [f"{stage}:{c}" for c, v in cvs.items() if v is not None and v > limit + EPSILON]
    for school, vals in values.items():
        ratios = [vals[i.code] / i.threshold[stage] for i in standard.indicators]
        met = sum(1 for r in ratios if r >= 1 - EPSILON)
        if met < standard.min_met or min(ratios) < standard.floor_ratio - EPSILON:
            failed.append(f"{stage}:{school}")
    return cvs, failed


@dataclass
class Surplus:
    """Teachers above the threshold in schools of a stage: candidates for 交流轮岗 instead of hiring."""

    stage: str
    indicator: str
    indicator_name: str
    surplus: float  # whole teachers above the threshold, summed over the schools that have them
    needed: float  # whole teachers the plan adds in this stage and indicator
    schools: list[str]  # schools with a surplus, largest first


def teacher_surplus(evaluation: Evaluation, standard: Standard, todo: Plan) -> list[Surplus]:
    """Per stage and teacher indicator the plan adds to: how many teachers other schools hold above the norm."""
    out = []
    for stage, result in evaluation.stages.items():
        for ind in standard.indicators:
            if ind.resource is None or not ind.resource.integer or ind.resource.unit != "人":
                continue
            needed = sum(a.amount for a in todo.actions if a.stage == stage and a.indicator == ind.code)
            if not needed:
                continue
            spare = {}
            for s in result.schools:
                m = s.indicators[ind.code]
                if m.value is not None and m.threshold is not None and m.value > m.threshold:
                    spare[s.name] = math.floor((m.value - m.threshold) * s.pupils / ind.per + 1e-9)
            names = [n for n, k in sorted(spare.items(), key=lambda kv: -kv[1]) if k > 0]
            out.append(Surplus(stage, ind.code, ind.name, float(sum(spare.values())), needed, names))
    return out
