"""Solving a `Program` to proven optimality with HiGHS: column generation, a RENS sub-MIP, branch and bound.

1. The relaxation is solved by column generation: HiGHS's dual simplex on the columns that matter (each group's
   cheapest moves to start with), then every column is priced with the row duals (cost − Aᵀy) and those that
   could lower the objective are added, until none can: the relaxation of the whole programme is then solved
   and its value z is a lower bound on every plan.
2. When the relaxation's solution is whole it is optimal. Otherwise HiGHS's MIP solves the programme on the
   moves the relaxation uses (RENS, Berthold 2014); a plan of value z proves itself. Otherwise a depth-first
   branch and bound over HiGHS's warm-started simplex finishes the search on the columns in hand.
3. A column left out can only appear in a plan of value ≥ z + its reduced cost (LP duality). Those whose
   reduced cost is below the incumbent's value minus z are added and the search repeated, so the plan found is
   optimal for the whole programme; the bound reported is the least of the search's bound and z + the least
   reduced cost left out.

HiGHS's own MIP on the whole 5,000-teacher programme spends minutes in presolve and root heuristics; on the
columns that matter it takes a second (docs/staffing.md, `make bench`).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from functools import cache

import highspy
import numpy as np

from eduplan.staffing.model import INF, Program

TOLERANCE = 1e-6  # absolute optimality gap: the objective is a sum of posts and kilometres
WHOLE = 1e-7  # a value this close to an integer counts as one
PRICE = -1e-9  # reduced costs below this improve the relaxation
BATCH = 5_000  # columns added per pricing round at most


@dataclass
class Search:
    status: str  # optimal | time_limit | infeasible | error
    x: np.ndarray | None  # over every column of the programme
    value: float
    bound: float
    nodes: int
    columns: int  # columns the search used
    rows: int


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


def highs(lp: highspy.HighsLp, time_limit: float, presolve: bool = False, run: bool = True) -> highspy.Highs:
    """A HiGHS solver loaded with `lp`. Relaxations run without presolve: on these sparse assignment models
    HiGHS's presolve costs ten times the simplex itself."""
    _quiet_banner()
    h = highspy.Highs()
    for name, value in (
        ("output_flag", False),
        ("presolve", "on" if presolve else "off"),
        ("mip_rel_gap", 0.0),
        ("mip_abs_gap", TOLERANCE),
        ("time_limit", float(max(time_limit, 0.1))),
        ("random_seed", 0),
    ):
        h.setOptionValue(name, value)  # fmt: skip
    h.passModel(lp)
    if run:
        h.run()
    return h


def optimise(
    p: Program, start_columns: np.ndarray, moves: int, first: tuple[int, ...], time_limit: float
) -> Search:
    """The programme's optimum (or the best found in the time, with its bound); `moves` are the columns RENS
    may restrict, `first` the columns to branch on before any other."""
    start = time.perf_counter()
    keep = list(start_columns)
    h, value, duals = _relaxation(p, keep, time_limit)
    if h is None:
        return Search("infeasible", None, INF, INF, 0, len(keep), len(p.row_lower))
    reduced = p.reduced_costs(duals)
    nodes = 0
    while True:
        left = time_limit - (time.perf_counter() - start)
        found = branch_and_bound(p, keep, h, left, first, moves)
        nodes += found.nodes
        if found.x is None or found.status != "optimal":
            return _widen(found, keep, p, value, reduced, nodes)
        out = np.ones(p.columns, bool)
        out[keep] = False
        missing = np.nonzero(out & (reduced < found.value - value - TOLERANCE))[0]
        if not len(missing):
            return _widen(found, keep, p, value, reduced, nodes)
        keep += missing.tolist()  # these could still improve the plan: search again with them
        h = highs(p.lp(np.array(keep), relax=True), left)


def _widen(
    found: Search, keep: list[int], p: Program, value: float, reduced: np.ndarray, nodes: int
) -> Search:
    """The search's result over every column: x in full, the bound lowered by what the columns left out allow."""
    out = np.ones(p.columns, bool)
    out[keep] = False
    bound = min(found.bound, value + float(reduced[out].min())) if out.any() else found.bound
    x = None
    if found.x is not None:
        x = np.zeros(p.columns)
        x[keep] = found.x
    return Search(found.status, x, found.value, bound, nodes, len(keep), len(p.row_lower))


def _relaxation(
    p: Program, keep: list[int], time_limit: float
) -> tuple[highspy.Highs | None, float, np.ndarray]:
    """Column generation: (the solver holding the relaxation on `keep`, its value, its row duals), extending
    `keep` in place until no column prices out; (None, …) when the whole relaxation is infeasible."""
    start = time.perf_counter()
    h = highs(p.lp(np.array(keep), relax=True), time_limit)
    while True:
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            if len(keep) == p.columns:
                return None, INF, np.zeros(0)
            keep[:] = list(
                dict.fromkeys([*keep, *range(p.columns)])
            )  # the restriction was too tight: all of it
            h = highs(p.lp(np.array(keep), relax=True), time_limit - (time.perf_counter() - start))
            continue
        duals = np.asarray(h.getSolution().row_dual)
        reduced = p.reduced_costs(duals)
        reduced[keep] = 0.0
        new = np.nonzero(reduced < PRICE)[0]
        if not len(new):  # nothing prices out: the relaxation of the whole programme is solved
            return h, float(h.getInfo().objective_function_value), duals
        new = new[np.argsort(reduced[new])][:BATCH]
        starts, index, values = p.column(new)
        h.addCols(len(new), p.cost[new], p.lower[new], p.upper[new], len(index), starts, index, values)
        keep += new.tolist()
        h.run()


def rens(
    p: Program, keep: list[int], x: np.ndarray, moves: int, time_limit: float
) -> tuple[np.ndarray, float] | None:
    """HiGHS's MIP on the moves the relaxation uses, the others fixed at none (relaxation-enforced neighbourhood
    search): usually the optimal plan, found in a small model."""
    lp = p.lp(np.array(keep))
    upper = np.array(lp.col_upper_, float)
    is_move = np.array(keep) < moves
    upper[is_move & (x < 1e-9)] = 0.0
    lp.col_upper_ = upper
    h = highs(lp, time_limit, presolve=True)
    if h.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(h.getSolution().col_value), float(h.getInfo().objective_function_value)


def branch_and_bound(
    p: Program, keep: list[int], h: highspy.Highs, time_limit: float, first: tuple[int, ...], moves: int
) -> Search:
    """The least-cost integer solution on the columns `keep` (the solver `h` holds their relaxation, solved):
    RENS first when the relaxation is fractional, then depth first, each node warm-started from its parent's
    basis; a node whose relaxation cannot beat the incumbent by more than the tolerance is pruned, so when the
    tree is done the incumbent is optimal and the least pruned bound proves it."""
    start = time.perf_counter()
    cols = np.array(keep)
    integer = p.integer[cols]
    lower, upper = p.lower[cols], p.upper[cols]
    priority = [int(np.nonzero(cols == j)[0][0]) for j in first if j in set(keep)]
    h.setOptionValue("time_limit", INF)  # HiGHS counts time across runs; the search keeps its own clock
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
            return Search(
                "time_limit",
                best_x,
                best,
                min([proven, best, parent, *(b for b, _ in stack)]),
                nodes,
                len(keep),
                0,
            )
        for j in changed - {j for j, _, _ in branches}:
            h.changeColBounds(j, lower[j], upper[j])
        for j, lo, hi in branches:
            h.changeColBounds(j, lo, hi)
        changed = {j for j, _, _ in branches}
        if nodes:  # the root is solved already
            h.run()
        nodes += 1
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            continue
        if status != highspy.HighsModelStatus.kOptimal:  # never prune on a relaxation not solved
            return Search("error", best_x, best, min([proven, best, parent]), nodes, len(keep), 0)
        value = float(h.getInfo().objective_function_value)
        if value >= best - TOLERANCE:
            proven = min(proven, value)
            continue
        x = np.asarray(h.getSolution().col_value)
        frac = np.where(integer, np.abs(x - np.rint(x)), 0.0)
        if frac.max(initial=0.0) <= WHOLE:
            best_x, best = np.where(integer, np.rint(x), x), value
            continue
        if nodes == 1 and (found := rens(p, keep, x, moves, time_limit / 2)) is not None:
            best_x, best = np.where(integer, np.rint(found[0]), found[0]), found[1]
            if best <= value + TOLERANCE:
                return Search("optimal", best_x, best, value, nodes, len(keep), 0)
        stack += _children(x, frac, value, branches, priority, lower, upper)
    if best_x is None:
        return Search("infeasible", None, INF, INF, nodes, len(keep), 0)
    return Search("optimal", best_x, best, min(proven, best), nodes, len(keep), 0)


def _children(
    x: np.ndarray, frac: np.ndarray, value: float, branches: list[tuple[int, float, float]], first: list[int],
    lower: np.ndarray, upper: np.ndarray,
) -> list[tuple[float, list[tuple[int, float, float]]]]:  # fmt: skip
    """The two children of a node, the one nearer the relaxation's value last (explored first)."""
    j = next((k for k in first if frac[k] > WHOLE), int(np.argmax(frac)))
    lo, hi = {k: (a, b) for k, a, b in branches}.get(j, (lower[j], upper[j]))
    down = [*branches, (j, lo, float(np.floor(x[j])))]
    up = [*branches, (j, float(np.ceil(x[j])), hi)]
    return [(value, down), (value, up)] if x[j] - np.floor(x[j]) >= 0.5 else [(value, up), (value, down)]
