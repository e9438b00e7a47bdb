"""`eduplan extract FILE... [--format jsonl|table]`: the quantified statements of plan documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eduplan.text.projects import KIND_LABELS
from eduplan.text.readers import read_document
from eduplan.text.statements import Extraction, Statement, extract

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
    p.add_argument(
        "--explain", action="store_true", help="逐条说明决定类型与年份的依据（文件类型、时态用语、年份来源）"
    )
    p.set_defaults(handler=_extract)


def _extract(args: argparse.Namespace) -> int:
    rows: list[Statement] = []
    projects: list[dict[str, object]] = []
    for name in args.files:
        result = extract(read_document(name), Path(name).name)
        if not result.statements:
            print(f"提示：{name} 中没有找到量化表述", file=sys.stderr)
        if args.explain:
            _explain(result)
            continue
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


def _explain(result: Extraction) -> None:
    """The document's genre, date and horizon, then each statement with the cues that decided kind and year."""
    st = result.structure
    print(f"# {result.doc}：文件类型 {st.genre.label}（{'；'.join(st.genre.cues) or '默认'}），"
          f"日期 {st.date or '未识别'}，规划期 {st.period or '无'}，目标年 {st.horizon or '无'}")  # fmt: skip
    for i, s in enumerate(result.statements, 1):
        kind_why, year_why = s.why
        print(f"{i}. {_KIND[s.kind]} {s.indicator} {s.cmp} {_cell('value', s.value) or '待填'}{s.unit} "
              f"年份 {s.year or '无'} ← 类型依据：{kind_why or '未说明'}；年份依据：{year_why or '未说明'}")  # fmt: skip


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
