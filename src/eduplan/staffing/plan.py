"""A rotation plan for people: each move with its reason in Chinese, the totals, and the rules that bind.

`make_plan` builds the problem from the facts, solves it and explains it; a what-if is the same call with
other rules, locks or exclusions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from eduplan.facts import BACKBONE_LEVELS, LOCALES, STAGE_NAMES, Facts
from eduplan.staffing.candidates import Problem, build
from eduplan.staffing.posts import SUBJECT_NAMES
from eduplan.staffing.rotate import Binding, Solution, greedy, shortage, solve
from eduplan.staffing.rules import Rules

STATUS_NAMES = {
    "optimal": "已求得最优方案（已证明）",
    "time_limit": "到达时间上限：给出当前最好方案与下界",
    "infeasible": "规则无法同时满足",
    "feasible": "可行方案（未证明最优）",
    "error": "求解出错",
}
TIER_NAMES = {"strong": "城镇/优质学校", "weak": "乡村/薄弱学校"}


@dataclass(frozen=True)
class Move:
    teacher: str
    from_school: str
    from_name: str
    to_school: str
    to_name: str
    stage: str
    subject: str
    backbone: str | None
    years: int
    km: float
    reason: str
    locked: bool

    def names(self) -> dict[str, str]:
        """The Chinese names of the move's codes, for pages and workbooks."""
        return {
            "stage_name": STAGE_NAMES[self.stage], "subject_name": SUBJECT_NAMES.get(self.subject, self.subject),
            "backbone_name": BACKBONE_LEVELS.get(self.backbone or "", ""),
        }  # fmt: skip


@dataclass(frozen=True)
class Plan:
    problem: Problem
    solution: Solution
    moves: list[Move]
    before: np.ndarray  # shortage per cell before the plan
    after: np.ndarray  # and after
    binding: list[str] = field(default_factory=list)  # why the rules cannot all hold, in Chinese
    baseline: Solution | None = None

    @property
    def backbone_moved(self) -> int:
        return sum(m.backbone is not None for m in self.moves)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.solution.status]

    def weighted(self, which: np.ndarray) -> float:
        return float(self.problem.instance.weight @ which)

    def to_json(self) -> dict[str, Any]:
        p, s = self.problem, self.solution
        return {
            "unit": p.unit, "year": p.year, "roster_year": p.roster_year, "status": s.status,
            "status_name": self.status_name, "eligible": p.eligible, "quota_base": p.quota_base,
            "quota": p.instance.quota, "moved": len(self.moves), "backbone_moved": self.backbone_moved,
            "objective": _round(s.objective), "bound": _round(s.bound), "gap": _round(s.gap),
            "seconds": round(s.seconds, 3), "model": {"columns": s.columns, "rows": s.rows},
            "shortage_before": round(self.weighted(self.before), 4), "shortage_after": round(self.weighted(self.after), 4),
            "travel_km": round(sum(m.km for m in self.moves), 1), "binding": self.binding,
            "excluded": p.excluded, "schools_without_records": p.unrecorded, "rules_changed": _plain(p.rules.changed()),
            "moves": [m.__dict__ | {"km": round(m.km, 1), **m.names()} for m in self.moves],
            "baseline": None if self.baseline is None else {
                "method": "greedy", "status": self.baseline.status, "objective": _round(self.baseline.objective),
                "moved": len(self.baseline.arcs), "seconds": round(self.baseline.seconds, 3),
            },
        }  # fmt: skip


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 6)


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def make_plan(
    facts: Facts, unit: str, year: int, rules: Rules | None = None, locks: Iterable[tuple[str, str]] = (),
    exclude: Iterable[str] = (), with_baseline: bool = False,
) -> Plan:  # fmt: skip
    """Build, solve and explain the rotation plan of `unit` in `year` under `rules`."""
    rules = rules or Rules()
    problem = build(facts, unit, year, rules, locks, exclude)
    solution = solve(problem.instance, rules.time_limit)
    baseline = greedy(problem.instance) if with_baseline else None
    return explain(problem, solution, baseline)


def explain(problem: Problem, solution: Solution, baseline: Solution | None = None) -> Plan:
    inst = problem.instance
    none = np.zeros(0, np.int64)
    before, after = shortage(inst, none), shortage(inst, solution.arcs)
    arrivals = np.bincount(inst.arc_cell[solution.arcs], minlength=inst.cells)
    moves = [_move(problem, int(a), before, after, arrivals) for a in solution.arcs]
    moves.sort(key=lambda m: (m.to_school, m.stage, m.subject, m.teacher))
    binding = [binding_text(problem, b) for b in solution.binding]
    return Plan(problem, solution, moves, before, after, binding, baseline)


def _move(problem: Problem, arc: int, before: np.ndarray, after: np.ndarray, arrivals: np.ndarray) -> Move:
    inst, rules = problem.instance, problem.rules
    t = int(inst.arc_teacher[arc])
    cell, home = int(inst.arc_cell[arc]), int(inst.home[t])
    who = problem.candidates.row(t, named=True)
    to, frm = _school(problem, cell), _school(problem, home)
    pool = problem.cells["pool"][cell]
    parts = [_fills(problem, cell, before, after, arrivals), _leaves(problem, home, after)]
    parts.append("人工锁定的调动" if who["locked"] else _eligible_text(who, rules))
    if who["backbone"]:
        parts.append(f"{BACKBONE_LEVELS.get(who['backbone'], who['backbone'])}骨干教师")
    parts.append(
        f"{TIER_NAMES[frm['tier']]}→{TIER_NAMES[to['tier']]}"
        + ("（双向交流）" if frm["tier"] == "weak" else "")
    )
    parts.append(f"路程约 {problem.arc_km[arc]:.0f} 公里")
    return Move(
        who["teacher"], frm["code"], frm["name"], to["code"], to["name"], str(problem.cells["stage"][cell]), pool,
        who["backbone"], int(who["years"] or 0), float(problem.arc_km[arc]), "；".join(p for p in parts if p),
        bool(who["locked"]),
    )  # fmt: skip


def _school(problem: Problem, cell: int) -> dict[str, Any]:
    return problem.schools.row(int(problem.cells["school_index"][cell]), named=True)


def _post_name(problem: Problem, cell: int) -> str:
    c = problem.cells.row(cell, named=True)
    return f"{STAGE_NAMES[c['stage']]}{SUBJECT_NAMES.get(c['pool'], c['pool'])}"


def _fills(problem: Problem, cell: int, before: np.ndarray, after: np.ndarray, arrivals: np.ndarray) -> str:
    school, post = _school(problem, cell), _post_name(problem, cell)
    if before[cell] <= 1e-9:
        return f"去向{school['name']}{post}不缺人：为完成交流比例而安排"
    why = []
    if problem.rules.subject_weight(problem.cells["pool"][cell]) > problem.rules.subject_weight("default"):
        why.append("音体美学科优先")
    if school["locale"] == "rural" and problem.rules.locale_weight("rural") > problem.rules.locale_weight(
        "default"
    ):
        why.append("乡村学校优先")
    note = f"（{'、'.join(why)}）" if why else ""
    return (
        f"补{school['name']}{post}缺口{note}：调入前缺 {before[cell]:.1f} 人，本方案调入 {arrivals[cell]} 人后"
        + (f"仍缺 {after[cell]:.1f} 人" if after[cell] >= 0.05 else "不再缺")
    )


def _leaves(problem: Problem, home: int, after: np.ndarray) -> str:
    c = problem.cells.row(home, named=True)
    left = c["in_post"] - c["required"]
    post = _post_name(problem, home)
    if left > 1e-9:
        return f"原校{post}富余 {left:.1f} 人"
    return f"调出后原校{post}缺 {after[home]:.1f} 人" if after[home] >= 0.05 else ""


def _eligible_text(who: dict[str, Any], rules: Rules) -> str:
    if who["principal"]:
        return f"任本校校长 {who['years']} 年（满 {rules.principal_terms} 届、每届 {rules.term_years} 年）"
    return f"在本校任教 {who['years']} 年（满 {rules.min_years} 年）"


def binding_text(problem: Problem, b: Binding) -> str:
    """One binding rule in Chinese: which rule, by how much, and what makes it so."""
    inst, rules = problem.instance, problem.rules
    reachable = len(set(inst.arc_teacher.tolist()))
    if b.rule == "quota":
        return (
            f"交流比例：须交流不少于 {inst.quota} 人（符合条件 {problem.quota_base} 人的 {rules.quota_rate:.0%}），"
            f"在方向、距离、资格证、岗位上限和每校调出上限下最多只能安排 {inst.quota - b.amount:.0f} 人，差 {b.amount:.0f} 人；"
            f"符合条件的教师中有合规去向的只有 {reachable} 人"
        )
    if b.rule == "backbone":
        backbone = int(inst.backbone[np.unique(inst.arc_teacher)].sum()) if len(inst.arc_teacher) else 0
        return (
            f"骨干教师比例：交流人员中骨干教师须不少于 {rules.backbone_share:.0%}，还差约 {b.amount:.1f} 人；"
            f"有合规去向的骨干教师只有 {backbone} 人"
        )
    if b.rule == "locked":
        return "锁定的调动彼此冲突（同一名教师被锁定到两处，或锁定的调动使学校超出上限且无法调整）"
    name = problem.schools["name"][b.school]
    if b.rule == "inflow":
        return f"岗位上限：{name}已无空余岗位，本方案须多调入 {b.amount:.0f} 人（多由锁定的调动造成）"
    return f"每校调出上限：{name}调出超过本校教师的 {rules.max_out_share:.0%}，超出 {b.amount:.0f} 人（多由锁定的调动造成）"


def locale_name(code: str) -> str:
    return LOCALES.get(code, code)


def posts_after(plan: Plan) -> pl.DataFrame:
    """school, name, stage, subject, required, in_post, in_post_after, gap, gap_after per cell."""
    inst, p = plan.problem.instance, plan.problem
    posted = inst.in_post.copy()
    np.add.at(posted, inst.arc_cell[plan.solution.arcs], 1.0)
    np.subtract.at(posted, inst.home[inst.arc_teacher[plan.solution.arcs]], 1.0)
    names = p.schools.select(pl.int_range(pl.len()).alias("school_index"), "name", "locale")
    return (
        p.cells.with_columns(pl.Series("in_post_after", posted.astype(np.int64)))
        .join(names, on="school_index")
        .select(
            "school", "name", "locale", "stage", pl.col("pool").alias("subject"), "required", "in_post", "in_post_after",
            (pl.col("required") - pl.col("in_post")).alias("gap"), (pl.col("required") - pl.col("in_post_after")).alias("gap_after"),
        )
    )  # fmt: skip
