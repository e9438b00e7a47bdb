"""The 县管校聘 rotation plan as a mixed-integer programme, solved to proven optimality by HiGHS.

    minimise   Σ_cells w_c · u_c  +  Σ_moves travel_m · x_m
    subject to u_c ≥ required_c − (in post_c + arrivals_c − departures_c),  u_c ≥ 0   (shortage left)
               each candidate makes at most one move                                  (one school per teacher)
               arrivals_s − departures_s ≤ spare posts of school s                     (capacity of posts)
               departures_s ≤ max_out_share × teachers of s                             (a school stays staffed)
               Σ moves of counted candidates ≥ quota                                   (≥ 10% of eligible)
               Σ moves of backbone candidates ≥ share × Σ moves                        (骨干 ≥ 20% of rotated)
               locked moves = 1

Candidates alike in home cell, backbone, quota and possible moves are one group with an integer count per
move (an exact reformulation that keeps the model small). When the rules cannot all hold, an elastic copy
(each rule may be broken at a price) names the rules that bind and by how much. `greedy` is the baseline a
planner would do by hand: best single move first.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import highspy
import numpy as np

from eduplan.staffing.candidates import Instance

INF = highspy.kHighsInf
TOLERANCE = 1e-6  # absolute optimality gap: the objective is a sum of posts and kilometres


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
    found += [Binding("inflow", net[s] - inst.inflow_cap[s], s) for s in np.nonzero(net > inst.inflow_cap + 1e-9)[0]]
    found += [Binding("outflow", out[s] - inst.outflow_cap[s], s) for s in np.nonzero(out > inst.outflow_cap + 1e-9)[0]]
    return found


def _flows(inst: Instance, arcs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    into = np.bincount(inst.cell_school[inst.arc_cell[arcs]], minlength=inst.schools).astype(float)
    out = np.bincount(inst.cell_school[inst.home[inst.arc_teacher[arcs]]], minlength=inst.schools).astype(float)
    return into - out, out


# ---------------------------------------------------------------------------------------------- the model


@dataclass
class _Model:
    """Columns: one integer per (group, destination), then one shortage per cell; rows in a COO list."""

    inst: Instance
    members: list[np.ndarray]  # group -> candidates
    col_arcs: list[np.ndarray]  # group column -> the members' arcs to that cell (one per member)
    col_group: np.ndarray
    col_cell: np.ndarray
    rows: list[tuple[float, float]] = field(default_factory=list)  # (lower, upper)
    entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)  # (row, col, value)
    named: dict[str, int] = field(default_factory=dict)  # rule name -> row
    school_rows: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def moves(self) -> int:
        return len(self.col_group)

    def add_row(self, cols: np.ndarray, values: np.ndarray, lower: float, upper: float) -> int:
        row = len(self.rows)
        self.rows.append((lower, upper))
        self.entries.append((np.full(len(cols), row), cols, values))
        return row


def _groups(inst: Instance) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]:
    """Candidates alike in every respect the model sees form a group; one column per group and destination."""
    order = np.argsort(inst.arc_teacher, kind="stable")
    starts = np.searchsorted(inst.arc_teacher[order], np.arange(inst.candidates + 1))
    locked = set(inst.arc_teacher[inst.locked].tolist())
    keys: dict[object, list[int]] = defaultdict(list)
    for t in range(inst.candidates):
        arcs = order[starts[t] : starts[t + 1]]
        if t in locked:
            keys[("locked", t)].append(t)
            continue
        cells, costs = inst.arc_cell[arcs], np.round(inst.arc_cost[arcs], 9)
        keys[(int(inst.home[t]), bool(inst.backbone[t]), bool(inst.counted[t]), cells.tobytes(), costs.tobytes())].append(t)
    members, col_arcs, col_group, col_cell = [], [], [], []
    for g, people in enumerate(keys.values()):
        members.append(np.array(people, np.int64))
        first = order[starts[people[0]] : starts[people[0] + 1]]
        for k, cell in enumerate(inst.arc_cell[first]):
            col_arcs.append(np.array([order[starts[t] : starts[t + 1]][k] for t in people], np.int64))
            col_group.append(g)
            col_cell.append(cell)
    return members, col_arcs, np.array(col_group, np.int64), np.array(col_cell, np.int64)


def _model(inst: Instance) -> _Model:
    members, col_arcs, col_group, col_cell = _groups(inst)
    m = _Model(inst, members, col_arcs, col_group, col_cell)
    cols = np.arange(m.moves)
    home_cell = np.array([inst.home[members[g][0]] for g in col_group], np.int64)
    # One school per teacher: a group's moves add up to at most its members.
    for g, people in enumerate(members):
        mine = cols[col_group == g]
        if len(mine):
            m.add_row(mine, np.ones(len(mine)), -INF, float(len(people)))
    # Shortage of each cell: u_c + arrivals − departures ≥ required − in post.
    shortage = m.moves + np.arange(inst.cells)
    row0 = len(m.rows)
    m.rows += [(float(r - n), INF) for r, n in zip(inst.required, inst.in_post, strict=True)]
    m.entries.append((row0 + np.arange(inst.cells), shortage, np.ones(inst.cells)))
    m.entries.append((row0 + col_cell, cols, np.ones(m.moves)))
    m.entries.append((row0 + home_cell, cols, -np.ones(m.moves)))
    _rounding_rows(m, home_cell, shortage)
    _school_rows(m, home_cell)
    group_bb = np.array([inst.backbone[members[g][0]] for g in col_group], bool)
    group_counted = np.array([inst.counted[members[g][0]] for g in col_group], bool)
    m.named["quota"] = m.add_row(cols[group_counted], np.ones(int(group_counted.sum())), float(inst.quota), INF)
    m.named["backbone"] = m.add_row(cols, group_bb.astype(float) - inst.backbone_share, 0.0, INF)
    return m


def _rounding_rows(m: _Model, home_cell: np.ndarray, shortage: np.ndarray) -> None:
    """Tighten each cell's shortage to the convex hull of its integer points.

    With net arrivals k (an integer) the shortage is max(0, f − k) for f = required − in post. Between
    k = ⌊f⌋ and ⌊f⌋ + 1 the hull has slope −φ (φ = f − ⌊f⌋), not −1: u_c + φ·k ≥ φ·(⌊f⌋ + 1). Without this
    row the relaxation fills fractions of posts with fractions of teachers and the solver must cut it back.
    """
    inst, cols = m.inst, np.arange(m.moves)
    f = inst.required - inst.in_post
    phi = f - np.floor(f)
    for c in np.nonzero(phi > 1e-9)[0]:
        into, out = cols[m.col_cell == c], cols[home_cell == c]
        if not len(into) and not len(out):
            continue
        idx = np.concatenate([[shortage[c]], into, out])
        values = np.concatenate([[1.0], np.full(len(into), phi[c]), np.full(len(out), -phi[c])])
        m.add_row(idx, values, float(phi[c] * (np.floor(f[c]) + 1)), INF)


def _school_rows(m: _Model, home_cell: np.ndarray) -> None:
    inst, cols = m.inst, np.arange(m.moves)
    to_school, from_school = inst.cell_school[m.col_cell], inst.cell_school[home_cell]
    for s in np.unique(np.concatenate([to_school, from_school])):
        into, out = cols[to_school == s], cols[from_school == s]
        if np.isfinite(inst.inflow_cap[s]) and len(into):
            values = np.concatenate([np.ones(len(into)), -np.ones(len(out))])
            m.school_rows[("inflow", int(s))] = m.add_row(np.concatenate([into, out]), values, -INF, inst.inflow_cap[s])
        if np.isfinite(inst.outflow_cap[s]) and len(out):
            m.school_rows[("outflow", int(s))] = m.add_row(out, np.ones(len(out)), -INF, inst.outflow_cap[s])


def _lp(m: _Model, elastic: bool = False, caps: bool = False) -> highspy.HighsLp:
    """The model as a HighsLp: the real objective, or (elastic) the price of breaking the quota and the backbone
    share, and (caps) also each school's inflow and outflow limits."""
    inst = m.inst
    rows = np.concatenate([e[0] for e in m.entries])
    cols = np.concatenate([e[1] for e in m.entries])
    vals = np.concatenate([e[2] for e in m.entries]).astype(float)
    lower = [0.0] * (m.moves + inst.cells)
    upper = [float(len(m.members[g])) for g in m.col_group] + [INF] * inst.cells
    cost = list(inst.arc_cost[[a[0] for a in m.col_arcs]]) if m.moves else []
    cost += list(inst.weight.astype(float))
    integer = [highspy.HighsVarType.kInteger] * m.moves + [highspy.HighsVarType.kContinuous] * inst.cells
    for arc in inst.locked:
        col = next(c for c, arcs in enumerate(m.col_arcs) if arc in arcs)
        lower[col] = upper[col] = 1.0
    if elastic:  # one slack per rule that may give way, each at a price of 1; nothing else costs
        cost = [0.0] * len(cost)
        slack_rows = [(m.named["quota"], 1.0), (m.named["backbone"], 1.0)]
        slack_rows += [(row, -1.0) for row in m.school_rows.values()] if caps else []
        first = len(lower)
        rows = np.concatenate([rows, [r for r, _ in slack_rows]]).astype(np.int64)
        cols = np.concatenate([cols, first + np.arange(len(slack_rows))]).astype(np.int64)
        vals = np.concatenate([vals, [sign for _, sign in slack_rows]])
        lower += [0.0] * len(slack_rows)
        upper += [INF] * len(slack_rows)
        cost += [1.0] * len(slack_rows)
        integer += [highspy.HighsVarType.kContinuous] * len(slack_rows)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(lower), len(m.rows)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_ = [r[0] for r in m.rows]
    lp.row_upper_ = [r[1] for r in m.rows]
    lp.integrality_ = integer
    order = np.lexsort((rows, cols))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(len(lower) + 1)).tolist()
    lp.a_matrix_.index_ = rows[order].astype(np.int32).tolist()
    lp.a_matrix_.value_ = vals[order].tolist()
    return lp


@cache
def _quiet_banner() -> None:
    """HiGHS prints its banner on standard output the first time a solver is made, before any option can stop
    it (it would spoil `--format json`): make that first one with the output pointed elsewhere."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs(lp: highspy.HighsLp, time_limit: float, relax: bool = False) -> highspy.Highs:
    _quiet_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", TOLERANCE)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", 0)
    if relax:
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    h.passModel(lp)
    h.run()
    return h


def solve(inst: Instance, time_limit: float = 60.0) -> Solution:
    """The plan of least weighted shortage and travel, proven optimal (gap ≤ 1e-6) unless time runs out.

    The linear relaxation comes first: its optimum bounds every plan from below, so when its solution is
    already whole (the usual case: the rounding rows make the relaxation tight) that is the proof. Otherwise
    HiGHS branches and cuts from there.
    """
    start = time.perf_counter()
    m = _model(inst)
    lp = _lp(m, elastic=False)
    size = {"columns": lp.num_col_, "rows": lp.num_row_}
    h = _highs(_lp(m, elastic=False), time_limit, relax=True)
    if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        binding = _binding(m, time_limit)
        return Solution("infeasible", np.zeros(0, np.int64), None, None, None, time.perf_counter() - start, binding=binding, **size)
    x = np.asarray(h.getSolution().col_value[: m.moves])
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal and np.all(np.abs(x - np.rint(x)) <= 1e-7):
        bound = float(h.getInfo().objective_function_value)
        return _solution(inst, m, x, "optimal", bound, start, size)
    h = _highs(lp, max(1.0, time_limit - (time.perf_counter() - start)))
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        binding = _binding(m, time_limit)
        return Solution("infeasible", np.zeros(0, np.int64), None, None, None, time.perf_counter() - start, binding=binding, **size)
    kind = "optimal" if status == highspy.HighsModelStatus.kOptimal else "time_limit"
    if h.getInfo().primal_solution_status != 2:  # no plan found within the time
        return Solution(kind, np.zeros(0, np.int64), None, float(h.getInfo().mip_dual_bound), None, time.perf_counter() - start, **size)
    x = np.asarray(h.getSolution().col_value[: m.moves])
    return _solution(inst, m, x, kind, float(h.getInfo().mip_dual_bound), start, size)


def _solution(inst: Instance, m: _Model, x: np.ndarray, kind: str, bound: float, start: float, size: dict[str, int]) -> Solution:
    arcs = _arcs_of(m, x)
    value = objective(inst, arcs)
    return Solution(kind, arcs, value, bound, max(0.0, value - bound), time.perf_counter() - start, **size)


def _arcs_of(m: _Model, x: np.ndarray) -> np.ndarray:
    """Each group's move counts handed to its members in order (the members come sorted by the caller)."""
    taken: dict[int, int] = defaultdict(int)
    arcs = []
    for col in np.nonzero(np.rint(x) > 0)[0]:
        g, k = int(m.col_group[col]), int(round(x[col]))
        arcs.extend(m.col_arcs[col][taken[g] : taken[g] + k].tolist())
        taken[g] += k
    return np.array(sorted(arcs), np.int64)


def _binding(m: _Model, time_limit: float) -> list[Binding]:
    """Solve an elastic copy: the least by which the quota and the backbone share must give way with every
    other rule kept; when even that is impossible (locks that overfill a school), the schools' limits too."""
    for caps in (False, True):
        h = _highs(_lp(m, elastic=True, caps=caps), time_limit)
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            slack = np.asarray(h.getSolution().col_value)[m.moves + m.inst.cells :]
            names = [("quota", -1), ("backbone", -1), *(m.school_rows if caps else [])]
            return [Binding(rule, float(v), school) for (rule, school), v in zip(names, slack, strict=True) if v > 1e-6]
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
    return Solution("feasible" if ok else "infeasible", arcs, objective(inst, arcs), None, None, time.perf_counter() - start)


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
