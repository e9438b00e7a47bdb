"""When will a county pass a national evaluation: each failing part's trend projected to its threshold.

The parts come from the latest year's evaluation: a failing item with a value and a threshold is followed by its
value; a per-school item without one (班额, 音乐美术专用教室) by its number of failing schools (which must reach 0);
a failing stage by each of its 差异系数 above the limit and by its number of failing schools. Each part's yearly
change is the least-squares slope over the county's last `TREND_YEARS` complete years (at least `MIN_YEARS`), and
its projected year the first whole year the latest value plus that change reaches the threshold. The county's
year is the latest of its parts' years. Nothing is projected (无法预计) when a part has fewer complete years, its
trend moves away from the threshold or stands still, or it would take more than `HORIZON` years; a year whose
data are incomplete is 无法评估. A projected year is never a pass: items still to be entered are named beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from eduplan.facts import STAGE_NAMES
from eduplan.standards.result import Evaluation, ItemResult

TREND_YEARS = 5  # the recent complete years a trend is fitted on: older years describe another county
MIN_YEARS = 3  # two points make a line through any noise; three make a trend
HORIZON = 10  # years ahead: beyond a plan period and a half a straight line says nothing
Compare = Literal["ge", "le"]
UNABLE = "无法预计"
UNKNOWN = "无法评估"


@dataclass(frozen=True)
class Measure:
    """One failing part followed across years: its values of the complete years and the bar it must reach."""

    key: str
    name: str
    threshold: float
    compare: Compare
    values: dict[int, float | None]
    show: Callable[[float | None], str] = field(
        default=lambda v: "" if v is None else f"{v:g}", compare=False
    )


@dataclass(frozen=True)
class PartProjection:
    """A failing part: its latest value, the bar, the yearly change, the projected year (None: 无法预计), why."""

    key: str
    name: str
    current: str
    threshold: str
    change: str
    year: int | None
    basis: str
    commitment: int | None = None  # the year the county's own plan commits to this part, if it names one

    @property
    def year_text(self) -> str:
        return UNABLE if self.year is None else f"{self.year} 年"


@dataclass(frozen=True)
class Projection:
    """A county's projected year of passing one evaluation, from its failing parts."""

    county: str
    kind: str
    verdict: str  # the latest year's: pass, fail, incomplete
    year: int | None
    text: str  # 已达标 · 预计 2027 年 · 无法预计 · 无法评估, with what it rests on
    parts: tuple[PartProjection, ...] = ()
    pending: tuple[str, ...] = ()  # items still to be entered or lacking data (not failing, not passed)


def slope(points: Sequence[tuple[int, float]]) -> float:
    """The least-squares yearly change through (year, value) points (at least two distinct years)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def project(m: Measure, as_of: int) -> PartProjection:
    """`m` projected from its latest value at `as_of` by its least-squares trend."""
    points = [(y, v) for y, v in sorted(m.values.items()) if v is not None and y <= as_of]
    current = m.values.get(as_of)
    shown = (m.show(current), m.show(m.threshold))
    if current is None or len(points) < MIN_YEARS:
        why = f"完整且有值的学年只有 {len(points)} 个，至少需 {MIN_YEARS} 个才能看出趋势"
        return PartProjection(m.key, m.name, *shown, "", None, why)
    first, last = points[0][0], points[-1][0]
    step = slope(points)
    change = ("+" if step > 0 else "") + (m.show(step) if step else "0")
    basis = f"{first}–{last} 学年 {len(points)} 个完整年的线性趋势"
    gap = m.threshold - current if m.compare == "ge" else current - m.threshold
    toward = step if m.compare == "ge" else -step
    if gap <= 0:
        return PartProjection(m.key, m.name, *shown, change, as_of, basis)
    if toward <= 0:
        return PartProjection(m.key, m.name, *shown, change, None, f"{basis}未向标准靠近")
    years = math.ceil(round(gap / toward, 9))  # rounded: 0.1 / 0.02 must be 5 years, not 5.000000001
    if years > HORIZON:
        return PartProjection(m.key, m.name, *shown, change, None, f"{basis}：按此趋势 {HORIZON} 年内达不到")
    return PartProjection(m.key, m.name, *shown, change, as_of + years, basis)


def measures(history: Mapping[int, Evaluation], as_of: int) -> list[Measure]:
    """The failing parts of the evaluation of `as_of`, each with its values in every year of `history`."""
    latest = history[as_of]
    out = []
    for stage, s in latest.stages.items():
        if s.status != "fail":
            continue
        label = STAGE_NAMES.get(stage, stage)
        names = {i["code"]: i["name"] for i in latest.indicators}
        for code, met in s.cv_met.items():
            if not met:
                values = {
                    y: e.stages[stage].cv.get(code) if stage in e.stages else None for y, e in history.items()
                }
                out.append(Measure(f"{stage}:cv:{code}", f"{label}{names.get(code, code)}差异系数", s.cv_limit,
                                   "le", values, _cv))  # fmt: skip
        if s.combined_cv is not None and s.combined_cv > s.cv_limit:
            values = {
                y: e.stages[stage].combined_cv if stage in e.stages else None for y, e in history.items()
            }
            out.append(Measure(f"{stage}:cv", f"{label}综合差异系数", s.cv_limit, "le", values, _cv))
        if s.failing_schools:
            values = {y: _failing_schools(e, stage) for y, e in history.items()}
            out.append(Measure(f"{stage}:schools", f"{label}未达标学校数", 0, "le", values, _count))
    for item in latest.items:
        if item.status == "fail":
            out.append(_item_measure(item, history))
    return out


def _item_measure(item: ItemResult, history: Mapping[int, Evaluation]) -> Measure:
    found = {y: next((i for i in e.items if i.code == item.code), None) for y, e in history.items()}
    if item.value is not None and item.threshold is not None:
        values = {y: i.value if i is not None else None for y, i in found.items()}
        return Measure(item.code, item.name, item.threshold, _direction(item), values, item.text)
    counts = {
        y: float(len(i.failing)) if i is not None and i.status != "pending" else None
        for y, i in found.items()
    }
    return Measure(f"{item.code}:schools", f"{item.name}（未达标学校数）", 0, "le", counts, _count)


def _direction(item: ItemResult) -> Compare:
    """Which way a failing item must move: away from the side of the threshold its value is on (some items
    carry a maximum, 规模不超过2000人, without saying so in `compare`)."""
    if item.value is None or item.threshold is None or item.value == item.threshold:
        return item.compare
    return "le" if item.value > item.threshold else "ge"


def _failing_schools(e: Evaluation, stage: str) -> float | None:
    s = e.stages.get(stage)
    if s is None or s.status == "incomplete":
        return None
    return float(len(s.failing_schools))


def _cv(v: float | None) -> str:
    return "" if v is None else f"{v:.3f}"


def _count(v: float | None) -> str:
    return "" if v is None else f"{v:.1f}".removesuffix(".0")


def county_projection(
    county: str,
    kind: str,
    history: Mapping[int, Evaluation],
    as_of: int,
    committed: Mapping[str, int] | None = None,
) -> Projection:
    """The projected year `county` passes evaluation `kind`, from `history` (its evaluations of its complete
    years up to `as_of`, and `as_of` itself); `committed` gives the year its own plan commits to some parts."""
    latest = history[as_of]
    pending = tuple(i.name for i in latest.pending)
    if not latest.data_complete:
        return Projection(
            county, kind, "incomplete", None, f"{UNKNOWN}：{as_of} 学年数据不完整", pending=pending
        )
    if latest.verdict == "pass":
        return Projection(county, kind, "pass", as_of, f"已达标（{as_of} 学年）")
    if latest.verdict == "incomplete":
        return Projection(county, kind, "incomplete", None, f"{UNKNOWN}：没有未达标项，{len(latest.missing)} 项待录入或缺数据", pending=pending)  # fmt: skip
    committed = committed or {}
    parts = tuple(_with_commitment(project(m, as_of), committed.get(m.key)) for m in measures(history, as_of))
    blocked = [p for p in parts if p.year is None]
    if blocked:
        text = f"{UNABLE}：{len(blocked)} 项按趋势达不到或数据不足"
        return Projection(county, kind, "fail", None, text, parts, pending)
    year = max(p.year for p in parts if p.year is not None)
    more = f"（另有 {len(pending)} 项待录入，需认定后才能达标）" if pending else ""
    return Projection(county, kind, "fail", year, f"预计 {year} 年{more}", parts, pending)


def _with_commitment(p: PartProjection, year: int | None) -> PartProjection:
    if year is None:
        return p
    late = p.year is None or p.year > year
    basis = f"{p.basis}；本县规划承诺 {year} 年达到" + ("，按趋势赶不上" if late else "")
    return PartProjection(p.key, p.name, p.current, p.threshold, p.change, p.year, basis, year)


def complete_years(statuses: Mapping[int, bool], as_of: int) -> list[int]:
    """The last `TREND_YEARS` complete years up to `as_of` (the trend's years)."""
    return sorted(y for y, ok in statuses.items() if ok and y <= as_of)[-TREND_YEARS:]
