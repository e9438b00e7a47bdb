"""Where a target's yearly values come from: the indicators engine on the stored facts, or values typed by hand.

The indicators engine (`eduplan.indicators.engine.compute(facts, codes)`) returns one row per indicator, org unit
and year (columns code, unit, level, year, value, numerator, denominator, reason). The catalogue
(`eduplan.indicators.catalogue.load_catalogue()`) gives each indicator's names, direction and unit. Both are
imported lazily so that plans work (with hand-entered values) before the indicators area exists.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from eduplan.facts import Facts

log = logging.getLogger(__name__)

ENGINE_COLUMNS = ("code", "unit", "level", "year", "value", "numerator", "denominator", "reason")


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    direction: str  # 'higher' or 'lower'
    unit: str  # '%' for percentages
    aliases: tuple[str, ...] = ()


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _field(entry: Any, name: str, default: Any = None) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name, default)
    return getattr(entry, name, default)


def catalogue() -> dict[str, IndicatorInfo]:
    """Every catalogued indicator by code; empty while the catalogue does not exist."""
    module = _optional("eduplan.indicators.catalogue")
    if module is None or not hasattr(module, "load_catalogue"):
        return {}
    raw = module.load_catalogue()
    raw = getattr(raw, "indicators", raw)
    entries: Iterable[Any] = raw.values() if isinstance(raw, Mapping) else raw
    found: dict[str, IndicatorInfo] = {}
    for entry in entries:
        code = str(_field(entry, "code"))
        unit = str(_field(entry, "unit", "") or "")
        aliases = tuple(str(a) for a in (_field(entry, "aliases", ()) or ()))
        name = str(_field(entry, "name", "") or _field(entry, "name_zh", "") or code)
        direction = str(_field(entry, "direction", "higher") or "higher")
        found[code] = IndicatorInfo(code, name, direction, unit, aliases)
    return found


def resolve_code(text: str, known: Mapping[str, IndicatorInfo]) -> str:
    """The catalogue code whose name or alias is `text` (the catalogue's own matching when it has one)."""
    text = text.strip()
    if text in known:
        return text
    module = _optional("eduplan.indicators.catalogue")
    if module is not None and hasattr(module, "load_catalogue"):
        match = getattr(module.load_catalogue(), "match", None)
        if match is not None:
            return str(match(text) or "")
    for info in known.values():
        if text == info.name or text in info.aliases:
            return info.code
    return ""


def compute(facts: Facts, codes: Iterable[str]) -> pl.DataFrame:
    """The engine's rows for `codes`; an empty frame when the engine is missing or fails on these facts."""
    wanted = sorted(set(c for c in codes if c))
    empty = pl.DataFrame(
        schema={
            "code": pl.String,
            "unit": pl.String,
            "level": pl.String,
            "year": pl.Int64,
            "value": pl.Float64,
        }
    )
    module = _optional("eduplan.indicators.engine")
    if module is None or not wanted:
        return empty
    try:
        frame = module.compute(facts, wanted)
    except Exception as exc:
        log.warning("indicator engine failed for %s: %s; computing one by one", wanted, exc)
        frames = [f for f in (_one(module, facts, code) for code in wanted) if f is not None]
        return pl.concat(frames, how="vertical_relaxed") if frames else empty
    return frame.select([c for c in ENGINE_COLUMNS if c in frame.columns])


def _one(module: Any, facts: Facts, code: str) -> pl.DataFrame | None:
    try:
        frame = module.compute(facts, [code])
    except Exception as exc:
        log.warning("indicator engine failed for %s: %s", code, exc)
        return None
    return frame.select([c for c in ENGINE_COLUMNS if c in frame.columns])


def series(frame: pl.DataFrame, code: str, unit: str) -> list[tuple[int, float]]:
    """(year, value) of one indicator in one org unit; the engine already scales percentages to 0-100."""
    if frame.is_empty() or not code:
        return []
    rows = frame.filter((pl.col("code") == code) & (pl.col("unit") == unit)).sort("year")
    return [(int(y), float(v)) for y, v in rows.select("year", "value").iter_rows() if v is not None]


def missing_reason(frame: pl.DataFrame, code: str, unit: str) -> str:
    """Why the engine has no value for this indicator and unit in its latest year (its own words), or ''."""
    if frame.is_empty() or not code or "reason" not in frame.columns:
        return ""
    rows = frame.filter((pl.col("code") == code) & (pl.col("unit") == unit) & pl.col("reason").is_not_null())
    if rows.is_empty():
        return ""
    return str(rows.sort("year").row(-1, named=True)["reason"])
