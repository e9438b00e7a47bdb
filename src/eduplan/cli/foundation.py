"""Foundation commands: demo, serve, template, import, export, db migrate.

The database is the one DATABASE_URL names (default: a SQLite file in the user's data directory).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from eduplan.errors import ConfigError, DataError, EduplanError
from eduplan.io.kinds import KIND_LABELS, KINDS, tables_of

DEMO_USER = "county990101"  # the demo county's planner; every demo login has the password below
DEMO_PASSWORD = "eduplan-demo"
log = logging.getLogger("eduplan.cli")
console = Console(stderr=True)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this area's subcommands to `sub`."""
    kinds = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
    demo = sub.add_parser("demo", help="重建示例市演示数据库（多个县、规划、各角色账号）并启动网页")
    demo.add_argument("--no-serve", action="store_true", help="只建库，不启动网页服务")
    demo.add_argument(
        "--counties", type=int, default=5, metavar="N", help="县的个数，默认 5（基准测试可用更多）"
    )
    _host_port(demo)
    _server_options(demo)
    demo.set_defaults(handler=run_demo)

    serve = sub.add_parser("serve", help="启动网页服务 gunicorn（数据库由 DATABASE_URL 指定）")
    _host_port(serve)
    _server_options(serve)
    serve.set_defaults(handler=run_serve)

    template = sub.add_parser("template", help="生成带中文表头和填表说明的空白模板")
    template.add_argument("kind", metavar="KIND", help=f"数据类型：{kinds}")
    template.add_argument("out", metavar="OUT.xlsx", type=Path)
    template.set_defaults(handler=run_template)

    load = sub.add_parser(
        "import",
        help="校验并导入文件：模板、基层统计报表（.xlsx，或其文件夹、.zip）、名册 .csv（一次导入为一个事务）",
    )
    load.add_argument("files", metavar="FILE", nargs="+", type=Path, help="文件、文件夹或 .zip 压缩包")
    load.add_argument(
        "--include-hidden", action="store_true", help="也导入隐藏的工作表和隐藏行（默认跳过并提示）"
    )
    load.set_defaults(handler=run_import)

    history = sub.add_parser("imports", help="列出导入记录（时间、导入人、文件及其 SHA-256、各表行数）")
    history.add_argument("--limit", type=int, default=20, help="列出最近多少次，默认 20")
    history.set_defaults(handler=run_imports)

    undo = sub.add_parser("undo-import", help="撤销一次导入：删除它新增的行、恢复它更新前的值（一个事务）")
    undo.add_argument("batch", metavar="N", type=int, help="导入编号（见 eduplan imports）")
    undo.set_defaults(handler=run_undo)

    export = sub.add_parser("export", help="按模板格式导出数据（.xlsx 或 .csv）")
    export.add_argument("kind", metavar="KIND", help=f"数据类型：{kinds}")
    export.add_argument("out", metavar="OUT", type=Path)
    export.add_argument("--unit", help="只导出该区划（或学校）范围内的数据，默认全部")
    export.set_defaults(handler=run_export)

    db = sub.add_parser("db", help="数据库维护")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("migrate", help="建表或升级数据库结构").set_defaults(handler=run_migrate)


def _host_port(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="端口，默认 8000")


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=0, help="gunicorn 工作进程数，默认等于 CPU 核数")
    parser.add_argument("--dev", action="store_true", help="使用 Django 开发服务器（单进程，仅供开发）")


@contextmanager
def _progress() -> Iterator[Progress]:
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=not sys.stderr.isatty()) as progress:
        yield progress


def migrate() -> None:
    """Create or upgrade the database's tables (quick when there is nothing to do)."""
    from django.core.management import call_command

    from eduplan.web import setup

    setup()
    call_command("migrate", interactive=False, verbosity=0)


def run_migrate(args: argparse.Namespace) -> int:
    migrate()
    print(f"数据库已是最新结构：{_database_name()}")
    return 0


def _database_name() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"


def run_demo(args: argparse.Namespace) -> int:
    from eduplan.demo import DEMO_COUNTY, generate_county
    from eduplan.demo.city import CURATED, generate_city

    migrate()
    from eduplan.web.accounts import demo
    from eduplan.web.linkage.demo import load_demo_registers

    demo.check_resettable()  # before anything is written: a real database is never touched
    demo.wipe()
    with _progress() as progress:
        task = progress.add_task(f"生成示例市（{args.counties} 个县）", total=None)
        facts = generate_city(args.counties)
        progress.remove_task(task)
        summary = _save(progress, facts, "写入示例市")
    counties = facts.org_units.filter(facts.org_units["level"] == "county").select("code", "name").rows()
    _demo_plans(counties[: len(CURATED)])
    from eduplan.web.region.demo import load_demo_region

    load_demo_region(facts)
    from eduplan.web import access

    with access.bulk():  # thousands of register rows: one audit event for the demo, not one per row
        load_demo_registers(generate_county(), DEMO_COUNTY)  # the demo county's registers, as before
    logins = demo.demo_logins(counties)
    demo.create_logins(logins)
    demo.demo_approvals([c for c, _ in counties], int(facts.grade_year["year"].max()))  # type: ignore[arg-type]
    demo.mark()
    from eduplan.cli.results import rebuild_with_progress, regions_above

    codes = [c for c, _ in counties]
    rebuild_with_progress(codes + regions_above(codes), "计算并存储各县及全市结果")
    with access.acting_as("eduplan demo"):
        access.audit(None, "demo", "9901", counties=len(counties), rows=summary.created)
    print(f"示例市已载入 {_database_name()}：{len(counties)} 个县，{summary.created} 行数据")
    for code, name in counties[: len(CURATED)]:
        print(f"  {code} {name}：{next(c.description for c in CURATED if c.code == code)}")
    print(f"演示账号（密码均为 {DEMO_PASSWORD}，仅限演示）：")
    for login in logins[:12] + [x for x in logins[12:] if not x.username.startswith("county")]:
        print(f"  {login.username:<16} {login.description}")
    if len(logins) > 12:
        print(f"  …… 以及其余各县的 county<县代码>（共 {len(counties)} 个县）")
    print(f"网址：http://{args.host}:{args.port}/")
    if args.no_serve:
        return 0
    _serve_afresh(args)
    return 0


def _serve_afresh(args: argparse.Namespace) -> None:
    """`eduplan serve` in place of this process. The build ran Polars' thread pool here; a server worker forked
    from this process would have none of its threads and wait forever on its first computed page (the first
    request after `make demo` got no answer)."""
    sys.stdout.flush()
    sys.stderr.flush()
    serve = ["serve", "--host", args.host, "--port", str(args.port)]
    serve += ["--workers", str(args.workers)] if args.workers else []
    serve += ["--dev"] if args.dev else []
    os.execv(sys.executable, [sys.executable, "-m", "eduplan.cli", *serve])


def _demo_plans(counties: list[tuple[str, str]]) -> None:
    """Each curated county's plan: the demo county's as it is, the others fitted to their own data."""
    from eduplan.store import load_facts
    from eduplan.web import access
    from eduplan.web.plans import indicator_source
    from eduplan.web.plans.plan_io import _code_of, demo_plan_data, fitted_plan, load_demo_plan, save_plan

    data = demo_plan_data()
    known = indicator_source.catalogue()
    codes = sorted({c for t in data["targets"] if (c := _code_of(t, known))})
    base_year = int(data["plan"]["period"][0]) - 1

    def values(code: str) -> dict[str, float]:
        frame = indicator_source.compute(load_facts(code), codes)
        rows = frame.filter((frame["unit"] == code) & (frame["year"] == base_year)).select("code", "value")
        return {c: float(v) for c, v in rows.iter_rows() if v is not None}

    with access.bulk():
        load_demo_plan(counties[0][0], counties[0][1])
        reference = values(counties[0][0])
        for code, name in counties[1:]:
            save_plan(fitted_plan(data, name, values(code), reference), code, name)


def _save(progress: Progress, facts: Any, description: str) -> Any:
    from eduplan.store import save_facts

    total = sum(frame.height for frame in facts.frames().values())
    task = progress.add_task(description, total=total)
    return save_facts(facts, progress=lambda _name, done, _all: progress.advance(task, done))


def run_serve(args: argparse.Namespace) -> int:
    migrate()
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    from eduplan.web.server import serve

    print(
        f"网页服务：http://{args.host}:{args.port}/ （数据库 {_database_name()}；按 Ctrl+C 停止）", flush=True
    )
    try:
        serve(args.host, args.port, workers=args.workers, dev=args.dev)
    except OSError as exc:
        raise ConfigError(
            f"无法在 {args.host}:{args.port} 上启动网页服务（{exc.strerror}），请用 --port 换一个端口",
            english=f"cannot listen on {args.host}:{args.port}: {exc}",
        ) from exc
    return 0


def run_template(args: argparse.Namespace) -> int:
    from eduplan.io.workbook import write

    written = write(tables_of(args.kind), {}, args.out)
    for path in written:
        print(f"已生成模板：{path}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from eduplan.io.limits import limits
    from eduplan.io.recognise import Importer, recognise
    from eduplan.io.sheets import Source, header_of, opened

    migrate()
    from django.db import transaction

    bounds = limits()
    with opened(args.files, bounds) as sources:
        ours: list[Source] = []
        theirs: dict[Importer, list[Source]] = {}
        for source in sources:
            importer = recognise(source.path, _header(source, bounds, header_of))
            (ours if importer.run is None else theirs.setdefault(importer, [])).append(source)
        with transaction.atomic():  # one command, all or nothing: a failing importer takes back the others
            code = _import_ours(ours, args.include_hidden) if ours else 0
            for importer, group in theirs.items() if code == 0 else ():
                assert importer.run is not None
                print(f"{importer.name}：{len(group)} 个文件")
                code = max(code, importer.run([s.path for s in group]))
            if code != 0:
                transaction.set_rollback(True)
        if code != 0 and len(theirs) + bool(ours) > 1:
            print("有文件未能导入，本次命令的所有文件都未写入。", file=sys.stderr)
    if code == 0:
        _refresh_results()
    return code


def _header(source: Any, bounds: Any, header_of: Any) -> list[str]:
    """What recognisers look at; a file that cannot even be peeked at goes to our importer, which reports it."""
    try:
        return list(header_of(source, bounds))
    except EduplanError:
        return []


def _import_ours(sources: list[Any], include_hidden: bool) -> int:
    from eduplan.io.database import import_sources
    from eduplan.web import access
    from eduplan.web.schools.reporting import reporting_now

    before, _ = reporting_now()
    with _progress() as progress:
        task = progress.add_task("导入", total=None)
        try:
            result = import_sources(
                sources,
                _os_user(),
                "cli",
                include_hidden,
                lambda what: progress.update(task, description=what),
            )
        except DataError as exc:  # refused whole, e.g. approved (locked) data
            names = [s.path.name for s in sources]
            access.audit(None, "import_refused", "", files=names, reason=exc.message, user=_os_user())
            raise
        progress.remove_task(task)
    from eduplan.io.problems import grouped

    for line in grouped(result.prepared.notices):
        print(f"提示：{line}")
    files = [{"name": f.name, "sha256": f.sha256} for f in result.prepared.files]
    if not result.ok:
        access.audit(None, "import_refused", "", files=files, problems=result.prepared.total, user=_os_user())
        for problem in result.prepared.problems:
            log.info("import problem: %s", problem.log())
            print(problem.chinese())
        shown = len(result.prepared.problems)
        more = f"（以上列出前 {shown} 处）" if result.prepared.total > shown else ""
        print(
            f"共发现 {result.prepared.total} 处问题{more}，未写入任何数据。请修改后重新导入。",
            file=sys.stderr,
        )
        return 1
    assert result.summary is not None
    for county in result.counties or [""]:
        access.audit(None, "import", county, batch=result.batch, files=files, user=_os_user())
    for line in result.summary.lines():
        print(line)
    s = result.summary
    print(f"导入完成：新增 {s.created} 行，更新 {s.updated} 行，未变 {s.unchanged} 行（第 {result.batch} 次导入，"
          f"可用 eduplan undo-import {result.batch} 撤销）")  # fmt: skip
    _report_completeness(before)
    return 0


def _os_user() -> str:
    import getpass

    try:
        return f"命令行：{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "命令行"


def run_imports(args: argparse.Namespace) -> int:
    migrate()
    from django.utils import timezone

    from eduplan.facts import TABLES
    from eduplan.io.text import shown
    from eduplan.store.models import ImportBatch

    batches = list(ImportBatch.objects.all()[: max(args.limit, 1)])
    if not batches:
        print("还没有导入记录")
    for batch in batches:
        state = f"，已于 {timezone.localtime(batch.undone):%Y-%m-%d %H:%M} 撤销" if batch.undone else ""
        print(
            f"第 {batch.pk} 次：{timezone.localtime(batch.created):%Y-%m-%d %H:%M}，{shown(batch.user)}{state}"
        )
        for f in batch.files:
            print(f"  {shown(f['name'], 120)}（{f['kind']}，{f['size']:,} 字节，SHA-256 {f['sha256']}）")
        for table, c in batch.counts.items():
            label = TABLES[table].label if table in TABLES else table
            print(f"  {label}：新增 {c['created']} 行，更新 {c['updated']} 行，未变 {c['unchanged']} 行")
    return 0


def run_undo(args: argparse.Namespace) -> int:
    migrate()
    from eduplan.io.limits import limits
    from eduplan.store.history import undo
    from eduplan.web import access

    done = undo(args.batch, _os_user(), limits().lock_wait)
    for county in done.batch.counties or [""]:
        access.audit(None, "import_undo", county, batch=args.batch, user=_os_user())
    for line in done.lines():
        print(line)
    print(f"已撤销第 {args.batch} 次导入")
    _refresh_results()
    return 0


def _refresh_results() -> None:
    """After an import or an undo: recompute the stored results of the counties it changed."""
    from eduplan import results

    stale = results.stale_counties()
    if stale:
        from eduplan.cli.results import rebuild_with_progress

        rebuild_with_progress(stale, "更新受影响各县的计算结果")
        print(f"已更新 {len(stale)} 个县的计算结果：{'、'.join(stale)}")


def _report_completeness(before: Any) -> None:
    """Each changed county's reporting per year; a loud warning (exit code still 0) for every year the import
    left incomplete and every table it emptied."""
    from eduplan.indicators.completeness import import_lines
    from eduplan.web.schools.reporting import reporting_now

    after, names = reporting_now()
    report, warnings = import_lines(before, after, names)
    for line in report:
        print(line)
    for line in warnings:
        console.print(f"[bold red]{line}[/]", highlight=False, soft_wrap=True)


def run_export(args: argparse.Namespace) -> int:
    from eduplan.io.database import export_kind

    if args.kind not in KINDS:
        tables_of(args.kind)  # raises NotFound with the list of kinds unless it is a table name
    migrate()
    try:
        written = export_kind(args.kind, args.out, args.unit)
    except OSError as exc:
        raise DataError(
            f"无法写入 {args.out}（{exc.strerror}）", english=f"cannot write {args.out}: {exc}"
        ) from exc
    from eduplan.web import access

    access.audit(None, "export", args.unit or "", kind=args.kind, files=[str(p) for p in written])
    for path in written:
        print(f"已导出：{path}")
    personal = [t.name for t in tables_of(args.kind) if t.personal]
    if personal:  # individual records left the system: the trail says who, what and where to
        access.audit(
            None, "export_personal", args.unit or "", tables=personal, files=[str(p) for p in written]
        )
    return 0
