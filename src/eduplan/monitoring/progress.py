"""Judging a plan target against the data: the Open SDG / Statistics Canada progress measure.

The ratio R of the observed to the required compound annual growth rate from the baseline
(https://github.com/open-sdg/sdg-build, sdg/ProgressMeasure.py; docs/progress.md):

    CAGR_o = (y_latest / y_0) ** (1 / (t_latest - t_0)) - 1
    CAGR_r = (y_target / y_0) ** (1 / (t_target - t_0)) - 1
    R      = d * s * CAGR_o / |CAGR_r|      d = +1 higher is better, -1 lower; s = sign of y_0

R >= 0.95 on track, 0.60 <= R < 0.95 acceleration needed, 0 <= R < 0.60 limited, R < 0 deteriorating;
a target met by the latest value is achieved. Our additions (documented in docs/progress.md):
natural limits (bounded rates only), change and range targets, recurrence, milestones, one data point, and
targets past their year, judged on that year's value alone (已实现 or 未实现（到期）, no forecast).
Pure Python: no Django, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Literal

from eduplan.monitoring.forecast import RECENT_POINTS, Point, linear_forecast

Comparator = Literal["ge", "le", "eq", "range", "change"]
Direction = Literal["higher", "lower"]
Status = Literal[
    "achieved", "on_track", "acceleration_needed", "limited", "deteriorating", "not_achieved", "no_data"
]

STATUSES: tuple[Status, ...] = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited",
    "deteriorating",
    "not_achieved",
    "no_data",
)
STATUS_LABELS: dict[str, str] = {
    "achieved": "已实现",
    "on_track": "进展顺利",
    "acceleration_needed": "需加快",
    "limited": "进展有限",
    "deteriorating": "倒退",
    "not_achieved": "未实现（到期）",
    "no_data": "无数据",
}
BEHIND: tuple[Status, ...] = ("acceleration_needed", "limited", "deteriorating")
COMPARATOR_LABELS: dict[str, str] = {"ge": "≥", "le": "≤", "eq": "=", "range": "区间", "change": "每年变化"}

# Thresholds of the Statistics Canada measure (Open SDG defaults 'high' and 'med').
ON_TRACK_RATIO = 0.95
ACCELERATION_RATIO = 0.60
# Open SDG replaces a zero base or target by 0.001 so that the growth rate is defined.
ZERO_SUBSTITUTE = 0.001
# A bounded rate's target of 0% or 100% counts as reached within this many points (issue 5); never a gross
# ratio (毛入学率 can exceed 100) nor a count (issue 10).
LIMIT_TOLERANCE_POINTS = 1.0
PERCENT_LIMITS = (0.0, 100.0)


@dataclass(frozen=True)
class Milestone:
    year: int
    value: float


@dataclass(frozen=True)
class TargetSpec:
    """One plan target as the core sees it. `value` is the per-year change for comparator 'change'."""

    key: str
    indicator: str
    comparator: Comparator
    value: float
    target_year: int
    direction: Direction = "higher"
    value_high: float | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    milestones: tuple[Milestone, ...] = ()
    recurrence: bool = False
    percent: bool = True
    tolerance: float = 0.0
    bounded: bool = False  # a rate that cannot exceed 100% (the catalogue says which): natural limits apply


@dataclass(frozen=True)
class Judgement:
    key: str
    status: Status
    reason: str
    target_value: float | None
    latest_value: float | None = None
    latest_year: int | None = None
    baseline_value: float | None = None
    baseline_year: int | None = None
    cagr_observed: float | None = None
    cagr_required: float | None = None
    ratio: float | None = None
    milestone_value: float | None = None
    milestones_missed: tuple[int, ...] = ()
    forecast_value: float | None = None
    forecast_meets_target: bool | None = None
    years_met: tuple[int, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def effective_target(spec: TargetSpec) -> tuple[float | None, Direction]:
    """The value to reach at the target year and the good direction ('change' needs a baseline)."""
    if spec.comparator == "change":
        if spec.baseline_value is None or spec.baseline_year is None:
            return None, "higher" if spec.value >= 0 else "lower"
        total = spec.value * (spec.target_year - spec.baseline_year)
        return spec.baseline_value + total, "higher" if spec.value >= 0 else "lower"
    if spec.comparator == "ge":
        return spec.value, "higher"
    if spec.comparator == "le":
        return spec.value, "lower"
    if spec.comparator == "range" and spec.value_high is not None:
        # Aim at the nearer bound of the range from where the baseline stands.
        if spec.baseline_value is not None and spec.baseline_value > spec.value_high:
            return spec.value_high, "lower"
        return spec.value, "higher"
    return spec.value, spec.direction


def meets(spec: TargetSpec, value: float, goal: float | None = None) -> bool:
    """True when `value` satisfies the target (or `goal`, a milestone), with the natural-limit allowance."""
    target, direction = effective_target(spec)
    if goal is None and spec.comparator == "range" and spec.value_high is not None:
        return spec.value - spec.tolerance <= value <= spec.value_high + spec.tolerance
    goal = target if goal is None else goal
    if goal is None:
        return False
    if spec.comparator == "eq":
        return abs(value - goal) <= spec.tolerance or _at_natural_limit(spec, value, goal)
    if _at_natural_limit(spec, value, goal):
        return True
    return value >= goal - spec.tolerance if direction == "higher" else value <= goal + spec.tolerance


def _at_natural_limit(spec: TargetSpec, value: float, goal: float) -> bool:
    """A bounded rate's 0% or 100% target counts as reached within one percentage point."""
    if not (spec.percent and spec.bounded) or goal not in PERCENT_LIMITS:
        return False
    return abs(value - goal) <= LIMIT_TOLERANCE_POINTS


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate; zeros replaced as Open SDG does."""
    start = start if start != 0 else ZERO_SUBSTITUTE
    end = end if end != 0 else ZERO_SUBSTITUTE
    ratio = end / start
    if ratio <= 0:
        # Opposite signs: growth is undefined. Treat as a full collapse so the sign still says which way.
        return -1.0
    return float(ratio ** (1.0 / years) - 1.0)


def status_from_ratio(ratio: float) -> Status:
    if ratio >= ON_TRACK_RATIO:
        return "on_track"
    if ratio >= ACCELERATION_RATIO:
        return "acceleration_needed"
    if ratio >= 0:
        return "limited"
    return "deteriorating"


def milestone_path(spec: TargetSpec, years: Iterable[int]) -> dict[int, float]:
    """The milestone of each year, for the chart.

    Explicit milestones (and a change target's yearly steps) are joined by straight lines, as plans write
    them ("每年提升2个百分点"). Without them the path is the required growth path of the method:
    y_0 * (1 + CAGR_r) ** (t - t_0), so that a value on the path has R = 1.
    """
    anchors = _milestone_anchors(spec)
    if len(anchors) < 2:
        return {m.year: m.value for m in spec.milestones}
    geometric = not spec.milestones and spec.comparator != "change" and all(v > 0 for _, v in anchors)
    path: dict[int, float] = {}
    for year in years:
        value = _interpolate(anchors, year, geometric)
        if value is not None:
            path[year] = value
    return path


def committed_milestones(spec: TargetSpec, years: Iterable[int]) -> dict[int, float]:
    """Milestones the plan commits to: explicit ones, or the yearly steps of a change target."""
    if spec.milestones or spec.comparator == "change":
        return milestone_path(spec, years)
    return {}


def _milestone_anchors(spec: TargetSpec) -> list[tuple[int, float]]:
    target, _ = effective_target(spec)
    points: dict[int, float] = {}
    if spec.baseline_year is not None and spec.baseline_value is not None:
        points[spec.baseline_year] = spec.baseline_value
    if target is not None:
        points[spec.target_year] = target
    for m in spec.milestones:
        points[m.year] = m.value
    return sorted(points.items())


def _interpolate(anchors: Sequence[tuple[int, float]], year: int, geometric: bool) -> float | None:
    for (y0, v0), (y1, v1) in pairwise(anchors):
        if y0 <= year <= y1:
            share = (year - y0) / (y1 - y0)
            return float(v0 * (v1 / v0) ** share) if geometric else v0 + (v1 - v0) * share
    return None


def clean(points: Iterable[Point], until: int | None = None) -> list[Point]:
    """Drop missing values and years after `until`; one value per year (the last given wins)."""
    by_year: dict[int, float] = {}
    for year, value in points:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if until is not None and year > until:
            continue
        by_year[int(year)] = float(value)
    return sorted(by_year.items())


def judge(spec: TargetSpec, observations: Iterable[Point], as_of: int | None = None) -> Judgement:
    """Judge one target on its yearly observations (year, value), using data up to `as_of`."""
    points = clean(observations, as_of)
    spec = _with_baseline(spec, points)
    target, _ = effective_target(spec)
    empty = Judgement(spec.key, "no_data", "没有该指标的数据", target, baseline_value=spec.baseline_value,
                      baseline_year=spec.baseline_year)  # fmt: skip
    if not points:
        return empty
    if target is None:
        return replace(empty, reason="变化类目标缺少基期值，无法确定目标值")
    if spec.recurrence:
        return _judge_recurrence(spec, points, target, empty)
    return _judge_trajectory(spec, points, target, empty)


def _with_baseline(spec: TargetSpec, points: list[Point]) -> TargetSpec:
    """Observed data beat the plan text for the baseline; a baseline year without data moves to the next year with
    data; without a baseline year, the first observation is the baseline."""
    observed = dict(points)
    if spec.baseline_year is not None and spec.baseline_year in observed:
        return replace(spec, baseline_value=observed[spec.baseline_year])
    if spec.baseline_year is not None and spec.baseline_value is None and not spec.recurrence:
        # A baseline year without data: the next year with data, as Open SDG does.
        later = [p for p in points if p[0] > spec.baseline_year]
        return replace(spec, baseline_year=later[0][0], baseline_value=later[0][1]) if later else spec
    if spec.baseline_year is None and points and not spec.recurrence:  # every year of a recurrence counts
        return replace(spec, baseline_year=points[0][0], baseline_value=points[0][1])
    return spec


@dataclass(frozen=True)
class Growth:
    observed: float
    required: float
    ratio: float | None


def _with_growth(j: Judgement, status: Status, reason: str, growth: Growth) -> Judgement:
    return replace(j, status=status, reason=reason, cagr_observed=growth.observed,
                   cagr_required=growth.required, ratio=growth.ratio)  # fmt: skip


def _judge_trajectory(spec: TargetSpec, points: list[Point], target: float, empty: Judgement) -> Judgement:
    latest_year, latest = points[-1]
    years = [y for y, _ in points]
    committed = committed_milestones(spec, years)
    missed = tuple(
        y
        for y, v in points
        if y in committed and y != spec.baseline_year and not meets(spec, v, committed[y])
    )
    due = latest_year >= spec.target_year
    forecast = None if due else _forecast(spec, points)
    base_j = replace(
        empty, latest_value=latest, latest_year=latest_year, milestone_value=milestone_path(spec, years).get(latest_year),
        milestones_missed=missed, forecast_value=forecast,
        forecast_meets_target=None if forecast is None else meets(spec, forecast),
    )  # fmt: skip
    if due:
        return _judge_due(spec, dict(points), target, base_j)
    if meets(spec, latest):
        return replace(base_j, status="achieved", reason="最新值已达到目标")
    base_year, base = spec.baseline_year, spec.baseline_value
    if base is None or base_year is None or latest_year <= base_year:
        explicit = {m.year: m.value for m in spec.milestones}
        return _agree(_judge_single_point(spec, base_j, explicit.get(latest_year), latest), spec)
    status, reason, growth = _ratio_status(spec, target, base, base_year, latest, latest_year)
    status, reason = _apply_caps(spec, status, reason, missed, latest_year)
    return _agree(_with_growth(base_j, status, reason, growth), spec)


def _judge_due(spec: TargetSpec, observed: dict[int, float], target: float, j: Judgement) -> Judgement:
    """A target whose year has data is judged on that year's value alone: 已实现 or 未实现（到期）."""
    year = spec.target_year
    if year not in observed:
        return replace(
            j,
            status="no_data",
            reason=f"目标年 {year} 没有数据（已有 {j.latest_year} 年数据），无法判定是否实现",
        )
    value = observed[year]
    j = replace(j, latest_value=value, latest_year=year, forecast_value=None, forecast_meets_target=None)
    if meets(spec, value):
        return replace(j, status="achieved", reason=f"目标年 {year} 的值 {value:g} 已达到目标 {target:g}")
    return replace(
        j, status="not_achieved", reason=f"目标年 {year} 的值 {value:g} 未达到目标 {target:g}，到期未实现"
    )


def _agree(j: Judgement, spec: TargetSpec) -> Judgement:
    """A status and its forecast must not contradict each other without the reason being said."""
    if j.forecast_value is None or j.forecast_meets_target is None:
        return j
    trend = f"按近{RECENT_POINTS}年线性趋势预计 {spec.target_year} 年为 {j.forecast_value:g}"
    if j.status in BEHIND and j.forecast_meets_target:
        why = "自基期以来的年均增长率不足" if j.ratio is not None else "当年未达到里程碑"
        return replace(j, reason=f"{j.reason}；{trend}，可达到目标：{why}，但近年增速已足以按期实现")
    if j.status == "on_track" and not j.forecast_meets_target:
        return replace(j, reason=f"{j.reason}；但{trend}，达不到目标：近年增速放缓")
    return j


def _ratio_status(
    spec: TargetSpec, target: float, base: float, base_year: int, latest: float, latest_year: int
) -> tuple[Status, str, Growth]:
    _, direction = effective_target(spec)
    d = 1.0 if direction == "higher" else -1.0
    s = -1.0 if base < 0 else 1.0
    observed = cagr(base, latest, latest_year - base_year)
    required = cagr(base, target, max(spec.target_year - base_year, 1))
    if required == 0:
        # The baseline sat exactly on the target and the value has since moved away from it.
        status: Status = "deteriorating" if d * s * observed < 0 else "limited"
        return status, "基期值恰在目标上，之后偏离目标", Growth(observed, required, None)
    ratio = d * s * observed / abs(required)
    return (
        status_from_ratio(ratio),
        f"实际年均增长率与所需年均增长率之比 R = {ratio:.2f}",
        Growth(observed, required, ratio),
    )


def _apply_caps(
    spec: TargetSpec, status: Status, reason: str, missed: tuple[int, ...], latest_year: int
) -> tuple[Status, str]:
    """A missed milestone in the latest year cannot be 'on track'."""
    if status != "on_track":
        return status, reason
    if latest_year in missed:
        return "acceleration_needed", reason + f"；但未达到 {latest_year} 年里程碑"
    return status, reason


def _judge_single_point(spec: TargetSpec, j: Judgement, milestone: float | None, latest: float) -> Judgement:
    """One data point and no earlier baseline: no growth rate; judge against that year's explicit milestone if any."""
    if milestone is not None:
        ok = meets(spec, latest, milestone)
        reason = "仅一个数据点，" + ("已达到当年里程碑" if ok else "未达到当年里程碑")
        return replace(j, status="on_track" if ok else "acceleration_needed", reason=reason)
    return replace(j, status="no_data", reason="仅一个数据点，无法计算增长率")


def _judge_recurrence(spec: TargetSpec, points: list[Point], target: float, empty: Judgement) -> Judgement:
    """A target that must hold every year (每学年教师交流比例 ≥ 10%): each year after the baseline is a deadline."""
    if spec.baseline_year is not None and any(y > spec.baseline_year for y, _ in points):
        points = [p for p in points if p[0] >= spec.baseline_year]
    judged = [(y, v) for y, v in points if spec.baseline_year is None or y > spec.baseline_year]
    met = tuple(y for y, v in judged if meets(spec, v))
    latest_year, latest = points[-1]
    due = latest_year >= spec.target_year
    forecast = None if due else _forecast(spec, points)
    j = replace(
        empty, latest_value=latest, latest_year=latest_year, milestone_value=target,
        milestones_missed=tuple(y for y, _ in judged if y not in met), forecast_value=forecast,
        forecast_meets_target=None if forecast is None else meets(spec, forecast), years_met=met,
    )  # fmt: skip
    if due:
        return _judge_due(spec, dict(points), target, j)
    if latest_year in met:
        return replace(j, status="achieved", reason=f"{latest_year} 年已达到每年目标")
    if len(points) < 2:
        return replace(j, status="acceleration_needed", reason="仅一个数据点，当年未达到每年目标")
    # One-year horizon: growth from the previous year against the growth needed to meet the target this year.
    prev_year, prev = points[-2]
    one_year = replace(
        spec, baseline_value=prev, baseline_year=prev_year, target_year=latest_year, recurrence=False
    )
    status, reason, growth = _ratio_status(one_year, target, prev, prev_year, latest, latest_year)
    if status == "on_track":
        status = "acceleration_needed"  # the year is over and the target was missed
    return _with_growth(j, status, f"{latest_year} 年未达到每年目标；" + reason, growth)


def _forecast(spec: TargetSpec, points: list[Point]) -> float | None:
    lower, upper = natural_limits(spec, points)
    return linear_forecast(points, spec.target_year, lower=lower, upper=upper)


def natural_limits(spec: TargetSpec, points: Sequence[Point]) -> tuple[float | None, float | None]:
    """Percentages are never negative; a bounded rate also never exceeds 100 (a gross ratio may)."""
    if not spec.percent:
        return None, None
    bounded = spec.bounded and not any(v > PERCENT_LIMITS[1] for _, v in points)
    return PERCENT_LIMITS[0], PERCENT_LIMITS[1] if bounded else None
