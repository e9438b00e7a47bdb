"""The rotation MIP as arrays: columns for the moves of each group of alike candidates, rows for the rules.

    minimise   Σ_cells w_c · u_c  +  Σ_moves cost_m · x_m
    subject to u_c ≥ required_c − (in post_c + arrivals_c − departures_c),  u_c ≥ 0   (shortage left)
               u_c + φ_c · (arrivals_c − departures_c) ≥ φ_c · (⌊f_c⌋ + 1)           (rounding rows)
               each group's moves ≤ its members                                       (one school per teacher)
               arrivals_s − departures_s ≤ spare posts of school s                     (capacity of posts)
               departures_s ≤ max_out_share × teachers of s                             (a school stays staffed)
               Σ moves of counted candidates ≥ quota                                   (≥ 10% of eligible)
               N = Σ moves, B = Σ backbone moves, B ≥ share × N  (N, B integer)         (骨干 ≥ 20% of rotated)
               locked moves = 1

Columns in order: the moves (integer), N, B (integer), one shortage per cell, then (elastic) one slack per rule
that may give way. `Program` holds it in COO form to build sub-models and to price columns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np

from eduplan.staffing.candidates import Instance

INF = highspy.kHighsInf


@dataclass
class Model:
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


def groups(inst: Instance) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
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


def build_model(inst: Instance) -> Model:
    members, group_of, first = groups(inst)
    rep = np.isin(inst.arc_teacher, first)  # the columns: the arcs of each group's first member
    m = Model(
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
    rounding_rows(m, home, u)
    school_rows(m, home)
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


def rounding_rows(m: Model, home: np.ndarray, u: np.ndarray) -> None:
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


def school_rows(m: Model, home: np.ndarray) -> None:
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


@dataclass(frozen=True)
class Program:
    """A linear programme with integer columns: cost, bounds, integrality, the matrix in COO form, row bounds."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray  # bool
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray

    @property
    def columns(self) -> int:
        return len(self.cost)

    def lp(self, keep: np.ndarray, relax: bool = False) -> highspy.HighsLp:
        """The programme on the columns `keep` (in that order) as a HighsLp; continuous when `relax`."""
        position = np.full(self.columns, -1)
        position[keep] = np.arange(len(keep))
        mine = position[self.cols] >= 0
        rows, cols, vals = self.rows[mine], position[self.cols[mine]], self.vals[mine]
        order = np.lexsort((rows, cols))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(keep), len(self.row_lower)
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = self.cost[keep], self.lower[keep], self.upper[keep]
        lp.row_lower_, lp.row_upper_ = self.row_lower, self.row_upper
        integer = self.integer[keep] & (not relax)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer
        ]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(len(keep) + 1)).astype(np.int32)
        lp.a_matrix_.index_ = rows[order].astype(np.int32)
        lp.a_matrix_.value_ = vals[order]
        return lp

    def reduced_costs(self, duals: np.ndarray) -> np.ndarray:
        """cost − Aᵀy for every column (y: the row duals of a relaxation)."""
        return self.cost - np.bincount(
            self.cols, weights=self.vals * duals[self.rows], minlength=self.columns
        )

    def column(self, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """starts, indices, values of the columns `j`, as HiGHS's addCols wants them."""
        position = np.full(self.columns, -1)
        position[j] = np.arange(len(j))
        mine = position[self.cols] >= 0
        cols, rows, vals = position[self.cols[mine]], self.rows[mine], self.vals[mine]
        order = np.lexsort((rows, cols))
        starts = np.searchsorted(cols[order], np.arange(len(j))).astype(np.int32)
        return starts, rows[order].astype(np.int32), vals[order]


def program(m: Model, elastic: bool = False, caps: bool = False) -> Program:
    """The model as a Program: the real objective, or (elastic) the price of breaking the quota and the backbone
    share, and (caps) also each school's inflow and outflow limits."""
    inst = m.inst
    rows = np.concatenate([e[0] for e in m.entries])
    cols = np.concatenate([e[1] for e in m.entries])
    vals = np.concatenate([e[2] for e in m.entries])
    n = m.moves + 2 + inst.cells
    upper = np.concatenate([[len(m.members[g]) for g in m.col_group], np.full(2 + inst.cells, INF)])
    lower = np.zeros(n)
    cost = np.concatenate([m.col_cost, np.zeros(2), inst.weight.astype(float)])
    integer = np.arange(n) < m.moves + 2
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
        integer = np.concatenate([integer, np.zeros(k, bool)])
    return Program(
        cost, lower, upper, integer, rows, cols, vals,
        np.concatenate([r[0] for r in m.rows]), np.concatenate([r[1] for r in m.rows]),
    )  # fmt: skip


def first_columns(m: Model, per_group: int = 3, short_per_group: int = 6) -> np.ndarray:
    """Where column generation starts: each group's cheapest moves, and its cheapest into a cell that is short;
    every column that is not a move; the locked moves."""
    inst = m.inst
    short = (inst.required - inst.in_post)[m.col_cell] > 1e-9
    keep = _cheapest(m.col_group, m.col_cost, per_group, np.ones(m.moves, bool))
    keep |= _cheapest(m.col_group, m.col_cost, short_per_group, short)
    cells = np.arange(m.moves, m.moves + 2 + inst.cells)
    locked = np.zeros(m.moves, bool)
    for arc in inst.locked:
        locked |= (m.col_group == m.group_of[inst.arc_teacher[arc]]) & (m.col_cell == inst.arc_cell[arc])
    return np.concatenate([np.nonzero(keep | locked)[0], cells])


def _cheapest(group: np.ndarray, cost: np.ndarray, k: int, among: np.ndarray) -> np.ndarray:
    """The k cheapest columns of each group among `among`."""
    idx = np.nonzero(among)[0]
    order = idx[np.lexsort((cost[idx], group[idx]))]
    g = group[order]
    first = np.r_[0, np.nonzero(np.diff(g))[0] + 1]
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    out = np.zeros(len(group), bool)
    out[order[rank < k]] = True
    return out
