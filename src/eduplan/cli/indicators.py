"""`eduplan indicators`, `eduplan explain`, `eduplan quality`: indicator values, their explanation, data findings."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import polars as pl

from eduplan.errors import DataError
from eduplan.facts import LEVELS, Facts


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this area's subcommands to `sub`."""
    p = sub.add_parser("indicators", help="计算并打印指标值（全部单位或指定单位）")
    p.add_argument("--unit", help="区划代码或学校标识码；缺省为全部单位")
    p.add_argument("--year", type=int, help="学年（起始年份）；缺省为全部年份")
    p.add_argument("--code", action="append", help="只算这些指标（可重复）；缺省为目录中全部指标")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="输出格式")
    p.set_defaults(handler=_indicators)

    p = sub.add_parser("explain", help="解释一个指标值：公式、分子、分母、每项输入及其来源行")
    p.add_argument("indicator", help="指标代码或名称（如 preschool_ger 或 学前三年毛入园率）")
    p.add_argument("--unit", required=True, help="区划代码或学校标识码")
    p.add_argument("--year", type=int, required=True, help="学年")
    p.set_defaults(handler=_explain)

    p = sub.add_parser("quality", help="数据质量检查：校验规则、逐年异常值、完整性")
    p.add_argument("--unit", help="只查该单位的数据")
    p.add_argument("--year", type=int, help="只列该学年的发现")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="输出格式")
    p.set_defaults(handler=_quality)


def _facts(unit: str | None) -> Facts:
    from django.db import DatabaseError

    from eduplan.web import setup

    setup()
    from eduplan.store import load_facts

    try:
        return load_facts(unit)  # every year: lagged terms (巩固率) need the years before the one asked for
    except DatabaseError as exc:
        raise DataError(
            "数据库尚未建立或版本过旧：请先运行 eduplan demo（示例县）或 eduplan db migrate 建库后导入数据",
            english=f"database not ready: {exc}",
        ) from exc


def _codes(codes: list[str] | None) -> list[str] | None:
    """Codes, names or aliases as catalogue codes (a phrase the catalogue does not know is kept as given)."""
    from eduplan.indicators.catalogue import load_catalogue

    return [load_catalogue().match(c) or c for c in codes] if codes else None


def values(facts: Facts, unit: str | None, year: int | None, codes: list[str] | None = None) -> pl.DataFrame:
    """Indicator rows for `unit` (all units when None) and `year`, in catalogue order, with the Chinese name."""
    from eduplan.indicators.engine import compute

    out = compute(facts, _codes(codes))
    if unit is not None:
        out = out.filter(pl.col("unit") == unit)
    if year is not None:
        out = out.filter(pl.col("year") == year)
    return _named(out)


def region_values(facts: Facts, unit: str, year: int | None, codes: list[str] | None = None) -> pl.DataFrame:
    """The rows of a city or province (a ratio of sums over its counties) and of each of its counties, with
    each county's completeness and rank, and the name of each unit."""
    from eduplan.region.compare import region_table

    out = region_table(facts, unit, year, _codes(codes))
    names = dict(zip(facts.org_units["code"], facts.org_units["name"], strict=True))
    return _named(out).with_columns(pl.col("unit").replace_strict(names, default=None).alias("unit_name"))


def _named(out: pl.DataFrame) -> pl.DataFrame:
    """`out` with each indicator's Chinese name and measure."""
    from eduplan.indicators.catalogue import load_catalogue

    catalogue = load_catalogue()
    meta = pl.DataFrame(
        {
            "code": list(catalogue.indicators),
            "name": [i.name for i in catalogue],
            "measure": [i.unit for i in catalogue],
        }
    )
    return out.with_columns(pl.col("code").cast(pl.String)).join(meta, on="code", how="left")


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _print(frame: pl.DataFrame, fmt: str, columns: list[str], labels: dict[str, str]) -> None:
    if fmt == "json":
        rows = [{k: _clean(v) for k, v in row.items()} for row in frame.select(columns).iter_rows(named=True)]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif fmt == "csv":
        from eduplan.io.text import neutralise_csv

        sys.stdout.write(neutralise_csv(frame.select(columns).rename(labels).write_csv()))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*(labels[c] for c in columns))
        for row in frame.select(columns).iter_rows():
            table.add_row(
                *("—" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v) for v in row)
            )
        Console(width=None if sys.stdout.isatty() else 200).print(table)


VALUE_COLUMNS = [
    "code",
    "name",
    "unit",
    "level",
    "year",
    "value",
    "measure",
    "numerator",
    "denominator",
    "reason",
]
VALUE_LABELS = {
    "code": "指标代码",
    "name": "指标",
    "unit": "单位代码",
    "level": "层级",
    "year": "学年",
    "value": "数值",
    "measure": "计量单位",
    "numerator": "分子",
    "denominator": "分母",
    "reason": "缺失原因",
}


REGION_COLUMNS = ["unit_name", "complete", "data", "counties", "complete_counties", "rank"]
REGION_LABELS = VALUE_LABELS | {
    "unit_name": "单位名称",
    "complete": "数据完整",
    "data": "完整性",
    "counties": "县数",
    "complete_counties": "数据完整县数",
    "rank": "县排名",
}


def _indicators(args: argparse.Namespace) -> int:
    from eduplan.region.compare import REGION_LEVELS, unit_level

    facts = _facts(args.unit)
    if args.unit is not None and unit_level(facts, args.unit) in REGION_LEVELS:
        frame = region_values(facts, args.unit, args.year, args.code)
        columns, labels = VALUE_COLUMNS + REGION_COLUMNS, REGION_LABELS
    else:
        frame, columns, labels = values(facts, args.unit, args.year, args.code), VALUE_COLUMNS, VALUE_LABELS
    if args.format == "table":
        frame = frame.with_columns(pl.col("level").replace(LEVELS))
        hidden = ("code", "numerator", "denominator", "complete", "counties", "complete_counties")
        columns = [c for c in columns if c not in hidden]
    _print(frame, args.format, columns, labels)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from eduplan.indicators.catalogue import load_catalogue
    from eduplan.indicators.explain import explain

    code = load_catalogue().match(args.indicator) or args.indicator
    print(explain(_facts(args.unit), code, args.unit, args.year).text())
    return 0


QUALITY_COLUMNS = ["severity", "kind", "rule", "unit", "year", "field", "value", "message"]
QUALITY_LABELS = {
    "severity": "严重程度",
    "kind": "类别",
    "rule": "规则",
    "unit": "单位代码",
    "year": "学年",
    "field": "字段",
    "value": "值",
    "message": "说明",
}


KIND_NAMES = {"rule": "校验规则", "outlier": "逐年异常", "completeness": "完整性"}


def _quality(args: argparse.Namespace) -> int:
    from eduplan.indicators.quality import SEVERITIES, check

    findings = check(_facts(args.unit))
    if args.year is not None:
        findings = findings.filter(pl.col("year") == args.year)
    if args.format == "table":
        findings = findings.with_columns(
            pl.col("severity").replace(SEVERITIES), pl.col("kind").replace(KIND_NAMES)
        )
    _print(findings, args.format, QUALITY_COLUMNS, QUALITY_LABELS)
    return 0
