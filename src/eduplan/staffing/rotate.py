"""The 县管校聘 rotation plan: solved to proven optimality (model.py: the MIP; search.py: HiGHS and the proof),
checked (`objective`, `violations`, used by the tests' brute force too), and the hand method to compare with.

When the rules cannot all hold, an elastic copy (the quota and the backbone share may give way at a price)
names the rules that bind and by how much. `greedy` is the baseline a planner would do by hand: the single
move that helps most, while one helps, then the least harmful moves until the quota is met.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from eduplan.staffing.candidates import Instance
from eduplan.staffing.model import Model, build_model, first_columns, program
from eduplan.staffing.search import optimise


@dataclass(frozen=True)
class Binding:
    """A rule that cannot hold, and by how much it falls short."""

    rule: str  # quota | backbone | inflow | outflow
    amount: float
    school: int = -1  # the school of an inflow or outflow rule


@dataclass(frozen=True)
class Solution:
    status: str  # optimal | time_limit | infeasible
    arcs: np.ndarray  # the moves made, one arc per moved candidate
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    columns: int = 0
    rows: int = 0
    nodes: int = 0  # branch-and-bound nodes solved (1: the relaxation was already whole)
    binding: list[Binding] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- evaluation


def shortage(inst: Instance, arcs: np.ndarray) -> np.ndarray:
    """Each cell's shortage left after the moves `arcs`."""
    posted = inst.in_post.copy()
    np.add.at(posted, inst.arc_cell[arcs], 1.0)
    np.subtract.at(posted, inst.home[inst.arc_teacher[arcs]], 1.0)
    return np.maximum(0.0, inst.required - posted)


def objective(inst: Instance, arcs: np.ndarray) -> float:
    return float(inst.weight @ shortage(inst, arcs) + inst.arc_cost[arcs].sum())


def violations(inst: Instance, arcs: np.ndarray) -> list[Binding]:
    """The rules the moves `arcs` break (empty: a feasible plan)."""
    found = []
    moved = inst.arc_teacher[arcs]
    if len(set(moved.tolist())) < len(moved):
        found.append(Binding("one_school", 1.0))
    if not set(inst.locked.tolist()) <= set(arcs.tolist()):
        found.append(Binding("locked", 1.0))
    counted = int(inst.counted[moved].sum())
    if counted < inst.quota:
        found.append(Binding("quota", inst.quota - counted))
    need = inst.backbone_share * len(moved) - int(inst.backbone[moved].sum())
    if need > 1e-9:
        found.append(Binding("backbone", need))
    net, out = _flows(inst, arcs)
    for rule, flow, cap in (("inflow", net, inst.inflow_cap), ("outflow", out, inst.outflow_cap)):
        found += [Binding(rule, float(flow[s] - cap[s]), int(s)) for s in np.nonzero(flow > cap + 1e-9)[0]]
    return found


def _flows(inst: Instance, arcs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    into = np.bincount(inst.cell_school[inst.arc_cell[arcs]], minlength=inst.schools).astype(float)
    out = np.bincount(inst.cell_school[inst.home[inst.arc_teacher[arcs]]], minlength=inst.schools).astype(
        float
    )
    return into - out, out


# ---------------------------------------------------------------------------------------------- solving


def solve(inst: Instance, time_limit: float = 60.0) -> Solution:
    """The plan of least weighted shortage and travel, proven optimal (gap ≤ 1e-6) unless time runs out."""
    start = time.perf_counter()
    m = build_model(inst)
    totals = (m.moves, m.moves + 1)
    found = optimise(program(m), first_columns(m), m.moves, totals, time_limit)
    size = (found.columns, found.rows, found.nodes)
    none = np.zeros(0, np.int64)
    if found.status == "infeasible":
        binding = _binding(m, time_limit)
        return Solution("infeasible", none, None, None, None, time.perf_counter() - start, *size, binding)
    if found.x is None:  # no plan found within the time
        return Solution(found.status, none, None, found.bound, None, time.perf_counter() - start, *size)
    arcs = _arcs_of(m, found.x[: m.moves])
    value = objective(inst, arcs)
    gap = max(0.0, value - found.bound)
    return Solution(found.status, arcs, value, found.bound, gap, time.perf_counter() - start, *size)


def _arcs_of(m: Model, x: np.ndarray) -> np.ndarray:
    """Each group's move counts handed to its members in order (longest-serving first): their own arcs."""
    inst = m.inst
    taken: dict[int, int] = defaultdict(int)
    pairs = []
    for col in np.nonzero(np.rint(x) > 0)[0]:
        g, k = int(m.col_group[col]), round(x[col])
        pairs += [(int(t), int(m.col_cell[col])) for t in m.members[g][taken[g] : taken[g] + k]]
        taken[g] += k
    mine = np.nonzero(np.isin(inst.arc_teacher, [t for t, _ in pairs]))[0]
    arc_of = {(int(inst.arc_teacher[a]), int(inst.arc_cell[a])): int(a) for a in mine}
    return np.array(sorted(arc_of[pair] for pair in pairs), np.int64)


def _binding(m: Model, time_limit: float) -> list[Binding]:
    """Solve an elastic copy: the least by which the quota and the backbone share must give way with every
    other rule kept; when even that is impossible (locks that overfill a school), the schools' limits too."""
    for caps in (False, True):
        p = program(m, elastic=True, caps=caps)
        slacks = np.arange(m.moves + 2 + m.inst.cells, p.columns)
        start = np.concatenate([first_columns(m), slacks])
        found = optimise(p, start, m.moves, (m.moves, m.moves + 1), time_limit)
        if found.x is not None:
            names = [("quota", -1), ("backbone", -1), *(m.school_rows if caps else [])]
            slack = found.x[slacks]
            return [
                Binding(rule, float(v), school)
                for (rule, school), v in zip(names, slack, strict=True)
                if v > 1e-6
            ]
    return [Binding("locked", 1.0)]


# ---------------------------------------------------------------------------------------------- baseline


def greedy(inst: Instance) -> Solution:
    """The hand method: take the single move that helps most while one helps; then fill the quota with the
    least harmful moves (backbone teachers first while the share needs them). Locks are made first."""
    start = time.perf_counter()
    posted = inst.in_post.copy()
    free = np.ones(inst.candidates, bool)
    net = np.zeros(inst.schools)
    out = np.zeros(inst.schools)
    chosen: list[int] = []

    def take(a: int) -> None:
        t, c = inst.arc_teacher[a], inst.arc_cell[a]
        posted[c] += 1
        posted[inst.home[t]] -= 1
        free[t] = False
        net[inst.cell_school[c]] += 1
        net[inst.cell_school[inst.home[t]]] -= 1
        out[inst.cell_school[inst.home[t]]] += 1
        chosen.append(a)

    for a in inst.locked:
        take(int(a))
    while (a := _best(inst, posted, free, net, out, only_gain=True)) is not None:
        take(a)
    while len(chosen) < inst.quota or _backbone_short(inst, chosen) > 1e-9:
        need_bb = _backbone_short(inst, chosen) > 1e-9 or _bb_needed(inst, chosen)
        a = _best(inst, posted, free, net, out, only_gain=False, backbone=need_bb)
        if a is None:
            break
        take(a)
    arcs = np.array(sorted(chosen), np.int64)
    ok = not violations(inst, arcs)
    return Solution(
        "feasible" if ok else "infeasible",
        arcs,
        objective(inst, arcs),
        None,
        None,
        time.perf_counter() - start,
    )


def _backbone_short(inst: Instance, chosen: list[int]) -> float:
    moved = inst.arc_teacher[np.array(chosen, np.int64)] if chosen else np.zeros(0, np.int64)
    return float(inst.backbone_share * len(moved) - inst.backbone[moved].sum())


def _bb_needed(inst: Instance, chosen: list[int]) -> bool:
    """Whether the rest of the quota must be backbone teachers for the share to hold at the end."""
    moved = inst.arc_teacher[np.array(chosen, np.int64)] if chosen else np.zeros(0, np.int64)
    final = max(inst.quota, len(moved) + 1)
    return bool(inst.backbone[moved].sum() + (final - len(moved) - 1) < inst.backbone_share * final - 1e-9)


def _best(
    inst: Instance, posted: np.ndarray, free: np.ndarray, net: np.ndarray, out: np.ndarray, only_gain: bool,
    backbone: bool = False,
) -> int | None:  # fmt: skip
    t, c = inst.arc_teacher, inst.arc_cell
    home = inst.home[t]
    gain = inst.weight[c] * np.clip(inst.required[c] - posted[c], 0, 1)
    loss = inst.weight[home] * np.clip(inst.required[home] - posted[home] + 1, 0, 1)
    value = gain - loss - inst.arc_cost
    ok = free[t] & (net[inst.cell_school[c]] + 1 <= inst.inflow_cap[inst.cell_school[c]] + 1e-9)
    ok &= out[inst.cell_school[home]] + 1 <= inst.outflow_cap[inst.cell_school[home]] + 1e-9
    if backbone:
        ok &= inst.backbone[t]
    if not only_gain:
        ok &= inst.counted[t] | backbone
    if only_gain:
        ok &= value > 1e-9
    if not ok.any():
        return None
    return int(np.flatnonzero(ok)[np.argmax(value[ok])])
