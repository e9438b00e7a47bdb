"""控辍保学 and 资助 commands: link the registers, write the suspected and unaided lists, list bad ids, purge.

Lists are masked (张*明, 4401**********1234) unless --personal is given; every export is audited.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from eduplan.errors import ConfigError, DataError, NotFound


def register(sub: argparse._SubParsersAction[Any]) -> None:
    from eduplan.io.recognise import register as recognise_files
    from eduplan.web.linkage.importer import IMPORTER

    recognise_files(IMPORTER)  # `eduplan import` hands register files to the linkage importer
    linkage = sub.add_parser("linkage", help="户籍、学籍、困难家庭名单比对：控辍保学与资助全覆盖")
    actions = linkage.add_subparsers(dest="linkage_command", metavar="ACTION", required=True)

    run = actions.add_parser("run", help="比对一个县某学年的户籍与学籍、困难家庭名单与学籍")
    _unit_year(run)
    run.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb", help="计算引擎，默认 duckdb")
    run.set_defaults(handler=run_run)

    for name, help_text, handler in (
        ("out-of-school", "疑似失学辍学名单（每名儿童一行，含人员编号与原因）", run_out_of_school),
        ("unaided", "困难家庭在读未资助名单", run_unaided),
        ("ids", "身份证号有问题的户籍与学籍记录（列出，不删除）", run_ids),
    ):
        p = actions.add_parser(name, help=help_text)
        _unit_year(p)
        p.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="输出格式，默认 csv")
        p.add_argument("--out", type=Path, help="输出文件；不给则 csv 写到标准输出")
        p.add_argument("--personal", action="store_true", help="显示完整姓名与身份证号（记入审计日志）")
        p.set_defaults(handler=handler)

    purge = actions.add_parser(
        "purge", help="删除超过保存期限的个人信息（EDUPLAN_LINKAGE_RETENTION_YEARS，默认 3 年）"
    )
    purge.add_argument("--years", type=int, help="保留最近几个学年，默认取保存期限设置")
    purge.add_argument("--today", help=argparse.SUPPRESS)
    purge.set_defaults(handler=run_purge)


def _unit_year(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", required=True, help="县级区划代码，如 990101")
    parser.add_argument("--year", type=int, required=True, help="学年起始年份，如 2025")


def _county(code: str) -> str:
    from eduplan.cli.foundation import migrate

    migrate()
    from eduplan.web.schools.models import OrgUnit

    if not OrgUnit.objects.filter(code=code, level="county").exists():
        raise NotFound(f"找不到县级区划 {code}（请先导入行政区划）", english=f"no county {code}")
    return code


def run_run(args: argparse.Namespace) -> int:
    county = _county(args.unit)
    from eduplan.web.linkage.service import run_for

    run = run_for(county, args.year, backend=args.backend, fresh=True)
    by = run.summary["by_outcome"]
    print(f"{args.unit} {args.year} 学年：适龄儿童 {run.summary['children']} 人，县内在读 {by['in_county']}，县外就读 {by['outside']}，"
          f"特殊情况 {by['documented']}，待人工核对 {by['review']}，疑似失学辍学 {by['suspected']}")  # fmt: skip
    c = run.counts
    print(f"比对：身份证号一致 {c['by_id']} 对，模型确认 {c['by_model']} 对，人工确认 {c['clerical']} 对，待核对 {c['review']} 对；"
          f"确认阈值 {run.accept:.3f}，核对下限 {run.review:.3f}")  # fmt: skip
    return 0


def _write(rows: list[dict[str, Any]], args: argparse.Namespace, kind: str) -> None:
    from eduplan.web.linkage.service import to_csv, to_xlsx

    if args.format == "xlsx" and args.out is None:
        raise ConfigError("xlsx 格式须用 --out 指定输出文件", english="xlsx needs --out")
    if args.out is None:
        sys.stdout.write(to_csv(rows, kind))
        return
    try:
        if args.format == "xlsx":
            args.out.write_bytes(to_xlsx(rows, kind))
        else:
            args.out.write_text(to_csv(rows, kind), encoding="utf-8-sig")
    except OSError as exc:
        raise DataError(f"无法写入 {args.out}（{exc.strerror}）", english=str(exc)) from exc
    print(f"已导出 {len(rows)} 行：{args.out}", file=sys.stderr)


def _export(args: argparse.Namespace, kind: str, rows_of: Any) -> int:
    from eduplan.web.access import audit
    from eduplan.web.linkage.service import run_for

    run = run_for(_county(args.unit), args.year)
    rows = rows_of(run, personal=args.personal)
    audit(None, f"linkage.export.{kind}", args.unit, year=args.year, rows=len(rows), personal=args.personal)
    _write(rows, args, kind)
    return 0


def run_out_of_school(args: argparse.Namespace) -> int:
    _county(args.unit)
    from eduplan.web.linkage.service import suspected_rows

    code = _export(args, "out-of-school", suspected_rows)
    from eduplan.web.linkage.store import latest_run

    run = latest_run(args.unit, args.year)
    waiting = run.summary["by_outcome"].get("review", 0) if run else 0
    if waiting:
        print(
            f"另有 {waiting} 名儿童的学籍候选记录待人工核对（网页“人工核对”），核对后才能确定是否在校。",
            file=sys.stderr,
        )
    return code


def run_unaided(args: argparse.Namespace) -> int:
    _county(args.unit)
    from eduplan.web.linkage.service import unaided_rows

    return _export(args, "unaided", unaided_rows)


def run_ids(args: argparse.Namespace) -> int:
    _county(args.unit)
    from eduplan.web.linkage.service import id_problem_rows

    return _export(args, "ids", lambda run, personal: id_problem_rows(run.county, personal))


def run_purge(args: argparse.Namespace) -> int:
    import datetime as dt

    from eduplan.cli.foundation import migrate

    migrate()
    from eduplan.web.access import audit
    from eduplan.web.linkage.service import purge
    from eduplan.web.linkage.store import retention_years

    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    years = args.years or retention_years()
    done = purge(years, today)
    audit(None, "linkage.purge", "", years=years, **done)
    print("已删除：" + "，".join(f"{k} {v} 行" for k, v in done.items()))
    return 0
