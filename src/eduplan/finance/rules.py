"""生均公用经费 rules as data: the national 基准定额 with province, city and county files that may only raise them.

A unit's rules are a chain: `data/floors.yaml` (全国), then the files of its province (2 digits), city (4) and
county (6) found in `$EDUPLAN_FINANCE_DIR/<code>.yaml` or the package's `data/provinces|cities|counties/`.
Each file may add amount steps, a schedule of raises, a stricter small-school rule and wider coverage. A value
below what the levels above already require in that year is refused with a `ConfigError` naming the file, the
amount and the higher value: a lower level may raise a floor, never lower it.

What applies in a year: each level's latest step up to that year, the highest of them; then every schedule of the
chain (`first`, `every`, `rate`): the base of year `first` raised by `rate` at `first`, `first + every`, …,
compounding; the floor is the highest of the base and the scheduled values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eduplan.errors import ConfigError
from eduplan.facts import LOCALES, OWNERSHIPS, SCHOOL_TYPES

AMOUNT_KEYS = ("primary", "junior", "special", "boarding", "preschool", "senior", "vocational")
KEY_NAMES = {
    "primary": "普通小学",
    "junior": "普通初中",
    "special": "特殊教育学校和随班就读残疾学生",
    "boarding": "寄宿生（另加）",
    "preschool": "公办幼儿园",
    "senior": "普通高中",
    "vocational": "中等职业学校",
}
LEVEL_FOLDERS = {2: "provinces", 4: "cities", 6: "counties"}
ENV = "EDUPLAN_FINANCE_DIR"
# Years over which a schedule can matter; far wider than any plan.
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class Step:
    """From school year `year` on, `amount` 元 per pupil a year, set by `setter` (全国, a province …)."""

    year: int
    amount: float
    source: str
    setter: str


@dataclass(frozen=True)
class Schedule:
    """Raise `keys` by `rate` in year `first` and every `every` years after, compounding on the base of `first`."""

    first: int
    every: int
    rate: float
    keys: tuple[str, ...]
    source: str
    setter: str

    def raises(self, year: int) -> int:
        return 0 if year < self.first else (year - self.first) // self.every + 1


@dataclass(frozen=True)
class SmallSchool:
    """Schools of these types in these locales with fewer pupils are funded as if they had `min_pupils`."""

    min_pupils: Mapping[str, int]
    locales: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Amount:
    """The floor of one key in one year and why: the step or schedule that set it."""

    value: float
    setter: str
    source: str
    basis: str  # 基准定额 / 每两年提高10%（第 k 次）


@dataclass(frozen=True)
class Level:
    """One file of the chain: its own steps, schedule, small-school rule and coverage."""

    code: str
    name: str
    file: str
    steps: Mapping[str, tuple[Step, ...]]
    schedule: Schedule | None = None
    small: SmallSchool | None = None
    ownerships: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)  # key -> what the file says of it (未制定 …)


@dataclass(frozen=True)
class Rules:
    """The resolved rules of one unit: the chain of levels from 全国 down, and the unit's region."""

    region: str  # east, central_west
    levels: tuple[Level, ...]

    @property
    def small(self) -> SmallSchool:
        return next(lv.small for lv in reversed(self.levels) if lv.small is not None)

    def ownerships(self, key: str) -> tuple[str, ...]:
        return next(lv.ownerships[key] for lv in reversed(self.levels) if key in lv.ownerships)

    def base(self, key: str, year: int) -> Step | None:
        """The highest step in force in `year` over every level (each level's latest step up to `year`)."""
        found = [_latest(lv.steps.get(key, ()), year) for lv in self.levels]
        steps = [s for s in found if s is not None]
        return max(steps, key=lambda s: s.amount) if steps else None

    def amount(self, key: str, year: int) -> Amount | None:
        """The floor of `key` in `year`: the base, or a schedule's raise of it when higher; None when no level
        sets one (普通高中 without a provincial standard)."""
        base = self.base(key, year)
        if base is None:
            return None
        best = Amount(base.amount, base.setter, base.source, "基准定额")
        for lv in self.levels:
            s = lv.schedule
            if s is None or key not in s.keys or year < s.first:
                continue
            anchor = self.base(key, s.first)
            if anchor is None:
                continue
            k = s.raises(year)
            value = round(anchor.amount * (1 + s.rate) ** k, 2)
            if value > best.value:
                best = Amount(value, s.setter, s.source, f"每 {s.every} 年提高 {s.rate:.0%}（第 {k} 次）")
        return best

    def note(self, key: str) -> str:
        return next((lv.notes[key] for lv in reversed(self.levels) if key in lv.notes), "")

    def min_pupils(self, school_type: str, locale: str | None) -> int:
        small = self.small
        return small.min_pupils.get(school_type, 0) if locale in small.locales else 0


def _latest(steps: tuple[Step, ...], year: int) -> Step | None:
    before = [s for s in steps if s.year <= year]
    return before[-1] if before else None


# ---------------------------------------------------------------------------------------------- reading


def _read(path: Path | Any) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"经费标准文件 {path} 不是有效的 YAML：{exc}", english=f"bad YAML {path}") from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"经费标准文件 {path} 的顶层应为映射", english=f"{path}: top level must be a mapping"
        )
    return data


def _fail(where: str, what: str) -> ConfigError:
    return ConfigError(f"经费标准文件 {where}：{what}", english=f"{where}: {what}")


def _number(value: Any, where: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _fail(where, f"{what}应为不小于 0 的数，而不是 {value!r}")
    return float(value)


def _year(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not FIRST_YEAR <= value <= LAST_YEAR:
        raise _fail(where, f"年份应为 {FIRST_YEAR}–{LAST_YEAR} 之间的整数，而不是 {value!r}")
    return value


def _steps(raw: Any, region: str, setter: str, where: str) -> tuple[Step, ...]:
    if not isinstance(raw, list):
        raise _fail(where, "steps 应为列表")
    out = []
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(item, dict) or "from" not in item:
            raise _fail(here, "每个阶梯应有 from（起始学年）和金额")
        value = item.get("amount", item.get(region, item.get("all")))
        if value is None:
            raise _fail(here, f"缺少金额（amount、all 或 {region}）")
        out.append(
            Step(_year(item["from"], here), _number(value, here, "金额"), str(item.get("source", "")), setter)
        )
    years = [s.year for s in out]
    if years != sorted(set(years)):
        raise _fail(where, f"阶梯的起始学年应递增且不重复：{years}")
    return tuple(out)


def _schedule(raw: Any, setter: str, where: str) -> Schedule:
    if not isinstance(raw, dict):
        raise _fail(where, "schedule 应为映射（first、every、rate、keys）")
    keys = tuple(raw.get("keys") or ("primary", "junior"))
    unknown = [k for k in keys if k not in AMOUNT_KEYS]
    every = raw.get("every", 1)
    if unknown or isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise _fail(where, f"keys 须取自 {', '.join(AMOUNT_KEYS)}，every 须为正整数")
    rate = _number(raw.get("rate"), where, "增幅 rate ")
    return Schedule(_year(raw.get("first"), where), every, rate, keys, str(raw.get("source", "")), setter)


def _small(raw: Any, parent: SmallSchool | None, where: str) -> SmallSchool:
    if not isinstance(raw, dict):
        raise _fail(where, "small_school 应为映射")
    minimum = dict(parent.min_pupils) if parent else {}
    for school_type, n in (raw.get("min_pupils") or {}).items():
        if school_type not in SCHOOL_TYPES:
            raise _fail(where, f"未知的办学类型 {school_type}")
        minimum[school_type] = int(_number(n, where, f"{school_type} 的核定人数"))
    locales = tuple(raw.get("locales") or (parent.locales if parent else ()))
    if any(loc not in LOCALES for loc in locales):
        raise _fail(where, f"城乡分类须取自 {', '.join(LOCALES)}：{list(locales)}")
    return SmallSchool(minimum, locales, str(raw.get("source") or (parent.source if parent else "")))


def _ownerships(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise _fail(where, "ownerships 应为映射")
    out = {}
    for key, owners in raw.items():
        if key not in AMOUNT_KEYS or any(o not in OWNERSHIPS for o in owners):
            raise _fail(
                where,
                f"ownerships.{key} 须为 {', '.join(AMOUNT_KEYS)} 之一，办别取自 {', '.join(OWNERSHIPS)}",
            )
        out[key] = tuple(owners)
    return out


KNOWN_KEYS = {"name", "source", "regions", "amounts", "ownerships", "small_school", "schedule", "pending"}


def level(raw: Mapping[str, Any], code: str, region: str, file: str, parent: Rules | None = None) -> Level:
    """One file's rules, checked for shape; `parent` (the levels above) gives the small-school rule it extends."""
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise _fail(file, f"未知的项：{', '.join(unknown)}")
    setter = str(raw.get("name") or code or "全国")
    steps: dict[str, tuple[Step, ...]] = {}
    notes: dict[str, str] = {}
    for key, entry in (raw.get("amounts") or {}).items():
        if key not in AMOUNT_KEYS or not isinstance(entry, dict):
            raise _fail(file, f"未知的经费项 {key}（可选 {', '.join(AMOUNT_KEYS)}），每项应为映射")
        steps[key] = _steps(entry.get("steps", []), region, setter, f"{file}:amounts.{key}")
        if entry.get("source"):
            notes[key] = str(entry["source"])
    schedule = _schedule(raw["schedule"], setter, f"{file}:schedule") if "schedule" in raw else None
    parent_small = parent.small if parent else None
    small = (
        _small(raw["small_school"], parent_small, f"{file}:small_school") if "small_school" in raw else None
    )
    owners = _ownerships(raw.get("ownerships") or {}, f"{file}:ownerships")
    return Level(code, setter, file, steps, schedule, small, owners, notes)


def check_not_laxer(parent: Rules, child: Level) -> None:
    """Refuse `child` when any of its values is below what `parent` already requires."""
    for key, steps in child.steps.items():
        for step in steps:
            above = parent.amount(key, step.year)
            if above is not None and step.amount < above.value - 1e-9:
                raise _fail(
                    child.file,
                    f"{KEY_NAMES[key]}自 {step.year} 年 {step.amount:g} 元，低于上级（{above.setter}）同年标准 "
                    f"{above.value:g} 元；下级只能提高标准，不能降低",
                )
    if child.small is not None:
        above_small = parent.small
        for school_type, n in above_small.min_pupils.items():
            if child.small.min_pupils.get(school_type, 0) < n:
                raise _fail(child.file, f"{SCHOOL_TYPES[school_type][0]}按 {n} 人核定是上级要求，不能降低")
        missing = set(above_small.locales) - set(child.small.locales)
        if missing:
            names = "、".join(LOCALES[m] for m in sorted(missing, key=list(LOCALES).index))
            raise _fail(child.file, f"上级规定{names}的小规模学校按人数下限核定，下级不能取消")
    for key, owners in child.ownerships.items():
        dropped = set(parent.ownerships(key)) - set(owners)
        if dropped:
            names = "、".join(OWNERSHIPS[o] for o in sorted(dropped, key=list(OWNERSHIPS).index))
            raise _fail(child.file, f"上级标准覆盖{names}学校的{KEY_NAMES[key]}，下级不能取消")


def region_of(raw: Mapping[str, Any], province: str) -> str:
    east = {str(c) for c in (raw.get("regions") or {}).get("east", ())}
    return "east" if province in east else "central_west"


def resolve(
    national: Mapping[str, Any],
    code: str = "",
    overrides: tuple[tuple[str, Mapping[str, Any], str], ...] = (),
) -> Rules:
    """The rules of unit `code`: the national dict, then each (code, dict, file name) override from the top down."""
    region = region_of(national, code[:2])
    top = level(national, "", region, "floors.yaml")
    missing = [k for k in AMOUNT_KEYS if k not in top.ownerships]
    if top.small is None or missing:
        raise _fail(
            "floors.yaml", f"全国文件须有 small_school 和每一项的 ownerships（缺 {', '.join(missing)}）"
        )
    rules = Rules(region, (top,))
    for unit, raw, file in overrides:
        child = level(raw, unit, region, file, rules)
        check_not_laxer(rules, child)
        rules = Rules(region, (*rules.levels, child))
    return rules


@cache
def _national() -> dict[str, Any]:
    return _read(resources.files(__package__).joinpath("data", "floors.yaml"))


@cache
def _file(path: Path) -> dict[str, Any]:
    return _read(path)


def override_file(code: str) -> Path | None:
    """The file of province, city or county `code`: $EDUPLAN_FINANCE_DIR first, then the package's data."""
    env = os.environ.get(ENV)
    if env:
        folder = Path(env)
        if not folder.is_dir():
            raise ConfigError(f"环境变量 {ENV} 指向的目录不存在：{env}", english=f"{ENV} {env!r} missing")
        if (folder / f"{code}.yaml").is_file():
            return folder / f"{code}.yaml"
    packaged = resources.files(__package__).joinpath("data", LEVEL_FOLDERS[len(code)], f"{code}.yaml")
    path = Path(str(packaged))
    return path if path.is_file() else None


@cache
def rules_for(unit: str) -> Rules:
    """The rules that apply to unit `unit` (a county code, or any code: its province, city, county prefixes)."""
    overrides = []
    for digits in LEVEL_FOLDERS:
        if len(unit) >= digits and (path := override_file(unit[:digits])) is not None:
            overrides.append((unit[:digits], _file(path), path.name))
    return resolve(_national(), unit, tuple(overrides))


def clear_cache() -> None:
    """Forget the files read and rules resolved (after changing $EDUPLAN_FINANCE_DIR or its files)."""
    for cached in (rules_for, _national, _file):
        cached.cache_clear()


def describe(rules: Rules, year: int) -> list[dict[str, Any]]:
    """Every key's floor in `year` with who set it and the source, for the rules page and command."""
    rows = []
    for key in AMOUNT_KEYS:
        a = rules.amount(key, year)
        rows.append(
            {
                "key": key,
                "name": KEY_NAMES[key],
                "amount": None if a is None else a.value,
                "setter": "" if a is None else a.setter,
                "basis": "未制定" if a is None else a.basis,
                "source": a.source if a else rules.note(key),
                "ownerships": [OWNERSHIPS[o] for o in rules.ownerships(key)],
            }
        )
    return rows
