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
from eduplan.facts import STAGE_NAMES
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
    costed: bool = True  # False: the list names the work but does not estimate its cost

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES.get(self.stage, "—")

    @property
    def cost_wan(self) -> float:
        return self.cost / 10_000

    @property
    def digits(self) -> int:
        """Decimals to show: none for whole amounts (teachers, rooms, places), two for areas and money."""
        return 0 if float(self.amount).is_integer() else 2


@dataclass
class Plan:
    mode: str
    actions: list[Action]
    passes_after: bool  # the resource configuration (every school, every CV) passes after the actions
    cv_after: dict[str, dict[str, float | None]] = field(default_factory=dict)
    failing_after: list[str] = field(default_factory=list)  # what still fails or stays undecided, in words
    uncovered: list[str] = field(default_factory=list)  # failing items the list has no action for
    pending: list[str] = field(default_factory=list)  # items still undecided (missing data or entries)

    @property
    def total_cost(self) -> float:
        return sum(a.cost for a in self.actions)

    @property
    def uncosted(self) -> list[Action]:
        return [a for a in self.actions if not a.costed]

    @property
    def all_pass_after(self) -> bool:
        """True only when, after the listed actions, every school, CV and item is known to pass."""
        return self.passes_after and not self.uncovered and not self.pending

    def summary(self) -> str:
        """What the list achieves, and plainly what it leaves out."""
        if self.all_pass_after:
            return "整改后各校与各项均达标"
        parts = [
            "资源配置整改后各校与各项差异系数均达标"
            if self.passes_after
            else "资源配置整改后仍未达标或无法判定：" + "、".join(self.failing_after)
        ]
        if self.uncosted:
            kinds = sorted({a.resource for a in self.uncosted})
            parts.append(f"清单中 {len(self.uncosted)} 项未估算费用（{'、'.join(kinds)}）")
        if self.uncovered:
            parts.append("清单未包含的未达标项目：" + "、".join(self.uncovered))
        if self.pending:
            parts.append(f"另有 {len(self.pending)} 个项目缺数据或待录入，整改后能否达标取决于这些项目")
        return "；".join(parts)


def wan(amount: float) -> str:
    """An amount in yuan as 万元 with thousands separators: 1,234.5 万元."""
    return f"{amount / 10_000:,.1f} 万元"


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
        failing_after += [
            f"{STAGE_NAMES[stage]}{s.name}（缺数据，未测算）" for s in result.schools if s not in known
        ]
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
        failing_after += [f"{STAGE_NAMES[stage]}{names.get(f, f)}" for f in failed]
    actions += item_actions(evaluation, standard)
    covered = {a.indicator for a in actions}
    uncovered = [i.name for i in evaluation.items if i.status == "fail" and i.code not in covered]
    pending = [i.name for i in evaluation.items if i.status == "pending"]
    return Plan(mode, actions, not failing_after, cv_after, failing_after, uncovered, pending)


# The work each failing item's shortfall calls for: (resource, unit, unit cost key or None when not costed).
ITEM_WORK = {
    "music_art_rooms": ("音乐、美术专用教室", "间", "special_room"),
    "school_size": ("分流学位（到其他学校或新建学校）", "个", "place"),
    "class_size": ("增加班级（需相应教室与教师）", "个", None),
    "teacher_certified": ("未持证专任教师取得教师资格或调整岗位", "人", None),
}


def place_cost(standard: Standard, stage: str) -> float:
    """One school place, costed as the standard's teaching and sports area per pupil at the unit costs."""
    area = standard.indicator("area_teaching").threshold.get(stage, 0.0)
    sports = standard.indicator("area_sports").threshold.get(stage, 0.0)
    costs = standard.unit_costs
    return area * costs.get("building_m2", 0.0) + sports * costs.get("sports_m2", 0.0)


def item_actions(evaluation: Evaluation, standard: Standard) -> list[Action]:
    """The failing items' shortfalls (rooms, places, classes, certificates) as to-do items, per school."""
    names = {s.code: s.name for r in evaluation.stages.values() for s in r.schools}
    names |= {e["code"]: e["name"] for r in evaluation.stages.values() for e in r.excluded}
    stages = {
        s.code: s.stage for r in evaluation.stages.values() for s in sorted(r.schools, key=lambda s: s.pupils)
    }
    out = []
    for item in evaluation.items:
        if item.code not in ITEM_WORK or item.status != "fail":
            continue
        resource, unit, key = ITEM_WORK[item.code]
        for school, amount in sorted(item.shortfall.items()):
            stage = stages.get(school, "primary")
            each = place_cost(standard, stage) if key == "place" else standard.unit_costs.get(key or "", 0.0)
            work = resource if amount else "重新均衡分班（年级平均未超标但有56人及以上大班额）"
            out.append(Action(school, names.get(school, school), stages.get(school, ""), item.code, item.name,
                              work, unit, amount, amount * each, None, None, item.group, key is not None))  # fmt: skip
    return out


def _recheck(
    values: Values, pupils: dict[str, int], limit: float, standard: Standard, stage: str
) -> tuple[dict[str, float | None], list[str]]:
    cvs = {ind.code: _cv(values, pupils, ind.code) for ind in standard.indicators}
    failed = [
        f"{standard.indicator(c).name}差异系数"
        for c, v in cvs.items()
        if v is not None and v > limit + EPSILON
    ]
    for school, vals in values.items():
        ratios = [vals[i.code] / i.threshold[stage] for i in standard.indicators]
        met = sum(1 for r in ratios if r >= 1 - EPSILON)
        if met < standard.min_met or min(ratios) < standard.floor_ratio - EPSILON:
            failed.append(school)
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
