"""An indicator narrowed to a part of the region (农村: schools of 乡村 locale; 城区: of 城区 locale), where the data
can compute it: every term must be a school term. Population is counted by township, not by locale, so a rate
over population (毛入园率) cannot be narrowed, nor can a reported value; the reason says so."""

from __future__ import annotations

from dataclasses import replace

from eduplan.errors import DataError
from eduplan.indicators.catalogue import Indicator
from eduplan.indicators.engine import sides

SCOPES = {"rural": ("rural", "乡村"), "urban": ("urban", "城区")}


def scoped_code(code: str, scope: str) -> str:
    return f"{code}|{scope}"


def scoped(ind: Indicator, scope: str) -> Indicator:
    """`ind` restricted to the schools of the scope's locale; DataError with the reason when it cannot be."""
    if scope not in SCOPES:
        raise DataError(f"统计数据不分该范围计算：{scope}", english=f"no locale for scope {scope}")
    locale, name = SCOPES[scope]
    if ind.reported:
        raise DataError(
            f"{ind.name}为直报值，不分城乡，无法计算{name}的值", english=f"{ind.code} is reported"
        )
    terms = [t for side in sides(ind) for t in side]
    if any(t.column == "population" for t in terms):
        raise DataError(
            f"人口数据按乡镇统计、不分城乡，无法计算{name}的{ind.name}（分母为人口）",
            english=f"{ind.code} divides by population",
        )
    if any(t.filter("locale") and t.filter("locale") != (locale,) for t in terms):
        raise DataError(f"{ind.name}已限定其他城乡范围", english=f"{ind.code} has its own locale filter")
    where = "; ".join(filter(None, (ind.where, f"locale={locale}")))
    return replace(ind, code=scoped_code(ind.code, scope), where=where)
