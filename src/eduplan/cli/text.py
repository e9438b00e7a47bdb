"""`eduplan extract FILE... [--format jsonl|table]`: the quantified statements of plan documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eduplan.text.projects import KIND_LABELS
from eduplan.text.readers import read_document
from eduplan.text.statements import Statement, extract

_COLUMNS = (("doc", "文件"), ("kind", "类型"), ("indicator", "指标"), ("code", "代码"), ("cmp", "比较"),
            ("value", "数值"), ("value_max", "上限"), ("unit", "单位"), ("year", "年份"), ("per", "周期"),
            ("scope", "范围"), ("quote", "原文"))  # fmt: skip
_KIND = {"commitment": "目标", "baseline": "现状"}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this area's subcommands to `sub`."""
    p = sub.add_parser("extract", help="从规划文件中抽取量化表述（目标与现状）")
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt（UTF-8 或 GB18030）、.html、.docx、.pdf")
    p.add_argument("--format", choices=("jsonl", "table"), default="jsonl", help="输出格式（默认 jsonl）")
    p.add_argument("--projects", action="store_true", help="改为输出建设项目（新建、改扩建学校及新增学位）")
    p.set_defaults(handler=_extract)


def _extract(args: argparse.Namespace) -> int:
    rows: list[Statement] = []
    projects: list[dict[str, object]] = []
    for name in args.files:
        result = extract(read_document(name), Path(name).name)
        if not result.statements:
            print(f"提示：{name} 中没有找到量化表述", file=sys.stderr)
        rows.extend(result.statements)
        projects.extend({"doc": result.doc, **p.row()} for p in result.projects)
    if args.projects:
        _print_projects(projects, args.format)
    elif args.format == "jsonl":
        for st in rows:
            print(json.dumps(st.gold(), ensure_ascii=False))
    else:
        _table(rows)
    return 0


def _print_projects(projects: list[dict[str, object]], fmt: str) -> None:
    if fmt == "jsonl":
        for p in projects:
            print(json.dumps(p, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for label in ("文件", "类型", "项目", "新增学位", "年份", "原文"):
        table.add_column(label, overflow="fold")
    for p in projects:
        table.add_row(
            str(p["doc"]), KIND_LABELS.get(str(p["kind"]), str(p["kind"])), str(p["name"]),
            _cell("places", p["places"]), _cell("year", p["year"]), _cell("quote", p["quote"]),
        )  # fmt: skip
    Console(width=200).print(table)


def _cell(key: str, value: object) -> str:
    if value is None:
        return ""
    if key == "kind":
        return _KIND.get(str(value), str(value))
    return str(value).replace("\n", " ")


def _table(rows: list[Statement]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for _, label in _COLUMNS:
        table.add_column(label, overflow="fold")
    for st in rows:
        row = st.gold()
        if row["placeholder"]:
            row["value"] = "待填"
        table.add_row(*(_cell(key, row[key]) for key, _ in _COLUMNS))
    Console(width=200).print(table)
