"""The rotation rules as settings: defaults, help and sources in data/rotation.yaml; overrides checked here.

`Rules.with_overrides({"quota_rate": "0.15"})` parses text (the CLI's `--set`, a web form) into the setting's
type and refuses what it cannot read, naming the setting and what it expected.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from eduplan.errors import ConfigError
from eduplan.facts import APPRAISALS, LOCALES
from eduplan.staffing.posts import SUBJECT_NAMES

# The Chinese a page shows (and the parser reads back) for coded values of some settings.
NAMES: dict[str, dict[str, str]] = {
    "quota_scope": {"all": "全县", "sending": "城镇和优质学校"},
    "excluded_appraisals": APPRAISALS,
    "subject_weights": {**SUBJECT_NAMES, "default": "其余学科"},
    "locale_weights": {**LOCALES, "default": "其余"},
}


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    default: Any
    help: str
    source: str


@cache
def settings() -> dict[str, Setting]:
    """Every rotation setting by name, in the order of data/rotation.yaml."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("data", "rotation.yaml").read_text("utf-8"))
    return {k: Setting(k, v["label"], v["value"], v["help"], v["source"]) for k, v in raw.items()}


def _default(name: str) -> Any:
    """The dataclass field of setting `name`: its default from data/rotation.yaml (copied: lists, mappings)."""
    return field(default_factory=lambda: copy.deepcopy(settings()[name].default))


MAX_SECONDS = 3600  # the longest solve a rule may ask for (the command line; a page allows PAGE_SECONDS)


@dataclass(frozen=True)
class Rules:
    min_years: int = _default("min_years")
    principal_terms: int = _default("principal_terms")
    term_years: int = _default("term_years")
    quota_rate: float = _default("quota_rate")
    backbone_share: float = _default("backbone_share")
    quota_scope: str = _default("quota_scope")
    allow_up: bool = _default("allow_up")
    strong_schools: tuple[str, ...] = _default("strong_schools")
    weak_schools: tuple[str, ...] = _default("weak_schools")
    require_certificate: bool = _default("require_certificate")
    max_km: float = _default("max_km")
    only_established: bool = _default("only_established")
    retirement_age: int = _default("retirement_age")
    years_before_retirement: int = _default("years_before_retirement")
    excluded_appraisals: tuple[str, ...] = _default("excluded_appraisals")
    protected: tuple[str, ...] = _default("protected")
    max_out_share: float = _default("max_out_share")
    capacity: bool = _default("capacity")
    subject_weights: dict[str, float] = _default("subject_weights")  # noqa: RUF009 (a field with a factory)
    locale_weights: dict[str, float] = _default("locale_weights")  # noqa: RUF009 (a field with a factory)
    travel_per_km: float = _default("travel_per_km")
    move_cost: float = _default("move_cost")
    time_limit: float = _default("time_limit")

    def __post_init__(self) -> None:
        for name in ("strong_schools", "weak_schools", "excluded_appraisals", "protected"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name)))
        _check(self)

    def subject_weight(self, pool: str) -> float:
        return float(self.subject_weights.get(pool, self.subject_weights.get("default", 1.0)))

    def locale_weight(self, locale: str) -> float:
        return float(self.locale_weights.get(locale, self.locale_weights.get("default", 1.0)))

    def with_overrides(self, texts: Mapping[str, str]) -> Rules:
        """These rules with settings given as text replaced (unknown names and unreadable values refused)."""
        changes = {name: parse(name, text) for name, text in texts.items()}
        for name, value in changes.items():
            if isinstance(value, dict):  # weights given for some keys keep the others
                changes[name] = {**getattr(self, name), **value}
        return dataclasses.replace(self, **changes)

    def changed(self) -> dict[str, Any]:
        """The settings that differ from the defaults."""
        base = Rules()
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(base, f.name)
        }


def _check(rules: Rules) -> None:
    def bad(name: str, expected: str) -> ConfigError:
        value = getattr(rules, name)
        return ConfigError(
            f"交流规则 {name} 的值 {value!r} 不可用：应为{expected}", english=f"rule {name}={value!r}"
        )

    numbers = [f.name for f in dataclasses.fields(rules) if isinstance(getattr(rules, f.name), int | float)]
    for name in numbers:  # nan or inf would reach the solver as a number it cannot use
        if not math.isfinite(getattr(rules, name)):
            raise bad(name, "有限的数")
    for name in ("subject_weights", "locale_weights"):
        if not all(math.isfinite(float(v)) for v in getattr(rules, name).values()):
            raise bad(name, "有限的权重")
    if not 0 < rules.time_limit <= MAX_SECONDS:
        raise bad("time_limit", f" 0 到 {MAX_SECONDS} 之间的秒数")
    for name in ("quota_rate", "backbone_share", "max_out_share"):
        if not 0 <= getattr(rules, name) <= 1:
            raise bad(name, " 0 到 1 之间的比例")
    for name in ("min_years", "principal_terms", "term_years", "years_before_retirement", "max_km", "time_limit",
                 "travel_per_km", "move_cost"):  # fmt: skip
        if getattr(rules, name) < 0:
            raise bad(name, "不小于 0 的数")
    if rules.quota_scope not in ("all", "sending"):
        raise bad("quota_scope", " all 或 sending")
    if not set(rules.excluded_appraisals) <= set(APPRAISALS):
        raise bad("excluded_appraisals", f"以下代码：{'、'.join(APPRAISALS)}")
    if not set(rules.locale_weights) <= {*LOCALES, "default"}:
        raise bad("locale_weights", "urban、town、rural 或 default 的权重")
    for name in ("subject_weights", "locale_weights"):
        if any(float(v) < 0 for v in getattr(rules, name).values()):
            raise bad(name, "不小于 0 的权重")


def display(name: str, value: Any) -> str:
    """A setting's value as text in Chinese (what a form shows; `parse` reads it back)."""
    names = NAMES.get(name, {})
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{names.get(k, k)}:{v:g}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "，".join(names.get(str(v), str(v)) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return names.get(str(value), str(value))


def parse(name: str, text: str) -> Any:
    """The value of setting `name` read from `text` (codes or their Chinese names), typed like its default."""
    known = settings()
    if name not in known:
        raise ConfigError(
            f"没有名为 {name} 的交流规则；可用：{'、'.join(known)}", english=f"unknown rule {name}"
        )
    default, text = known[name].default, text.strip()
    codes = {label: code for code, label in NAMES.get(name, {}).items()}
    try:
        if isinstance(default, bool):
            return _flag(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, list):
            return tuple(
                codes.get(v.strip(), v.strip()) for v in text.replace("，", ",").split(",") if v.strip()
            )
        if isinstance(default, dict):
            return {codes.get(k, k): v for k, v in _weights(text).items()}
        return codes.get(text, text)
    except ValueError as exc:
        raise ConfigError(
            f"交流规则 {name} 的值“{text}”无法识别（示例：{_example(default)}）",
            english=f"rule {name}: bad value {text!r}",
        ) from exc


def _flag(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "是", "on"):
        return True
    if text.lower() in ("0", "false", "no", "否", "off"):
        return False
    raise ValueError(text)


def _weights(text: str) -> dict[str, float]:
    pairs = [
        p.split(":") if ":" in p else p.split("：") for p in text.replace("，", ",").split(",") if p.strip()
    ]
    if any(len(p) != 2 for p in pairs):
        raise ValueError(text)
    return {k.strip(): float(v) for k, v in pairs}


def _example(default: Any) -> str:
    if isinstance(default, dict):
        return ",".join(f"{k}:{v}" for k, v in default.items())
    if isinstance(default, list):
        return "代码1,代码2"
    return str(default).lower() if isinstance(default, bool) else str(default)
