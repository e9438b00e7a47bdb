"""The grade chain: which series feeds each (stage, grade) a year later.

A position is fed in one of three ways:
- ``cohort``: entrants from the birth cohort ``lag`` years earlier (幼儿园小班 from age 3, 小学一年级 from age 6);
- ``transition``: entrants from the feeding stage's last grade a year earlier, counted over the unit's
  townships (初中 from 小学六年级: one junior school draws on many primary schools) or over the whole region
  (高中 from 初中三年级: a county's senior schools take pupils from every township);
- ``progression``: the same unit's previous grade a year earlier (grade-progression / cohort-survival ratio).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Source = Literal["cohort", "transition", "progression"]


@dataclass(frozen=True)
class Position:
    stage: str
    grade: int
    source: Source
    lag: int = 0  # cohort: age at entry in whole years (births of year t - lag enter in year t)
    feeder: int = -1  # transition / progression: index of the feeding position in the chain
    scope: Literal["area", "region"] = (
        "area"  # transition: feeding grade of the unit's townships, or the region's
    )


Chain = tuple[Position, ...]

# Entry ages: 小班 at 3 (《幼儿园工作规程》: 3 周岁入园), 小学 at 6 (《义务教育法》第十一条: 满六周岁).
PRESCHOOL_AGE = 3
PRIMARY_AGE = 6


def _stage(stage: str, grades: int, first: Position, start: int) -> list[Position]:
    rest = [Position(stage, g, "progression", feeder=start + g - 2) for g in range(2, grades + 1)]
    return [first, *rest]


def full_chain() -> Chain:
    """小班 … 高三: 15 positions, preschool and primary from births, junior and senior by transition."""
    positions: list[Position] = []
    positions += _stage("preschool", 3, Position("preschool", 1, "cohort", lag=PRESCHOOL_AGE), 0)
    positions += _stage("primary", 6, Position("primary", 1, "cohort", lag=PRIMARY_AGE), 3)
    positions += _stage("junior", 3, Position("junior", 1, "transition", feeder=8), 9)
    # A senior school takes pupils from the whole county, not from its own township's junior schools.
    positions += _stage("senior", 3, Position("senior", 1, "transition", feeder=11, scope="region"), 12)
    return tuple(positions)


def single_stage_chain(grades: list[int], entry_grade: int, lag: int, stage: str = "primary") -> Chain:
    """A chain of consecutive grades from ``entry_grade``: the entry grade from births ``lag`` years earlier."""
    kept = sorted(g for g in set(grades) if g >= entry_grade)
    if not kept or kept[0] != entry_grade:
        kept = [entry_grade, *kept]
    top = kept[-1]
    positions = [Position(stage, entry_grade, "cohort", lag=lag)]
    positions += [
        Position(stage, g, "progression", feeder=i) for i, g in enumerate(range(entry_grade + 1, top + 1))
    ]
    return tuple(positions)


def index_of(chain: Chain) -> dict[tuple[str, int], int]:
    return {(p.stage, p.grade): i for i, p in enumerate(chain)}
