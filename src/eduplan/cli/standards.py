"""`eduplan evaluate balanced|basic|preschool|cv`: the national evaluations of a county, and the CV of a table."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eduplan.errors import ConfigError, NotFound
from eduplan.facts import STAGE_NAMES
from eduplan.standards.result import Evaluation

if TYPE_CHECKING:
    from eduplan.facts import Facts
    from eduplan.standards.gaps import Plan


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `evaluate` and its subcommands."""
    evaluate = sub.add_parser("evaluate", help="督导评估：优质均衡、基本均衡、普及普惠，差异系数")
    kinds = evaluate.add_subparsers(dest="evaluation", metavar="EVALUATION", required=True)
    for kind, text in (
        ("balanced", "县域义务教育优质均衡发展（教督〔2017〕6号）"),
        ("basic", "县域义务教育基本均衡发展（教督〔2012〕3号）"),
        ("preschool", "县域学前教育普及普惠（2020 年办法）"),
    ):
        p = kinds.add_parser(kind, help=text)
        p.add_argument("--unit", required=True, help="县级区划代码，如 990101")
        p.add_argument("--year", type=int, help="学年，如 2024（默认最近的数据完整学年）")
        p.add_argument("--format", choices=("table", "json"), default="table")
        p.add_argument("--include-small-points", action="store_true", help="差异系数样本包含不足50人的教学点")
        if kind == "balanced":
            p.add_argument("--todo", type=Path, help="把整改清单与指标缺口写入这个 Excel 文件（.xlsx）")
            p.add_argument(
                "--mode",
                choices=("cost", "count"),
                default="cost",
                help="整改方案：cost 费用最少（默认），count 改动项最少",
            )
        p.set_defaults(handler=_evaluate, kind=kind)
    cv = kinds.add_parser("cv", help="由学校指标表（CSV）直接计算差异系数")
    cv.add_argument("file", type=Path, help="列：school, stage, pupils, 以及每项指标一列（生均或每百生值）")
    cv.add_argument("--format", choices=("table", "json"), default="table")
    cv.set_defaults(handler=_cv)


def _evaluate(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    from eduplan.standards import evaluate
    from eduplan.store import load_facts
    from eduplan.web.standards.entries import entries

    facts = load_facts(args.unit)
    year = evaluation_year(facts, args.unit, args.year)
    result = evaluate(
        args.kind,
        facts,
        args.unit,
        year,
        entries(args.unit, year, args.kind),
        include_small_points=args.include_small_points,
    )
    todo = _write_todo(result, args.todo, args.mode) if getattr(args, "todo", None) else None
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(render_table(result))
        if args.kind == "balanced":
            print(_plan_line(result, args.mode, todo))
    return 0


def evaluation_year(facts: Facts, unit: str, asked: int | None) -> int:
    """`asked`, else the latest year whose statistics are complete (else the latest year with data)."""
    from eduplan.indicators.completeness import choose_year

    if asked is not None:
        return asked
    year = choose_year(facts, unit).year
    if year is None:
        raise NotFound(f"区划 {unit} 没有任何学年的统计数据", english=f"no data for {unit}")
    return year


def _plan_line(result: Evaluation, mode: str, todo: Plan | None = None) -> str:
    """The one-line summary of the to-do list (`todo` when already made by --todo, else made here)."""
    from eduplan.standards.gaps import plan, wan
    from eduplan.standards.loader import load

    if todo is None:
        todo = plan(result, load("balanced", result.unit), mode)
    schools = len({a.school for a in todo.actions})
    return (
        f"\n整改清单：{schools} 所学校 {len(todo.actions)} 项，估算 {wan(todo.total_cost)}。{todo.summary()}"
        "（--todo 文件.xlsx 导出明细）"
    )


def _write_todo(result: Evaluation, path: Path, mode: str) -> Plan:
    from eduplan.io.text import neutralise_xlsx
    from eduplan.standards.export import write_todo
    from eduplan.standards.gaps import plan, shortfalls, wan
    from eduplan.standards.loader import load

    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"整改清单文件应以 .xlsx 结尾：{path}", english=f"{path}: expected .xlsx")
    standard = load("balanced", result.unit)
    todo = plan(result, standard, mode)
    stream = io.BytesIO()
    write_todo(todo, shortfalls(result, standard), stream, f"{result.name} {result.unit} {result.year}")
    path.write_bytes(neutralise_xlsx(stream.getvalue()))  # no cell of the export may start a formula
    print(f"整改清单已写入 {path}（{len(todo.actions)} 项，估算 {wan(todo.total_cost)}）", file=sys.stderr)
    return todo


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def render_table(result: Evaluation) -> str:
    """A plain-text report: verdict and why, what is missing, CVs per stage, failing schools, items."""
    data = result.completeness.label if result.completeness else "无数据"
    lines = [
        f"{result.name}  {result.unit}  {result.year} 学年（{data}）",
        f"结论：{result.verdict_name}（{result.reason}）",
    ]
    lines += [f"  缺：{m}" for m in result.missing[:20]]
    if len(result.missing) > 20:
        lines.append(f"  …共 {len(result.missing)} 项（--format json 列出全部）")
    names = {i["code"]: i["name"] for i in result.indicators}
    for stage, s in result.stages.items():
        lines.append(
            f"\n【{STAGE_NAMES[stage]}】差异系数限值 {s.cv_limit:.2f}，样本 {s.sample_size} 所，{s.status_name}"
        )
        for code, v in s.cv.items():
            mark = "" if code not in s.cv_met else ("✓" if s.cv_met[code] else "✗")
            lines.append(f"  {names.get(code, code):<28} {_fmt(v)} {mark}")
        if s.combined_cv is not None:
            lines.append(f"  {'综合差异系数':<28} {_fmt(s.combined_cv)}")
        if s.schools:
            passed = sum(1 for x in s.schools if x.status == "pass")
            lines.append(f"  学校达标 {passed}/{len(s.schools)}")
        lines += [f"    ✗ {f.code} {f.name}：{f.note}" for f in s.failing_schools]
        lines += [f"    ? {f.code} {f.name}：{f.note}" for f in s.undecided_schools]
    if result.items:
        lines.append("\n【其他项目】")
        for i in result.items:
            value = (
                f" {i.text(i.value)}（标准 {i.text(i.threshold)}）"
                if i.value is not None and i.threshold
                else ""
            )
            lines.append(f"  [{i.status_name}] {i.name}{value} {i.detail}".rstrip())
    lines += [f"\n注：{n}" for n in result.notes]
    return "\n".join(lines)


def _cv(args: argparse.Namespace) -> int:
    from eduplan.standards.cv import cv_by_stage, cv_report, read_cv_csv

    frame = read_cv_csv(args.file)
    if args.format == "json":
        json.dump(cv_report(frame), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    result = cv_by_stage(frame)
    for stage, data in result.items():
        print(f"【{STAGE_NAMES.get(stage, stage)}】{data['schools']} 所学校")
        cvs: dict[str, float | None] = data["cv"]  # type: ignore[assignment]
        for code, v in cvs.items():
            print(f"  {code:<28} {_fmt(v)}")
        print(f"  {'综合（平均）':<28} {_fmt(data['combined'])}")  # type: ignore[arg-type]
    return 0
