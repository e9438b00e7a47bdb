"""National evaluations of a county: 优质均衡 (balanced), 基本均衡 (basic), 普及普惠 (preschool), with gaps.

Pure computation on the frames of `eduplan.facts`; thresholds, sample rules and unit costs live in `data/*.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping

from eduplan.errors import ConfigError
from eduplan.facts import Facts
from eduplan.standards.items import Entry
from eduplan.standards.result import Evaluation


def evaluate(
    kind: str,
    facts: Facts,
    unit: str,
    year: int,
    entered: Mapping[str, Entry] | None = None,
    include_small_points: bool = False,
) -> Evaluation:
    """Run the evaluation `kind` (balanced, basic, preschool) for county `unit` in `year`."""
    from eduplan.standards.balanced import evaluate_balanced
    from eduplan.standards.basic import evaluate_basic
    from eduplan.standards.preschool import evaluate_preschool

    runs = {"balanced": evaluate_balanced, "basic": evaluate_basic, "preschool": evaluate_preschool}
    if kind not in runs:
        raise ConfigError(
            f"未知的评估类型：{kind}（可选 balanced、basic、preschool）", english=f"unknown {kind}"
        )
    return runs[kind](facts, unit, year, entered, include_small_points=include_small_points)
