"""目标分解: a city's target broken down to its counties, and which counties meet it.

Two kinds of city commitment. An indicator target (县域内每学年教师交流人数不低于教师总数5%) binds every county
and the city's own total: each county's value is judged against it, the city's value is the ratio of sums. A
standard commitment (创建2个以上学前教育普及普惠县; 力争临川县创建优质均衡发展县) counts or names counties that pass
a national evaluation. A county whose year is incomplete, or whose value is missing, is 无法评估, never 达标 or
未达标; a count is decided only when the passing counties already reach it, or the undecided ones cannot.
Before the target year a target not yet met is 尚未达到 (a recurring yearly target is due every year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from eduplan.monitoring.progress import TargetSpec, meets
from eduplan.standards.result import VERDICT_NAMES, Verdict

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
