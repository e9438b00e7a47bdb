"""Where a target's yearly values come from: the indicators engine on the stored facts, or values typed by hand.

The engine (`eduplan.indicators.engine.compute`) returns one row per indicator, org unit and year (columns code,
unit, level, year, value, numerator, denominator, reason); the catalogue gives each indicator's names, direction
and unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.indicators.catalogue import Indicator, load_catalogue
from eduplan.indicators.engine import compute as engine_compute
from eduplan.indicators.engine import compute_indicators
from eduplan.indicators.scope import SCOPES, scoped

# A catalogue entry as the plans see it (code, name, aliases, unit, direction).
IndicatorInfo = Indicator

ENGINE_COLUMNS = ("code", "unit", "level", "year", "value", "numerator", "denominator", "reason")


def catalogue() -> dict[str, IndicatorInfo]:
    """Every catalogued indicator by code."""
    return dict(load_catalogue().indicators)


def resolve_code(text: str, known: Mapping[str, IndicatorInfo]) -> str:
    """The catalogue code whose name or alias is `text` (the catalogue's own normalised matching)."""
    text = text.strip()
    return text if text in known else load_catalogue().match(text) or ""


def compute(facts: Facts, codes: Iterable[str]) -> pl.DataFrame:
    """The engine's rows for the catalogued `codes` (a code the catalogue lacks has no computed values)."""
    known = load_catalogue().indicators
    wanted = sorted({c for c in codes if c in known})
    if not wanted:
        return pl.DataFrame(schema={"code": pl.String, "unit": pl.String, "level": pl.String, "year": pl.Int64,
                                    "value": pl.Float64})  # fmt: skip
    return engine_compute(facts, wanted).select(ENGINE_COLUMNS)


def compute_scoped(
    facts: Facts | None, wanted: Sequence[tuple[str, str]]
) -> tuple[pl.DataFrame, dict[tuple[str, str], str]]:
    """The engine's rows of each (code, scope) the data can narrow (农村, 城区), and for every such pair the
    reason it cannot be narrowed ("" when it can)."""
    known = load_catalogue().indicators
    inds: dict[str, Indicator] = {}
    reasons: dict[tuple[str, str], str] = {}
    for code, scope in set(wanted):
        if scope not in SCOPES or code not in known:
            continue
        try:
            ind = scoped(known[code], scope)
        except DataError as exc:
            reasons[code, scope] = exc.message
            continue
        inds[ind.code], reasons[code, scope] = ind, ""
    if facts is None or not inds:
        return compute(Facts.empty(), []), reasons
    return compute_indicators(facts, list(inds.values())).select(ENGINE_COLUMNS), reasons


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
