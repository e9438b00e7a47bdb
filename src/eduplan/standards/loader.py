"""Load a standard's thresholds from YAML, with a province's stricter file merged over the national one.

A province file is `data/provinces/<省代码>.yaml` in the package or `$EDUPLAN_STANDARDS_DIR/<省代码>.yaml`
(the latter wins); it holds only the values it changes, keyed by standard (`balanced`, `basic`, `preschool`,
`costs`), with list entries (`indicators`, `items`) keyed by their code. A value laxer than the national one is
refused: a province may tighten a standard, never loosen it.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eduplan.errors import ConfigError

KINDS = ("balanced", "basic", "preschool")
# Keys whose larger value is stricter, and keys whose smaller value is stricter.
HIGHER_IS_STRICTER = ("threshold", "backbone_threshold", "min_met", "floor_ratio")
LOWER_IS_STRICTER = ("cv_limit", "limit", "limit_through", "max_pupils_per_staff")


@dataclass(frozen=True)
class Resource:
    name: str
    unit: str
    integer: bool
    cost: str


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: dict[str, tuple[str, ...]]
    per: float
    unit: str
    source: str
    threshold: dict[str, float] = field(default_factory=dict)
    resource: Resource | None = None
    reported: str | None = None


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    rule: str
    name: str
    source: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Standard:
    kind: str
    name: str
    source: str
    stages: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    items: tuple[Item, ...]
    cv_limit: dict[str, float]
    min_pupils_teaching_point: int
    ownerships: tuple[str, ...]
    min_met: int
    floor_ratio: float
    unit_costs: dict[str, float]
    province_file: str | None = None

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)


def _read(path: Path | Any) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"标准文件 {path} 不是有效的 YAML：{exc}", english=f"bad YAML {path}: {exc}"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"标准文件 {path} 的顶层应为映射", english=f"{path}: top level must be a mapping")
    return data


def _national(name: str) -> dict[str, Any]:
    return _read(resources.files(__package__).joinpath("data", f"{name}.yaml"))


def province_file(province: str) -> Path | None:
    """The province's own file: $EDUPLAN_STANDARDS_DIR first, then the package's data/provinces."""
    env = os.environ.get("EDUPLAN_STANDARDS_DIR")
    if env:
        folder = Path(env)
        if not folder.is_dir():
            raise ConfigError(
                f"环境变量 EDUPLAN_STANDARDS_DIR 指向的目录不存在：{env}",
                english=f"EDUPLAN_STANDARDS_DIR {env!r} missing",
            )
        if (folder / f"{province}.yaml").is_file():
            return folder / f"{province}.yaml"
    packaged = Path(str(resources.files(__package__).joinpath("data", "provinces", f"{province}.yaml")))
    return packaged if packaged.is_file() else None


def _check_stricter(rule: str | None, old: Any, new: Any, where: str) -> None:
    if rule is None or not isinstance(old, int | float) or not isinstance(new, int | float):
        return
    laxer = (rule in HIGHER_IS_STRICTER and new < old) or (rule in LOWER_IS_STRICTER and new > old)
    if laxer:
        raise ConfigError(
            f"省级标准 {where} = {new} 比国家标准 {old} 宽松；省级文件只能从严",
            english=f"province value {where}={new} is laxer than national {old}",
        )


def _merge(base: dict[str, Any], over: dict[str, Any], where: str, rule: str | None = None) -> dict[str, Any]:
    """`over` merged into a copy of `base`; `rule` is the nearest enclosing key that says which way is stricter."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        here = key if key in HIGHER_IS_STRICTER + LOWER_IS_STRICTER else rule
        if key == "threshold" and out.get("compare") == "le":
            here = "limit"  # a ceiling (children per teacher): the smaller value is the stricter
        if key in ("indicators", "items") and isinstance(value, dict):
            by_code = {entry["code"]: entry for entry in out.get(key, [])}
            for code, patch in value.items():
                if code not in by_code:
                    raise ConfigError(
                        f"省级文件 {where} 中的 {key}.{code} 在国家标准中不存在", english=f"unknown {code}"
                    )
                by_code[code].update(_merge(by_code[code], patch, f"{where}.{code}"))
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, f"{where}.{key}", here)
        else:
            _check_stricter(here, out.get(key), value, f"{where}.{key}")
            out[key] = value
    return out


def _indicator(raw: dict[str, Any]) -> Indicator:
    res = raw.get("resource")
    return Indicator(
        code=raw["code"],
        name=raw["name"],
        numerator={stage: tuple(cols) for stage, cols in raw["numerator"].items()},
        per=float(raw.get("per", 1)),
        unit=raw.get("unit", ""),
        source=raw.get("source", ""),
        threshold={k: float(v) for k, v in (raw.get("threshold") or {}).items()},
        resource=Resource(res["name"], res["unit"], bool(res["integer"]), res["cost"]) if res else None,
        reported=raw.get("reported"),
    )


def _item(raw: dict[str, Any]) -> Item:
    fixed = {"code", "group", "rule", "name", "source"}
    return Item(
        raw["code"],
        raw["group"],
        raw["rule"],
        raw["name"],
        raw.get("source", ""),
        {k: v for k, v in raw.items() if k not in fixed},
    )


def _build(kind: str, raw: dict[str, Any], costs: dict[str, Any], path: str | None) -> Standard:
    sample = raw.get("sample", {})
    rule = raw.get("school_rule", {})
    indicators = raw.get("indicators", [])
    return Standard(
        kind=kind,
        name=raw["name"],
        source=raw["source"],
        stages=tuple(raw.get("stages", ())),
        indicators=tuple(_indicator(i) for i in indicators if "numerator" in i),
        items=tuple(_item(i) for i in raw.get("items", [])),
        cv_limit={k: float(v) for k, v in raw.get("cv_limit", {}).items() if k != "source"},
        min_pupils_teaching_point=int(sample.get("teaching_point_min_pupils", 0)),
        ownerships=tuple(sample.get("ownerships", ("public",))),
        min_met=int(rule.get("min_met", 0)),
        floor_ratio=float(rule.get("floor_ratio", 1.0)),
        unit_costs={k: float(v) for k, v in costs.get("unit_costs", {}).items()},
        province_file=path,
    )


@cache
def raw_standard(kind: str, province: str = "") -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """(merged standard dict, merged costs dict, province file path) — cached per kind and province."""
    if kind not in KINDS:
        raise ConfigError(f"未知的评估类型：{kind}", english=f"unknown evaluation {kind}")
    raw, costs = _national(kind), _national("costs")
    path = province_file(province) if province else None
    if path is not None:
        over = _read(path)
        raw = _merge(raw, over.get(kind, {}), f"{path.name}:{kind}")
        costs = _merge(costs, over.get("costs", {}), f"{path.name}:costs")
    return raw, costs, str(path) if path else None


def load(kind: str, unit: str = "") -> Standard:
    """The standard of `kind` as it applies to `unit` (its province's file merged over the national one)."""
    raw, costs, path = raw_standard(kind, unit[:2])
    return _build(kind, raw, costs, path)
