"""The indicator catalogue (catalogue.yaml): loaded once, validated at load, looked up by code or by a plan's phrase."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from eduplan.errors import ConfigError, NotFound
from eduplan.facts import LEVELS, STAGES

Direction = Literal["higher", "lower"]
# Levels an indicator can be defined at, finest first; it is computed at its own level and every level above.
LEVEL_ORDER = ("school", "township", "county", "city", "province")
UNITS = ("%", "人", "ratio", "平方米", "元", "所", "人次", "学时", "间", "台", "册")


@dataclass(frozen=True)
class Source:
    document: str
    number: str  # 文号, empty where the source has none

    def __str__(self) -> str:
        return f"{self.document}（{self.number}）" if self.number else self.document


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    aliases: tuple[str, ...]
    unit: str
    direction: Direction
    stages: tuple[str, ...]
    level: str
    numerator: str
    denominator: str
    numerator_label: str
    denominator_label: str
    reported: bool
    source: tuple[Source, ...]
    note: str = ""
    where: str = ""
    scale: float = 1.0
    bounded: bool = False  # a rate that cannot exceed 100% (shares, net rates, coverage)

    @property
    def source_text(self) -> str:
        return "；".join(str(s) for s in self.source)

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels this indicator is computed at: its own and every coarser one."""
        return LEVEL_ORDER[LEVEL_ORDER.index(self.level) :]

    @property
    def is_count(self) -> bool:
        return not self.reported and not self.denominator


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator]
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)

    def get(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise NotFound(f"指标目录中没有指标 {code}", english=f"unknown indicator {code}") from None

    def match(self, phrase: str) -> str | None:
        """The code whose name or alias is `phrase` after normalisation; a scope prefix (全县, 农村…) may be dropped."""
        key = normalise(phrase)
        if key in self._aliases:
            return self._aliases[key]
        stripped = _SCOPE.sub("", key)
        return self._aliases.get(stripped)

    def __iter__(self) -> Any:
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)


# Scope words plans put before an indicator name; they narrow the region, not the definition.
_SCOPE = re.compile(
    r"^(全省|全市|全县|全区|全镇|全乡|我省|我市|我县|我区|本县|本市|本区|农村|城区|县域|乡村|城镇)"
)
_DROP = re.compile(r"[\s\"'“”‘’「」『』《》·、，,。:：]")
_TRANSLATE = str.maketrans(
    {"（": "(", "）": ")", "—": "-", "–": "-", "－": "-", "~": "-", "～": "-", "至": "-"}
)


def normalise(phrase: str) -> str:
    """Fold width, brackets, dashes and quotes so that 3—5周岁 = 3-5周岁 and “双师型” = 双师型."""
    text = unicodedata.normalize("NFKC", phrase).translate(_TRANSLATE)
    text = _DROP.sub("", text)
    return text.replace("以上学历", "及以上学历").replace("及及", "及").lower()


def _sources(names: list[str], registry: dict[str, Source], code: str) -> tuple[Source, ...]:
    missing = [n for n in names if n not in registry]
    if missing:
        raise ConfigError(
            f"指标 {code} 引用了未定义的来源 {missing}", english=f"{code}: unknown sources {missing}"
        )
    return tuple(registry[n] for n in names)


def _indicator(raw: dict[str, Any], registry: dict[str, Source]) -> Indicator:
    code = str(raw.get("code", ""))
    reported = bool(raw.get("reported", False))
    unit = str(raw.get("unit", ""))
    problems = []
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
        problems.append("code 须为小写英文标识")
    if unit not in UNITS:
        problems.append(f"单位 {unit} 不在 {UNITS} 中")
    if raw.get("direction") not in ("higher", "lower"):
        problems.append("direction 须为 higher 或 lower")
    if raw.get("bounded") and unit != "%":
        problems.append("bounded 只用于百分比指标")
    if raw.get("level") not in LEVEL_ORDER:
        problems.append(f"level 须为 {LEVEL_ORDER} 之一")
    if not reported and not raw.get("numerator"):
        problems.append("计算指标须有 numerator")
    bad_stages = [s for s in raw.get("stages", []) if s not in STAGES]
    if bad_stages:
        problems.append(f"未知学段 {bad_stages}")
    if problems:
        raise ConfigError(
            f"指标目录有误（{code}）：" + "；".join(problems), english=f"bad catalogue entry {code}"
        )
    default_scale = 100.0 if unit == "%" else 1.0
    return Indicator(
        code=code,
        name=str(raw["name"]),
        aliases=tuple(str(a) for a in raw.get("aliases", [])),
        unit=unit,
        direction=raw["direction"],
        stages=tuple(raw.get("stages", [])),
        level=str(raw["level"]),
        numerator=str(raw.get("numerator", "")),
        denominator=str(raw.get("denominator", "")),
        numerator_label=str(raw.get("numerator_label", "")),
        denominator_label=str(raw.get("denominator_label", "")),
        reported=reported,
        source=_sources(list(raw.get("source", [])), registry, code),
        note=str(raw.get("note", "")).strip(),
        where=str(raw.get("where", "")),
        scale=float(raw.get("scale", default_scale)),
        bounded=bool(raw.get("bounded", False)),
    )


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    """Validate the raw YAML mapping and build the catalogue; every problem is a ConfigError naming the entry."""
    registry = {k: Source(str(v["document"]), str(v.get("number", ""))) for k, v in data["sources"].items()}
    indicators: dict[str, Indicator] = {}
    aliases: dict[str, str] = {}
    for raw in data["indicators"]:
        ind = _indicator(raw, registry)
        if ind.code in indicators:
            raise ConfigError(f"指标代码重复：{ind.code}", english=f"duplicate code {ind.code}")
        indicators[ind.code] = ind
        for phrase in (ind.name, *ind.aliases):
            key = normalise(phrase)
            if aliases.get(key, ind.code) != ind.code:
                raise ConfigError(
                    f"别名“{phrase}”同时属于 {aliases[key]} 和 {ind.code}",
                    english=f"ambiguous alias {phrase}",
                )
            aliases[key] = ind.code
    catalogue = Catalogue(indicators, aliases)
    _check_formulas(catalogue)
    return catalogue


def _check_formulas(catalogue: Catalogue) -> None:
    from eduplan.indicators.formula import parse_side  # formula parsing validates every column name

    for ind in catalogue:
        if not ind.reported:
            parse_side(ind.numerator, ind.where, ind.code)
            if ind.denominator:
                parse_side(ind.denominator, ind.where, ind.code)


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, validated (ConfigError on any bad entry) and cached."""
    text = resources.files(__package__).joinpath("catalogue.yaml").read_text("utf-8")
    return parse_catalogue(yaml.safe_load(text))


assert set(LEVEL_ORDER) == {*LEVELS}, "catalogue levels must match facts.LEVELS"
