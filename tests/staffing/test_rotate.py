"""The rotation MIP against brute force on small cases, its proof, its explanations of infeasible rules."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from eduplan.staffing.candidates import Instance
from eduplan.staffing.rotate import greedy, objective, solve, violations


def random_instance(seed: int, locked: bool = False) -> Instance:
    """3 schools × 2 subjects; 5 candidates, each may go to its subject in the two other schools."""
    rng = np.random.default_rng(seed)
    cell_school = np.array([0, 0, 1, 1, 2, 2])
    subject = np.array([0, 1, 0, 1, 0, 1])
    home = rng.integers(0, 6, 5)
    if seed % 4 == 0:
        home[1] = home[0]  # two alike candidates: the model groups them
    teacher, cell = [], []
    for t, h in enumerate(home):
        for c in range(6):
            if subject[c] == subject[h] and cell_school[c] != cell_school[h]:
                teacher.append(t)
                cell.append(c)
    km = rng.uniform(1, 40, 6)[cell_school[cell]]
    return Instance(
        cell_school=cell_school, required=np.round(rng.uniform(0, 3, 6), 2), in_post=rng.integers(0, 3, 6).astype(float),
        weight=np.where(subject == 0, 3.0, 1.0) * np.where(cell_school == 2, 2.0, 1.0), home=home,
        backbone=rng.random(5) < 0.4, counted=rng.random(5) < 0.8, arc_teacher=np.array(teacher),
        arc_cell=np.array(cell), arc_cost=0.01 * km + 0.3, inflow_cap=rng.choice([np.inf, 0.0, 1.0, 2.0], 3),
        outflow_cap=rng.choice([np.inf, 1.0, 2.0], 3), quota=int(rng.integers(0, 4)),
        backbone_share=float(rng.choice([0.0, 0.2, 0.5])),
        locked=np.array([int(rng.integers(0, len(teacher)))] if locked else [], np.int64),
    )  # fmt: skip


def plans(inst: Instance) -> list[np.ndarray]:
    """Every choice of at most one move per candidate."""
    options = [[-1, *np.nonzero(inst.arc_teacher == t)[0].tolist()] for t in range(len(inst.home))]
    return [np.array(sorted(a for a in combo if a >= 0), np.int64) for combo in itertools.product(*options)]


def brute_force(inst: Instance) -> float | None:
    values = [objective(inst, arcs) for arcs in plans(inst) if not violations(inst, arcs)]
    return min(values) if values else None


@pytest.mark.parametrize("seed", range(40))
def test_optimal_equals_brute_force(seed: int) -> None:
    inst = random_instance(seed, locked=seed % 5 == 0)
    best = brute_force(inst)
    result = solve(inst)
    if best is None:
        assert result.status == "infeasible" and result.binding
        return
    assert result.status == "optimal"
    assert not violations(inst, result.arcs)
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.bound is not None and result.bound <= result.objective + 1e-9
    assert result.objective - result.bound <= 1e-6  # proven: the bound meets the plan
    baseline = greedy(inst)
    if baseline.status == "feasible":
        assert baseline.objective is not None and baseline.objective >= best - 1e-9


def least_breach(inst: Instance) -> float:
    """The least total by which quota and backbone share must give way, the schools' limits kept."""
    keep = [
        p for p in plans(inst) if not [v for v in violations(inst, p) if v.rule not in ("quota", "backbone")]
    ]
    return min(sum(v.amount for v in violations(inst, p)) for p in keep)


@pytest.mark.parametrize("seed", [s for s in range(60) if brute_force(random_instance(s)) is None][:8])
def test_infeasible_rules_are_named_with_the_amount(seed: int) -> None:
    inst = random_instance(seed)
    result = solve(inst)
    assert result.status == "infeasible" and result.objective is None
    assert {b.rule for b in result.binding} <= {"quota", "backbone"}
    assert sum(b.amount for b in result.binding) == pytest.approx(least_breach(inst), abs=1e-6)


def test_a_quota_nobody_can_meet() -> None:
    inst = random_instance(3)
    inst = Instance(**{**inst.__dict__, "quota": 99, "backbone_share": 0.0, "inflow_cap": np.full(3, np.inf),
                       "outflow_cap": np.full(3, np.inf)})  # fmt: skip
    result = solve(inst)
    assert result.status == "infeasible"
    # Every candidate with a move can move: the quota falls short by 99 − (candidates counted).
    reachable = int(inst.counted[np.unique(inst.arc_teacher)].sum())
    assert [(b.rule, round(b.amount)) for b in result.binding] == [("quota", 99 - reachable)]


def test_a_lock_that_overfills_a_school_is_named() -> None:
    base = random_instance(11)
    arc = 0
    school = int(base.cell_school[base.arc_cell[arc]])
    full = np.full(3, np.inf)
    full[school] = 0.0  # no spare post, and nobody may leave to make one
    inst = Instance(**{**base.__dict__, "quota": 0, "backbone_share": 0.0, "inflow_cap": full,
                       "outflow_cap": full.copy(), "locked": np.array([arc])})  # fmt: skip
    result = solve(inst)
    assert result.status == "infeasible"
    assert {b.school for b in result.binding} == {school}
    assert {b.rule for b in result.binding} <= {"inflow", "outflow"}
    assert sum(b.amount for b in result.binding) == pytest.approx(1.0)


def test_nothing_to_gain_moves_nobody() -> None:
    inst = random_instance(2)
    inst = Instance(
        **{**inst.__dict__, "required": inst.in_post.copy(), "quota": 0, "locked": np.zeros(0, np.int64)}
    )
    result = solve(inst)
    assert result.status == "optimal" and len(result.arcs) == 0 and result.objective == pytest.approx(0.0)
