"""The planning norms of norms.yaml, loaded and checked once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from eduplan.errors import ConfigError


@dataclass(frozen=True)
class PlanningRule:
    code: str
    label: str
    kind: str  # per_people | village
    school_types: tuple[str, ...]
    people: int = 0
    min_classes: int = 0
    village_people: int = 0
    ownership: str = ""


@dataclass(frozen=True)
class Norms:
    class_size: dict[str, dict[int, int]]
    large_class: int
    small_school_max: int
    red_within: int
    amber_within: int
    surplus_below: float
    rules: tuple[PlanningRule, ...]
    sources: dict[str, str]


@cache
def load_norms() -> Norms:
    raw: dict[str, Any] = yaml.safe_load(files("eduplan.forecast").joinpath("norms.yaml").read_text("utf-8"))
    try:
        sizes = {
            stage: {int(g): int(n) for g, n in v.items()}
            for stage, v in raw["class_size"].items()
            if stage != "source"
        }
        rules = tuple(
            PlanningRule(**{**r, "school_types": tuple(r["school_types"])}) for r in raw["planning"]["rules"]
        )
        return Norms(
            class_size=sizes,
            large_class=int(raw["large_class"]["min_pupils"]),
            small_school_max=int(raw["small_school"]["max_pupils"]),
            red_within=int(raw["warnings"]["red_within_years"]),
            amber_within=int(raw["warnings"]["amber_within_years"]),
            surplus_below=float(raw["warnings"]["surplus_below_utilisation"]),
            rules=rules,
            sources={k: str(v["source"]) for k, v in raw.items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"学位规划标准文件 norms.yaml 格式错误：{exc}", english=f"bad norms.yaml: {exc}"
        ) from exc
