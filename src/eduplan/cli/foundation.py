"""Foundation commands: demo, serve, template, import, export, db migrate.

The database is the one DATABASE_URL names (default: a SQLite file in the user's data directory).
"""

from __future__ import annotations

import argparse
import logging
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

from eduplan.errors import ConfigError, DataError
from eduplan.io.kinds import KIND_LABELS, KINDS, tables_of

DEMO_USER = "demo"
DEMO_PASSWORD = "eduplan-demo"
log = logging.getLogger("eduplan.cli")
console = Console(stderr=True)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this area's subcommands to `sub`."""
    kinds = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
    demo = sub.add_parser("demo", help="建立示例县数据库、创建演示账号并启动网页")
    demo.add_argument("--no-serve", action="store_true", help="只建库，不启动网页服务")
    _host_port(demo)
    demo.set_defaults(handler=run_demo)

    serve = sub.add_parser("serve", help="启动网页服务（数据库由 DATABASE_URL 指定）")
    _host_port(serve)
    serve.set_defaults(handler=run_serve)

    template = sub.add_parser("template", help="生成带中文表头和填表说明的空白模板")
    template.add_argument("kind", metavar="KIND", help=f"数据类型：{kinds}")
    template.add_argument("out", metavar="OUT.xlsx", type=Path)
    template.set_defaults(handler=run_template)

    load = sub.add_parser("import", help="校验并导入 .xlsx / .csv 文件（一次导入为一个事务）")
    load.add_argument("files", metavar="FILE", nargs="+", type=Path)
    load.set_defaults(handler=run_import)

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

    migrate()
    from eduplan.web.linkage.demo import load_demo_registers
    from eduplan.web.plans.plan_io import load_demo_plan  # the demo county's plan (after Django is set up)

    with _progress() as progress:
        task = progress.add_task("生成示例县", total=None)
        facts = generate_county()
        progress.remove_task(task)
        summary = _save(progress, facts, "写入示例县")
    _demo_user()
    load_demo_plan(DEMO_COUNTY)
    load_demo_registers(facts, DEMO_COUNTY)
    print(
        f"示例县已载入 {_database_name()}：{summary.created} 行新增，{summary.updated} 行更新，{summary.unchanged} 行未变"
    )
    print(f"演示账号：用户名 {DEMO_USER}，密码 {DEMO_PASSWORD}")
    print(f"网址：http://{args.host}:{args.port}/")
    if args.no_serve:
        return 0
    return _serve(args)


def _save(progress: Progress, facts: Any, description: str) -> Any:
    from eduplan.web.schools.store import save_facts

    total = sum(frame.height for frame in facts.frames().values())
    task = progress.add_task(description, total=total)
    return save_facts(facts, progress=lambda _name, done, _all: progress.advance(task, done))


def _demo_user() -> None:
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username=DEMO_USER)
    user.is_staff = user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()


def run_serve(args: argparse.Namespace) -> int:
    migrate()
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    """Django's threaded WSGI server (the one runserver uses), without autoreload or debug pages."""
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    if args.host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("*" if args.host in ("0.0.0.0", "::") else args.host)
    print(
        f"网页服务：http://{args.host}:{args.port}/ （数据库 {_database_name()}；按 Ctrl+C 停止）", flush=True
    )
    try:
        run(args.host, args.port, get_wsgi_application(), threading=True, server_cls=WSGIServer)
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
    # Issue 17 hook, until io dispatches by recogniser: register files (户籍, 学籍 …) go to the linkage importer.
    from eduplan.web.linkage.importer import with_registers

    return with_registers(args.files, _import_files)


def _import_files(files: list[Path]) -> int:
    from eduplan.io.database import import_files
    from eduplan.web.schools.reporting import reporting_now

    migrate()
    before, _ = reporting_now()
    with _progress() as progress:
        task = progress.add_task("导入", total=None)
        result = import_files(files, step=lambda what: progress.update(task, description=what))
        progress.remove_task(task)
    if not result.ok:
        for problem in result.problems:
            log.info("import problem: %s", problem.log())
            print(problem.chinese())
        print(f"共发现 {len(result.problems)} 处问题，未写入任何数据。请修改后重新导入。", file=sys.stderr)
        return 1
    assert result.summary is not None
    for line in result.summary.lines():
        print(line)
    s = result.summary
    print(f"导入完成：新增 {s.created} 行，更新 {s.updated} 行，未变 {s.unchanged} 行")
    _report_completeness(before)
    return 0


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
    for path in written:
        print(f"已导出：{path}")
    return 0
