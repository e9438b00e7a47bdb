"""`eduplan staffing norms|establishment|outlook|rotate|rules`: posts and 编制 by the norms, and 县管校聘 plans."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eduplan.errors import ConfigError, DataError
from eduplan.facts import LOCALES, STAGE_NAMES

if TYPE_CHECKING:
    import polars as pl

    from eduplan.facts import Facts
    from eduplan.staffing.plan import Plan


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `staffing` and its subcommands."""
    staffing = sub.add_parser("staffing", help="教师编制、学科缺编与县管校聘交流方案")
    commands = staffing.add_subparsers(dest="staffing", metavar="ACTION", required=True)
    norms = _scoped(commands.add_parser("norms", help="各校各学科应配、在岗与缺口（义务教育）"))
    norms.add_argument("--out", type=Path, help="把缺编报表写入这个 Excel 文件（.xlsx）")
    norms.set_defaults(handler=run_norms)
    _scoped(commands.add_parser("establishment", help="各校教职工编制：应核编制与教职工数")).set_defaults(
        handler=run_establishment
    )
    outlook = _scoped(commands.add_parser("outlook", help="未来几年各校各学科缺口（按在校生预测）"))
    outlook.add_argument("--horizon", type=int, default=5, help="预测年数，默认 5")
    outlook.set_defaults(handler=run_outlook)
    rotate = _scoped(commands.add_parser("rotate", help="县管校聘交流方案（混合整数规划，证明最优）"))
    rotate.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="名称=值",
        help="改一条规则，可重复；见 eduplan staffing rules",
    )
    rotate.add_argument(
        "--lock", action="append", default=[], metavar="教师编号=学校标识码", help="锁定一次调动，可重复"
    )
    rotate.add_argument(
        "--exclude", action="append", default=[], metavar="教师编号", help="不安排这名教师交流，可重复"
    )
    rotate.add_argument(
        "--baseline", action="store_true", help="同时给出逐个挑选的手工方法（贪心）的结果作对比"
    )
    rotate.add_argument("--out", type=Path, help="把交流名单写入这个 Excel 文件（.xlsx；个人信息，导出留痕）")
    rotate.set_defaults(handler=run_rotate)
    commands.add_parser("rules", help="列出交流轮岗规则及其默认值、说明与来源").set_defaults(
        handler=run_rules
    )


def _scoped(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--unit", required=True, help="县级区划代码，如 990101")
    p.add_argument("--year", required=True, type=int, help="学年，如 2024")
    p.add_argument("--format", choices=("table", "json"), default="table")
    return p


def _facts(unit: str) -> Facts:
    from eduplan.web import setup

    setup()
    from eduplan.store import load_facts

    return load_facts(unit)


def _audit(event: str, unit: str, **detail: Any) -> None:
    """One event in the audit trail for what left the system (after `_facts` has set Django up)."""
    from eduplan.web import access

    access.audit(None, event, unit, **detail)


def _xlsx(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"报表文件应以 .xlsx 结尾：{path}", english=f"{path}: expected .xlsx")
    return path


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    print()


def run_norms(args: argparse.Namespace) -> int:
    from eduplan.staffing.posts import county_totals, establishment_table, subject_table

    facts = _facts(args.unit)
    table = subject_table(facts, args.unit, args.year)
    if args.out:
        from eduplan.staffing.export import write_shortage

        with _xlsx(args.out).open("wb") as stream:
            write_shortage(table, county_totals(table), establishment_table(facts, args.unit, args.year), None,
                           stream, f"{args.unit} {args.year} 学年缺编报表")  # fmt: skip
        _audit("export", args.unit, what="shortage", year=args.year, out=str(args.out))
        print(f"缺编报表已写入 {args.out}", file=sys.stderr)
    if args.format == "json":
        _print_json(_rows(table))
    else:
        print(posts_text(table, county_totals(table)))
    return 0


def posts_text(table: pl.DataFrame, totals: pl.DataFrame) -> str:
    from eduplan.staffing.posts import SUBJECT_NAMES

    lines = ["全县（各校缺编、超编分别相加）："]
    for r in totals.iter_rows(named=True):
        lines.append(
            f"  {SUBJECT_NAMES.get(r['subject'], r['subject'])}：应配 {r['required']:.1f}，在岗 {r['in_post']}，"
            f"缺编 {r['shortage']:.1f}，超编 {r['surplus']:.1f}"
        )
    short = table.filter((table["gap"] >= 0.5) & (table["subject"] != "total")).sort("gap", descending=True)
    lines.append(f"缺口达半个岗位以上的学校学科 {short.height} 处，最大的 10 处：")
    for r in short.head(10).iter_rows(named=True):
        lines.append(
            f"  {r['name']} {STAGE_NAMES.get(r['stage'] or '', '全校')}{SUBJECT_NAMES.get(r['subject'], r['subject'])}："
            f"应配 {r['required']:.1f}，在岗 {r['in_post']}，缺 {r['gap']:.1f}"
        )
    return "\n".join(lines)


def run_establishment(args: argparse.Namespace) -> int:
    from eduplan.staffing.posts import establishment_table

    table = establishment_table(_facts(args.unit), args.unit, args.year)
    if args.format == "json":
        _print_json(_rows(table))
        return 0
    due, staff = float(table["due"].sum()), float(table["staff"].sum())
    print(
        f"全县应核教职工编制 {due:.1f}，教职工 {staff:.0f}，{'缺' if due > staff else '超'} {abs(due - staff):.1f}"
    )
    for r in table.sort("gap", descending=True, nulls_last=True).head(15).iter_rows(named=True):
        gap = "—" if r["gap"] is None else f"{r['gap']:+.1f}"
        print(
            f"  {r['name']}（{LOCALES.get(r['locale'], r['locale'])}）：应核 {r['due'] or 0:.1f}，现有 {r['staff']}，缺口 {gap}；{r['basis']}"
        )
    return 0


def run_outlook(args: argparse.Namespace) -> int:
    from eduplan.staffing.posts import county_totals, outlook

    if not 1 <= args.horizon <= 15:
        raise ConfigError("--horizon 须在 1 到 15 之间", english="horizon out of range")
    frame = outlook(_facts(args.unit), args.unit, args.year, args.horizon)
    if args.format == "json":
        _print_json(_rows(frame))
        return 0
    for year in sorted(set(frame["year"].to_list())):
        totals = county_totals(frame.filter(frame["year"] == year))
        total = totals.filter(totals["subject"] == "total").row(0, named=True)
        print(
            f"{year} 学年：应配 {total['required']:.1f}，在岗（除退休）{total['in_post']}，各校缺编合计 {total['shortage']:.1f}，超编合计 {total['surplus']:.1f}"
        )
    return 0


def _pairs(items: list[str], what: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        left, sep, right = item.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise DataError(f"{what}写法应为 左=右：{item}", english=f"bad {what} {item!r}")
        out.append((left.strip(), right.strip()))
    return out


def run_rotate(args: argparse.Namespace) -> int:
    from eduplan.staffing.plan import make_plan
    from eduplan.staffing.rules import Rules

    rules = Rules().with_overrides(dict(_pairs(args.set, "--set ")))
    facts = _facts(args.unit)
    plan = make_plan(
        facts, args.unit, args.year, rules, _pairs(args.lock, "--lock "), args.exclude, args.baseline
    )
    # The moves name teachers (anonymous ids, still personal): printed or written, the trail records it.
    _audit("export_personal", args.unit, what="rotation_plan", year=args.year, moves=len(plan.moves),
           out=str(args.out or ""))  # fmt: skip
    if args.out:
        from eduplan.staffing.export import write_moves

        with _xlsx(args.out).open("wb") as stream:
            write_moves(plan, stream, f"{args.unit} {args.year} 学年交流轮岗方案")
        print(f"交流名单已写入 {args.out}", file=sys.stderr)
    if args.format == "json":
        _print_json(plan.to_json())
    else:
        print(plan_text(plan))
    return 0 if plan.solution.status in ("optimal", "time_limit") else 1


def plan_text(plan: Plan) -> str:
    from eduplan.staffing.posts import SUBJECT_NAMES

    j = plan.to_json()
    lines = [
        f"{j['unit']} {j['year']} 学年交流方案（名册 {j['roster_year']} 学年）：{j['status_name']}",
        f"符合交流条件 {j['eligible']} 人，须交流不少于 {j['quota']} 人；方案交流 {j['moved']} 人，其中骨干 {j['backbone_moved']} 人",
    ]
    if j["objective"] is not None:
        lines.append(
            f"目标值 {j['objective']:.4f}，下界 {j['bound']:.4f}，差距 {j['gap']:.2g}（求解 {j['seconds']:.2f} 秒，"
            f"{j['model']['columns']} 个变量、{j['model']['rows']} 条约束）；加权缺口 {j['shortage_before']:.1f} → {j['shortage_after']:.1f}"
        )
    if j["baseline"]:
        b = j["baseline"]
        lines.append(
            f"对比：逐个挑选的手工方法目标值 {b['objective']:.4f}（交流 {b['moved']} 人，{b['seconds']:.2f} 秒）"
        )
    lines += [f"无法满足：{text}" for text in j["binding"]]
    for m in plan.moves:
        lines.append(
            f"  {m.teacher} {m.from_name} → {m.to_name}（{STAGE_NAMES[m.stage]}{SUBJECT_NAMES.get(m.subject, m.subject)}）：{m.reason}"
        )
    return "\n".join(lines)


def run_rules(args: argparse.Namespace) -> int:
    from eduplan.staffing.rules import settings

    for s in settings().values():
        print(f"{s.name} = {s.default!r}\n    {s.help}\n    来源：{s.source}")
    return 0
