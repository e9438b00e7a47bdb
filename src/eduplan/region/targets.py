"""目标分解: a city's target broken down to its counties, and which counties meet it.

Two kinds of city commitment. An indicator target (县域内每学年教师交流人数不低于教师总数5%) binds every county
and the city's own total: each county's value is judged against it, the city's value is the ratio of sums. A
standard commitment (创建2个以上学前教育普及普惠县; 力争临川县创建优质均衡发展县) counts or names counties that pass
a national evaluation. A county whose year is incomplete, or whose value is missing, is 无法评估, never 达标 or
未达标; a count is decided only when the passing counties already reach it, or the undecided ones cannot.
Before the target year a target not yet met is 尚未达到 (a recurring yearly target is due every year).

An assigned target (`assigned_breakdown`) gives each county its own part: a count (新创建5个基础教育集团, 新增学位
N) whose progress each county reports, or a rate judged on the county's indicator value. The city's total is the
sum of the parts' progress against the city's target, and the parts themselves are checked against the whole:
counts that add up to less (or more) than the city's target are flagged, never silently accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from eduplan.monitoring.progress import TargetSpec, meets
from eduplan.standards.result import VERDICT_NAMES, Verdict, combine

NOT_YET = "尚未达到"


def _name(status: Verdict, due: bool) -> str:
    return NOT_YET if status == "fail" and not due else VERDICT_NAMES[status]


@dataclass(frozen=True)
class Part:
    """One county's share of a city target: its value (indicator targets), its verdict and why."""

    county: str
    status: Verdict
    value: float | None = None
    note: str = ""
    due: bool = True  # the target year has come (or the target binds every year)
    target: float | None = None  # the county's own part of an assigned target
    own: bool = False  # the part is the county's own commitment (named in the city's plan)

    @property
    def status_name(self) -> str:
        return _name(self.status, self.due)


@dataclass(frozen=True)
class Breakdown:
    """A city target, the city's own standing against it, and each county's part."""

    text: str
    year: int
    status: Verdict
    parts: tuple[Part, ...]
    value: float | None = None
    note: str = ""
    due: bool = True
    target: float | None = None  # the city's own target (assigned targets)
    mismatch: str = ""  # how the parts fail to add up to the city's target (counts)

    @property
    def status_name(self) -> str:
        return _name(self.status, self.due)

    def count(self, status: Verdict) -> int:
        return sum(p.status == status for p in self.parts)


def _judge(spec: TargetSpec, value: float | None, complete: bool, reason: str | None) -> tuple[Verdict, str]:
    if not complete:
        return "incomplete", "当年数据不完整"
    if value is None:
        return "incomplete", reason or "缺少输入数据"
    return ("pass" if meets(spec, value) else "fail"), ""


def indicator_breakdown(spec: TargetSpec, text: str, table: pl.DataFrame, region: str) -> Breakdown:
    """`spec` judged for the region and each county in `table` (the `compare.comparison` rows of one year).

    Each county must meet the target on its own; the region's status is its own value (a ratio of sums)
    against the target, 无法评估 when any county's data are incomplete."""
    rows = table.filter(pl.col("code") == spec.indicator)
    as_of = int(rows["year"][0]) if rows.height else spec.target_year
    due = spec.recurrence or as_of >= spec.target_year
    parts, whole = [], Part(region, "incomplete", note="没有该指标的计算值")
    for r in rows.iter_rows(named=True):
        status, note = _judge(spec, r["value"], bool(r["complete"]), r["reason"])
        part = Part(r["unit"], status, r["value"], note or ("" if r["unit"] != region else r["data"]), due)
        if r["unit"] == region:
            whole = part
        else:
            parts.append(part)
    return Breakdown(text, spec.target_year, whole.status, tuple(parts), whole.value, whole.note, due)


def standard_breakdown(
    text: str,
    year: int,
    verdicts: Mapping[str, tuple[Verdict, str]],
    at_least: int | None = None,
    named: tuple[str, ...] = (),
    as_of: int | None = None,
) -> Breakdown:
    """A commitment on a national evaluation by `year`: `at_least` counties pass (a count), or every `named`
    county passes; `verdicts` (of the year `as_of`) gives each county's verdict and its reason (failing items,
    what is missing)."""
    due = as_of is None or as_of >= year
    counties = named or tuple(verdicts)
    found = {c: verdicts.get(c, ("incomplete", "未评估")) for c in counties}
    parts = tuple(Part(c, status, note=why, due=due) for c, (status, why) in found.items())
    passed = sum(p.status == "pass" for p in parts)
    open_ = sum(p.status == "incomplete" for p in parts)
    need = len(parts) if at_least is None else at_least
    status: Verdict = "pass" if passed >= need else "fail" if passed + open_ < need else "incomplete"
    note = f"已达标 {passed} 县，需 {need} 县" + (f"，{open_} 县无法评估" if open_ else "")
    return Breakdown(text, year, status, parts, float(passed), note, due)


@dataclass(frozen=True)
class Assigned:
    """One county's part of an assigned target: its target and its progress (a count done, or a rate)."""

    target: float
    done: float | None = None
    own: bool = False
    complete: bool = True  # rates: the county's year is complete


def assigned_breakdown(
    text: str,
    year: int,
    kind: str,
    parts: Mapping[str, Assigned],
    as_of: int,
    total: float | None = None,
    higher: bool = True,
    whole: float | None = None,
) -> Breakdown:
    """Each county's progress on its part of a city target by `year`, judged in `as_of`, and the city's.

    `kind` "count": progress is each county's reported count (None: 无法评估, not reported); the city's
    progress is their sum against `total`, and `mismatch` says when the parts add up to less or more than
    `total`. Without a `total` every county must meet its own part (one county's surplus covers no other's). `kind` "rate": progress is each county's
    indicator value, `higher` tells the good direction, `whole` is the city's value (a ratio of sums)."""
    due = as_of >= year
    judged = tuple(_assigned_part(c, a, higher, due) for c, a in parts.items())
    if kind == "rate":
        status, note = _rate_whole(whole, total, higher, judged)
        return Breakdown(text, year, status, judged, whole, note, due, total)
    planned = sum(a.target for a in parts.values())
    need = planned if total is None else total
    reported = [p.value for p in judged if p.value is not None]
    done = sum(reported)
    missing = len(judged) - len(reported)
    if total is None:  # each county's own part, nothing shared: the whole is met when every part is
        status = combine(p.status for p in judged)
    else:
        status = "pass" if done >= need else "fail" if not missing else "incomplete"
    note = f"各县合计完成 {done:g}，{'全市目标' if total is not None else '各县分解之和'} {need:g}"
    note += f"；{missing} 县未报进度" if missing else ""
    return Breakdown(text, year, status, judged, done, note, due, need, _mismatch(planned, total))


def _assigned_part(county: str, a: Assigned, higher: bool, due: bool) -> Part:
    if not a.complete:
        return Part(county, "incomplete", a.done, "当年数据不完整", due, a.target, a.own)
    if a.done is None:
        return Part(county, "incomplete", None, "未报进度", due, a.target, a.own)
    met = a.done >= a.target if higher else a.done <= a.target
    return Part(county, "pass" if met else "fail", a.done, "", due, a.target, a.own)


def _rate_whole(
    whole: float | None, total: float | None, higher: bool, parts: tuple[Part, ...]
) -> tuple[Verdict, str]:
    if total is None:
        return "incomplete", "全市未定目标值，只逐县判断"
    if whole is None or any(p.status == "incomplete" for p in parts):
        return "incomplete", "全市值缺少或有县数据不完整"
    met = whole >= total if higher else whole <= total
    return ("pass" if met else "fail"), ""


def _mismatch(planned: float, total: float | None) -> str:
    if total is None or planned == total:
        return ""
    side = "少于" if planned < total else "多于"
    return f"各县分解之和 {planned:g} {side}全市目标 {total:g}（相差 {abs(total - planned):g}）"
