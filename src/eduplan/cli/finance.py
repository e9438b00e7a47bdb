"""`eduplan finance floors|county|cost|rules`: 生均公用经费 floors, the county tests, what the plan costs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eduplan.errors import ConfigError, NotFound
from eduplan.facts import LOCALES, SCHOOL_TYPES, Facts


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `finance` and its subcommands."""
    parser = sub.add_parser("finance", help="经费：生均公用经费核定、两个只增不减与教师工资、规划所需投入")
    inner = parser.add_subparsers(dest="finance_command", metavar="SUBCOMMAND", required=True)

    floors = inner.add_parser("floors", help="各校生均公用经费应拨数（核定规则）、实拨数、缺口与起始年份")
    _unit(floors)
    floors.add_argument("--year", type=int, help="学年（默认最近有拨付数据的学年）")
    floors.add_argument("--todo", type=Path, help="把未达标学校清单（整改清单）写入这个 Excel 文件（.xlsx）")
    _format(floors)
    floors.set_defaults(handler=run_floors)

    county = inner.add_parser("county", help="逐年两个只增不减、教师工资不低于公务员，及其结论与依据")
    _unit(county)
    _format(county)
    county.set_defaults(handler=run_county)

    cost = inner.add_parser(
        "cost", help="规划所需投入：整改清单、学位缺口、大班额，对比项目预算；五年公用经费需求"
    )
    cost.add_argument("--unit", required=True, help="县级区划代码，如 990101")
    _format(cost)
    cost.set_defaults(handler=run_cost)

    rules = inner.add_parser("rules", help="某县某年适用的生均公用经费标准及其来源（含省、市、县文件）")
    rules.add_argument("--unit", required=True, help="县级区划代码，如 990101")
    rules.add_argument("--year", type=int, required=True, help="学年")
    _format(rules)
    rules.set_defaults(handler=run_rules)


def _unit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", required=True, help="区划代码（县，或市、省：其下各县），数据库中须已导入")


def _format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json"), default="table")


def _facts(unit: str) -> Facts:
    from eduplan.web import setup

    setup()
    from eduplan.store import load_facts

    return load_facts(unit)


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def run_floors(args: argparse.Namespace) -> int:
    from eduplan.web.finance.services import floor_report

    report = floor_report(_facts(args.unit), args.year)
    if args.year is not None and args.year not in report.years:
        shown = "、".join(map(str, report.years)) or "无"
        raise NotFound(f"{args.unit} 没有 {args.year} 学年的经费数据（有：{shown}）", english="no such year")
    if args.todo:
        _write_todo(args.todo, args.unit, report)
    if args.format == "json":
        _json(report.rows)
        return 0
    t = report.totals
    print(
        f"{args.unit} {report.year} 学年生均公用经费：应拨 {_money(t['floor'])} 元，实拨 {_money(t['allocated'])} 元"
    )
    print(f"未达标 {t['under']} 所，缺口合计 {_money(t['gap'])} 元；未报拨付数（无法评估）{t['unknown']} 所")
    for r in report.todo + [r for r in report.rows if r["status"] == "unknown"]:  # largest gap first
        since = f"，自 {r['since']} 年" if r["since"] else ""
        print(f"  {r['school']} {r['name']}：{r['status_name']}，应拨 {_money(r['floor'])}，实拨 "
              f"{_money(r['allocated'])}，缺口 {_money(r['gap'])}{since}（{r['rule']}）")  # fmt: skip
    return 0


def _write_todo(path: Path, unit: str, report: Any) -> None:
    import io

    from eduplan.finance.export import write_floors
    from eduplan.io.text import neutralise_xlsx

    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"整改清单文件应以 .xlsx 结尾：{path}", english=f"{path}: expected .xlsx")
    stream = io.BytesIO()
    write_floors(report.rows, report.todo, stream, f"{unit} {report.year} 学年")
    path.write_bytes(neutralise_xlsx(stream.getvalue()))  # no cell of the export may start a formula
    print(f"未达标学校清单已写入 {path}（{len(report.todo)} 所）", file=sys.stderr)


def run_county(args: argparse.Namespace) -> int:
    from eduplan.finance.budget import VERDICT_NAMES, sources
    from eduplan.web.finance.services import county_report

    facts = _facts(args.unit)
    counties = sorted(facts.org_units.filter(facts.org_units["level"] == "county")["code"].to_list())
    counties = [c for c in counties if c.startswith(args.unit) or args.unit.startswith(c)]
    years = [y for c in counties for y in county_report(facts, c)]
    if args.format == "json":
        _json([y.to_json() for y in years])
        return 0
    s = sources()
    print(f"依据：{s['nondecreasing']['source']}；{s['pay_parity']['source']}")
    mark = {True: "✓", False: "✗", None: "？"}
    print("县      年度  教育支出（万元）  生均（元）  支出不减  生均不减  工资不低于公务员  结论")
    for y in years:
        nd = y.nondecreasing()
        pay = y.test("pay_parity").passed
        print(f"{y.county}  {y.year}  {_money(y.spending):>14}  {_money(y.per_student):>10}  "
              f"{mark[nd['spending']]:^6}  {mark[nd['per_student']]:^6}  {mark[pay]:^14}  {VERDICT_NAMES[y.verdict]}")  # fmt: skip
    return 0


def run_cost(args: argparse.Namespace) -> int:
    from eduplan.web.finance.services import need, plan_cost

    facts = _facts(args.unit)
    cost = plan_cost(facts, args.unit)
    if cost is None:
        raise NotFound(f"{args.unit} 没有在校生数据，无法测算", english="no enrollment")
    ahead = need(facts, args.unit)
    if args.format == "json":
        _json(cost_json(cost, ahead))
        return 0
    print(f"{args.unit} 规划所需投入（{cost.origin} 年起，元）：合计 {_money(cost.need)}，项目预算 {_money(cost.budgeted)}，"
          f"未列预算 {_money(cost.unbudgeted)}")  # fmt: skip
    for line in cost.lines:
        print(
            f"  {line.year} {line.group} {line.item}：{line.quantity:g} {line.unit} × {_money(line.unit_cost)} = {_money(line.cost)}"
        )
    for line in cost.residual:
        print(f"  {line.group} {line.item}：{line.quantity:g} {line.unit}（{line.note}）")
    print("公用经费需求（按学位预测与标准逐年提高）：")
    for r in ahead.iter_rows(named=True):
        print(f"  {r['year']}：在校生 {r['pupils']:,.0f}，应拨 {_money(r['need'])}")
    return 0


def cost_json(cost: Any, ahead: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "origin": cost.origin,
        "need": round(cost.need, 2),
        "budgeted": round(cost.budgeted, 2),
        "unbudgeted": round(cost.unbudgeted, 2),
        "by_year": cost.by_year(),
        "lines": [asdict(line) for line in cost.lines],
        "residual": [asdict(line) for line in cost.residual],
        "projects": [asdict(p) | {"difference": p.difference} for p in cost.projects],
        "unit_costs": {k: asdict(c) for k, c in cost.costs.items()},
        "notes": cost.notes,
        "need_ahead": ahead.to_dicts(),
    }


def run_rules(args: argparse.Namespace) -> int:
    from eduplan.finance.rules import describe, rules_for

    rules = rules_for(args.unit)
    rows = describe(rules, args.year)
    if args.format == "json":
        _json({"unit": args.unit, "year": args.year, "region": rules.region, "levels": [lv.name for lv in rules.levels],
               "amounts": rows, "small_school": {"min_pupils": dict(rules.small.min_pupils),
               "locales": list(rules.small.locales), "source": rules.small.source}})  # fmt: skip
        return 0
    print(f"{args.unit} {args.year} 学年适用标准（{'、'.join(lv.name for lv in rules.levels)}）：")
    for r in rows:
        amount = "未制定" if r["amount"] is None else f"{r['amount']:g} 元"
        print(f"  {r['name']}：{amount}（{r['setter'] or '—'}，{r['basis']}）{r['source']}")
    small = "、".join(f"{SCHOOL_TYPES[k][0]} {v} 人" for k, v in rules.small.min_pupils.items())
    where = "、".join(LOCALES[loc] for loc in rules.small.locales)
    print(f"  小规模学校（{where}）按人数下限核定：{small}（{rules.small.source}）")
    return 0
