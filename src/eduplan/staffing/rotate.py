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


# ---------------------------------------------------------------------------------------------- the model


@dataclass
class _Model:
    """Columns: one integer per (group, destination cell), then one shortage per cell. Rows as COO entries."""

    inst: Instance
    members: list[np.ndarray]  # group -> its candidates, longest-serving first
    group_of: np.ndarray  # candidate -> group
    col_group: np.ndarray  # column -> group
    col_cell: np.ndarray  # column -> destination cell
    col_cost: np.ndarray
    rows: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # blocks of (lower, upper)
    entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=list
    )  # (row, col, value)
    named: dict[str, int] = field(default_factory=dict)  # quota, backbone -> row
    school_rows: dict[tuple[str, int], int] = field(default_factory=dict)  # (inflow|outflow, school) -> row
    n_rows: int = 0

    @property
    def moves(self) -> int:
        return len(self.col_group)

    def block(self, lower: np.ndarray, upper: np.ndarray) -> int:
        """Add len(lower) rows; the index of the first."""
        first = self.n_rows
        self.rows.append((np.asarray(lower, float), np.asarray(upper, float)))
        self.n_rows += len(lower)
        return first

    def add(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray | float) -> None:
        values = np.broadcast_to(np.asarray(values, float), rows.shape)
        self.entries.append((np.asarray(rows, np.int64), np.asarray(cols, np.int64), values))


def _groups(inst: Instance) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Candidates alike in every respect the model sees form a group (locked ones stay alone); returns the
    members of each group, each candidate's group and each group's representative."""
    order = np.argsort(inst.arc_teacher, kind="stable")
    starts = np.searchsorted(inst.arc_teacher[order], np.arange(inst.candidates + 1))
    locked = set(inst.arc_teacher[inst.locked].tolist())
    keys: dict[object, list[int]] = defaultdict(list)
    for t in range(inst.candidates):
        if t in locked:
            keys[("locked", t)].append(t)
            continue
        arcs = order[starts[t] : starts[t + 1]]
        signature = (inst.arc_cell[arcs].tobytes(), np.round(inst.arc_cost[arcs], 9).tobytes())
        keys[(int(inst.home[t]), bool(inst.backbone[t]), bool(inst.counted[t]), *signature)].append(t)
    members = [np.array(people, np.int64) for people in keys.values()]
    group_of = np.empty(inst.candidates, np.int64)
    for g, people in enumerate(members):
        group_of[people] = g
    return members, group_of, np.array([people[0] for people in members], np.int64)


def _model(inst: Instance) -> _Model:
    members, group_of, first = _groups(inst)
    rep = np.isin(inst.arc_teacher, first)  # the columns: the arcs of each group's first member
    m = _Model(
        inst, members, group_of, group_of[inst.arc_teacher[rep]], inst.arc_cell[rep], inst.arc_cost[rep]
    )
    cols = np.arange(m.moves)
    home = inst.home[first[m.col_group]]
    size = np.array([len(p) for p in members], float)
    # One school per teacher: a group's moves add up to at most its members.
    row = m.block(np.full(len(members), -INF), size)
    m.add(row + m.col_group, cols, 1.0)
    # Shortage of each cell: u_c + arrivals − departures ≥ required − in post.
    u = m.moves + 2 + np.arange(inst.cells)
    row = m.block(inst.required - inst.in_post, np.full(inst.cells, INF))
    m.add(row + np.arange(inst.cells), u, 1.0)
    m.add(row + m.col_cell, cols, 1.0)
    m.add(row + home, cols, -1.0)
    _rounding_rows(m, home, u)
    _school_rows(m, home)
    bb = inst.backbone[first[m.col_group]]
    counted = inst.counted[first[m.col_group]]
    m.named["quota"] = m.block(np.array([float(inst.quota)]), np.array([INF]))
    m.add(np.full(int(counted.sum()), m.named["quota"]), cols[counted], 1.0)
    # The moves N and the backbone moves B as integer columns, so that "B ≥ share × N" branches on two whole
    # numbers instead of on the fractions the share puts into the moves themselves.
    moved, backbone = m.moves, m.moves + 1
    row = m.block(np.zeros(2), np.zeros(2))
    m.add(np.full(m.moves, row), cols, 1.0)
    m.add(np.array([row]), np.array([moved]), -1.0)
    m.add(np.full(int(bb.sum()), row + 1), cols[bb], 1.0)
    m.add(np.array([row + 1]), np.array([backbone]), -1.0)
    m.named["backbone"] = m.block(np.array([0.0]), np.array([INF]))
    m.add(np.full(2, m.named["backbone"]), np.array([backbone, moved]), np.array([1.0, -inst.backbone_share]))
    return m


def _rounding_rows(m: _Model, home: np.ndarray, u: np.ndarray) -> None:
    """Tighten each cell's shortage to the convex hull of its integer points.

    With net arrivals k (an integer) the shortage is max(0, f − k) for f = required − in post. Between
    k = ⌊f⌋ and ⌊f⌋ + 1 the hull has slope −φ (φ = f − ⌊f⌋), not −1: u_c + φ·k ≥ φ·(⌊f⌋ + 1). Without this
    row the relaxation fills fractions of posts with fractions of teachers and the solver must cut it back.
    """
    inst, cols = m.inst, np.arange(m.moves)
    f = inst.required - inst.in_post
    phi = f - np.floor(f)
    touched = np.zeros(inst.cells, bool)
    touched[m.col_cell] = touched[home] = True
    cells = np.nonzero((phi > 1e-9) & touched)[0]
    index = np.full(inst.cells, -1)
    index[cells] = m.block(phi[cells] * (np.floor(f[cells]) + 1), np.full(len(cells), INF)) + np.arange(
        len(cells)
    )
    m.add(index[cells], u[cells], 1.0)
    into, out = index[m.col_cell] >= 0, index[home] >= 0
    m.add(index[m.col_cell[into]], cols[into], phi[m.col_cell[into]])
    m.add(index[home[out]], cols[out], -phi[home[out]])


def _school_rows(m: _Model, home: np.ndarray) -> None:
    """Net arrivals within each school's spare posts; departures within its outflow limit."""
    inst, cols = m.inst, np.arange(m.moves)
    to_school, from_school = inst.cell_school[m.col_cell], inst.cell_school[home]
    for kind, caps, hit in (
        ("inflow", inst.inflow_cap, to_school),
        ("outflow", inst.outflow_cap, from_school),
    ):
        schools = np.unique(hit[np.isfinite(caps[hit])])
        index = np.full(inst.schools, -1)
        index[schools] = m.block(np.full(len(schools), -INF), caps[schools]) + np.arange(len(schools))
        m.school_rows.update({(kind, int(s)): int(index[s]) for s in schools})
        mine = index[hit] >= 0
        m.add(index[hit[mine]], cols[mine], 1.0)
        if kind == "inflow":  # departures free a post
            leaving = index[from_school] >= 0
            m.add(index[from_school[leaving]], cols[leaving], -1.0)


def _lp(m: _Model, elastic: bool = False, caps: bool = False) -> highspy.HighsLp:
    """The model as a HighsLp: the real objective, or (elastic) the price of breaking the quota and the backbone
    share, and (caps) also each school's inflow and outflow limits."""
    inst = m.inst
    rows = np.concatenate([e[0] for e in m.entries])
    cols = np.concatenate([e[1] for e in m.entries])
    vals = np.concatenate([e[2] for e in m.entries])
    n = m.moves + 2 + inst.cells
    upper = np.concatenate([[len(m.members[g]) for g in m.col_group], np.full(2 + inst.cells, INF)])
    lower = np.zeros(n)
    cost = np.concatenate([m.col_cost, np.zeros(2), inst.weight.astype(float)])
    integer = np.concatenate([np.ones(m.moves + 2, np.int64), np.zeros(inst.cells, np.int64)])
    for arc in inst.locked:  # a locked teacher is a group of one: its column to the locked cell must be used
        col = (m.col_group == m.group_of[inst.arc_teacher[arc]]) & (m.col_cell == inst.arc_cell[arc])
        lower[: m.moves][col] = 1.0
    if elastic:  # one slack per rule that may give way, each at a price of 1; nothing else costs
        slack_rows = [(m.named["quota"], 1.0), (m.named["backbone"], 1.0)]
        slack_rows += [(row, -1.0) for row in m.school_rows.values()] if caps else []
        k = len(slack_rows)
        rows = np.concatenate([rows, [r for r, _ in slack_rows]]).astype(np.int64)
        cols = np.concatenate([cols, n + np.arange(k)]).astype(np.int64)
        vals = np.concatenate([vals, [sign for _, sign in slack_rows]])
        cost = np.concatenate([np.zeros(n), np.ones(k)])
        lower, upper = np.concatenate([lower, np.zeros(k)]), np.concatenate([upper, np.full(k, INF)])
        integer = np.concatenate([integer, np.zeros(k, np.int64)])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), m.n_rows
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_ = np.concatenate([r[0] for r in m.rows])
    lp.row_upper_ = np.concatenate([r[1] for r in m.rows])
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer
    ]
    order = np.lexsort((rows, cols))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(len(cost) + 1)).astype(np.int32)
    lp.a_matrix_.index_ = rows[order].astype(np.int32)
    lp.a_matrix_.value_ = vals[order]
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


def _highs(
    lp: highspy.HighsLp, time_limit: float, relax: bool = False, presolve: bool = False
) -> highspy.Highs:
    """A solver run on `lp` (its relaxation when `relax`). The relaxation runs without presolve: on the
    5,000-teacher model HiGHS's presolve costs ten times the simplex itself."""
    _quiet_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "on" if presolve else "off")
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", TOLERANCE)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", 0)
    kept = lp.integrality_
    if relax:
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
    h.passModel(lp)
    lp.integrality_ = kept
    h.run()
    return h


def _rens(
    lp: highspy.HighsLp, x: np.ndarray, moves: int, time_limit: float
) -> tuple[np.ndarray, float] | None:
    """HiGHS's MIP on the moves the relaxation uses (the others fixed at none): a plan, and usually the
    optimal one, found in a small model (the relaxation-enforced neighbourhood search of Berthold 2014)."""
    kept = np.array(lp.col_upper_, float)
    upper = kept.copy()
    upper[:moves][x[:moves] < 1e-9] = 0.0
    lp.col_upper_ = upper
    h = _highs(lp, time_limit, presolve=True)
    lp.col_upper_ = kept
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal and h.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(h.getSolution().col_value), float(h.getInfo().objective_function_value)


def solve(inst: Instance, time_limit: float = 60.0) -> Solution:
    """The plan of least weighted shortage and travel, proven optimal (gap ≤ 1e-6) unless time runs out."""
    start = time.perf_counter()
    m = _model(inst)
    search = branch_and_bound(_lp(m), m.moves + 2, time_limit, first=(m.moves, m.moves + 1), moves=m.moves)
    none = np.zeros(0, np.int64)
    if search.status == "infeasible":
        binding = _binding(m, time_limit)
        seconds = time.perf_counter() - start
        return Solution(
            "infeasible", none, None, None, None, seconds, search.columns, search.rows, search.nodes, binding
        )
    if search.x is None:  # no plan found within the time
        seconds = time.perf_counter() - start
        return Solution(
            search.status, none, None, search.bound, None, seconds, search.columns, search.rows, search.nodes
        )
    arcs = _arcs_of(m, search.x[: m.moves])
    value = objective(inst, arcs)
    seconds = time.perf_counter() - start
    gap = max(0.0, value - search.bound)
    return Solution(
        search.status, arcs, value, search.bound, gap, seconds, search.columns, search.rows, search.nodes
    )


@dataclass
class Search:
    status: str  # optimal | time_limit | infeasible
    x: np.ndarray | None
    value: float
    bound: float
    nodes: int
    columns: int
    rows: int


def branch_and_bound(
    lp: highspy.HighsLp, integers: int, time_limit: float, first: tuple[int, ...] = (), moves: int = 0
) -> Search:
    """Least-cost integer solution of `lp` (its first `integers` columns integer) by depth-first branch and
    bound over HiGHS's dual simplex, each node warm-started from its parent's basis; the columns `first`
    are branched on before any other.

    The relaxation of the rotation model is nearly whole (the rounding rows; the share on the two totals), so
    the tree is small; HiGHS's own MIP spends minutes of root work on the 5,000-teacher model that it does not
    need (measured, see docs/staffing.md). A node whose relaxation cannot beat the incumbent by more than the
    tolerance is pruned, so when the tree is done the incumbent is optimal and the least pruned bound proves it.
    When the root relaxation is fractional, HiGHS's MIP on the root's support (`_rens`, over the first `moves`
    columns) gives the first incumbent; when it matches the root's bound that is the proof.
    """
    start = time.perf_counter()
    h = _highs(lp, time_limit, relax=True)
    h.setOptionValue("time_limit", INF)  # HiGHS counts time across runs; the search keeps its own clock
    root_lower, root_upper = np.array(lp.col_lower_, float), np.array(lp.col_upper_, float)
    best_x, best, proven = None, INF, INF
    stack: list[tuple[float, list[tuple[int, float, float]]]] = [(-INF, [])]
    changed: set[int] = set()
    nodes = 0
    while stack:
        parent, branches = stack.pop()
        if parent >= best - TOLERANCE:
            proven = min(proven, parent)
            continue
        if time.perf_counter() - start > time_limit and nodes:
            bound = min([proven, best, parent, *(b for b, _ in stack)])
            return Search("time_limit", best_x, best, bound, nodes, lp.num_col_, lp.num_row_)
        for j in changed - {j for j, _, _ in branches}:
            h.changeColBounds(j, root_lower[j], root_upper[j])
        for j, lo, hi in branches:
            h.changeColBounds(j, lo, hi)
        changed = {j for j, _, _ in branches}
        h.run()
        nodes += 1
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            continue
        if status != highspy.HighsModelStatus.kOptimal:  # never prune on a relaxation not solved
            return Search("error", best_x, best, min([proven, best, parent]), nodes, lp.num_col_, lp.num_row_)
        value = float(h.getInfo().objective_function_value)
        if value >= best - TOLERANCE:
            proven = min(proven, value)
            continue
        x = np.asarray(h.getSolution().col_value)
        frac = np.abs(x[:integers] - np.rint(x[:integers]))
        if frac.max(initial=0.0) <= 1e-7:
            best_x, best = x.copy(), value
            best_x[:integers] = np.rint(best_x[:integers])
            continue
        if nodes == 1 and moves and (found := _rens(lp, x, moves, time_limit / 2)) is not None:
            best_x, best = found[0].copy(), found[1]
            best_x[:integers] = np.rint(best_x[:integers])
            if best <= value + TOLERANCE:
                return Search("optimal", best_x, best, value, nodes, lp.num_col_, lp.num_row_)
        stack += _children(x, frac, value, branches, first, root_lower, root_upper)
    if best_x is None:
        return Search("infeasible", None, INF, INF, nodes, lp.num_col_, lp.num_row_)
    return Search("optimal", best_x, best, min(proven, best), nodes, lp.num_col_, lp.num_row_)


def _children(
    x: np.ndarray, frac: np.ndarray, value: float, branches: list[tuple[int, float, float]], first: tuple[int, ...],
    root_lower: np.ndarray, root_upper: np.ndarray,
) -> list[tuple[float, list[tuple[int, float, float]]]]:  # fmt: skip
    """The two children of a node, the one nearer the relaxation's value last (explored first)."""
    j = next((k for k in first if frac[k] > 1e-7), int(np.argmax(frac)))
    lo, hi = {k: (a, b) for k, a, b in branches}.get(j, (root_lower[j], root_upper[j]))
    down = [*branches, (j, lo, float(np.floor(x[j])))]
    up = [*branches, (j, float(np.ceil(x[j])), hi)]
    return [(value, down), (value, up)] if x[j] - np.floor(x[j]) >= 0.5 else [(value, up), (value, down)]


def _arcs_of(m: _Model, x: np.ndarray) -> np.ndarray:
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


def _binding(m: _Model, time_limit: float) -> list[Binding]:
    """Solve an elastic copy: the least by which the quota and the backbone share must give way with every
    other rule kept; when even that is impossible (locks that overfill a school), the schools' limits too."""
    for caps in (False, True):
        search = branch_and_bound(
            _lp(m, elastic=True, caps=caps),
            m.moves + 2,
            time_limit,
            first=(m.moves, m.moves + 1),
            moves=m.moves,
        )
        if search.x is not None:
            slack = search.x[m.moves + 2 + m.inst.cells :]
            names = [("quota", -1), ("backbone", -1), *(m.school_rows if caps else [])]
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
