"""DHIS2's `dataValueSets` JSON (Web API, `/api/dataValueSets`), with every identifier in the CODE scheme
(`idScheme=CODE` on the DHIS2 side): orgUnit = our org unit or school code, dataElement = our indicator
code, period = the school year as DHIS2's September financial year (`2024Sep`: September 2024 – August
2025, period type FinancialSep). Values are strings, as DHIS2 writes them.

Out: indicator values (numerator and denominator go into the comment, DHIS2 having no place for them).
In: a province's (or a county system's) values of the reported indicators (those the statistics cannot
compute) become rows of our `reported` table (直报指标值), which the engine reads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

PERIOD = re.compile(r"([0-9]{4})Sep")
SOURCE = "DHIS2 dataValueSets 导入"


def period(year: int) -> str:
    return f"{year}Sep"


def year_of(text: str) -> int | None:
    """The school year of a DHIS2 period `2024Sep`; None for any other period."""
    match = PERIOD.fullmatch(text)
    return int(match.group(1)) if match else None


def _number(value: float) -> str:
    """DHIS2's text of a number: integers without `.0`, others as Python's shortest round-trip text."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def export(values: pl.DataFrame) -> dict[str, Any]:
    """Indicator values (code, unit, year, value, numerator, denominator) as a dataValueSet; values that
    could not be computed (null) are left out, as DHIS2 stores no empty values."""
    rows = values.filter(pl.col("value").is_not_null()).sort(["unit", "year", "code"])
    out = []
    for r in rows.iter_rows(named=True):
        item = {"dataElement": r["code"], "period": period(r["year"]), "orgUnit": r["unit"],
                "value": _number(r["value"])}  # fmt: skip
        if r.get("numerator") is not None and r.get("denominator") is not None:
            item["comment"] = f"分子 {_number(r['numerator'])}，分母 {_number(r['denominator'])}"
        out.append(item)
    return {"dataValues": out}


@dataclass(frozen=True)
class Conflict:
    """One refused data value: its index in `dataValues`, the field, the value and what was expected."""

    index: int
    field: str
    value: Any
    expected: str

    def message(self) -> str:
        return f"第 {self.index + 1} 个数据值的 {self.field}：值为“{self.value}”，要求：{self.expected}"


def parse(body: Any, writable: Callable[[str], bool], codes: set[str]) -> tuple[pl.DataFrame, list[Conflict]]:
    """A dataValueSet's values as rows of `reported` (unit, year, indicator, value, source), and every
    conflict found; `writable(code)` tells the org unit and school codes the caller may write, `codes` are
    the indicators taken."""
    values = body.get("dataValues") if isinstance(body, dict) else None
    if not isinstance(values, list):
        return _empty(), [Conflict(0, "dataValues", _shown(values), "一个数据值数组")]
    rows: list[dict[str, Any]] = []
    conflicts: list[Conflict] = []
    for index, item in enumerate(values):
        found = _one(index, item, writable, codes)
        if isinstance(found, dict):
            rows.append(found)
        else:
            conflicts.extend(found)
    return pl.DataFrame(rows, schema=_empty().schema, orient="row") if rows else _empty(), conflicts


def _one(
    index: int, item: Any, writable: Callable[[str], bool], codes: set[str]
) -> dict[str, Any] | list[Conflict]:
    if not isinstance(item, dict):
        return [Conflict(index, "dataValue", _shown(item), "含 dataElement、period、orgUnit、value 的对象")]
    bad: list[Conflict] = []
    element, unit, when = item.get("dataElement"), item.get("orgUnit"), item.get("period")
    if not isinstance(element, str) or element not in codes:
        bad.append(
            Conflict(
                index,
                "dataElement",
                _shown(element),
                "指标目录中直报指标的代码（idScheme=CODE；可由统计数据计算的指标不接收）",
            )
        )
    if not isinstance(unit, str) or not writable(unit):
        bad.append(Conflict(index, "orgUnit", _shown(unit), "本账号可修改的区划代码或学校标识码"))
    year = year_of(when) if isinstance(when, str) else None
    if year is None or not 1990 <= year <= 2100:
        bad.append(Conflict(index, "period", _shown(when), "学年，DHIS2 九月财年格式，如 2024Sep"))
    value = _value(item.get("value"))
    if value is None:
        bad.append(Conflict(index, "value", _shown(item.get("value")), '有限的数值（如 "0.95"）'))
    if bad:
        return bad
    # DHIS2 sends no numerator or denominator: the stored ones (of an earlier report) would contradict the value.
    return {"unit": unit, "year": year, "indicator": element, "value": value, "numerator": None,
            "denominator": None, "source": SOURCE}  # fmt: skip


def _value(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        number = float(raw) if isinstance(raw, (int, float, str)) else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _shown(value: Any) -> str:
    text = "（空）" if value is None else str(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "unit": pl.String,
            "year": pl.Int64,
            "indicator": pl.String,
            "value": pl.Float64,
            "source": pl.String,
        }
    )
