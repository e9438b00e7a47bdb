"""Access commands: `user` (accounts and roles, password reset by an administrator), `audit` (export, purge),
`backup` and `restore`. Whoever runs them holds the server's database: each run is written to the audit trail
under `命令行:<os user>`."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from eduplan.cli.api import add_token_parser
from eduplan.cli.foundation import migrate
from eduplan.errors import ConfigError, DataError, NotFound


def register(sub: argparse._SubParsersAction[Any]) -> None:
    from eduplan.web.accounts.roles import ROLES

    roles = "、".join(f"{code}（{role.label}）" for code, role in ROLES.items())
    user = sub.add_parser("user", help="管理账号、角色和密码（无邮件服务器时由管理员重置密码）")
    users = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = users.add_parser("add", help="新建账号（打印随机初始密码，或从标准输入读取）")
    add.add_argument("name")
    add.add_argument("--role", help=f"角色：{roles}")
    add.add_argument("--unit", default="", help="角色所在单位：省、市、县区划代码或学校标识码")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    add.set_defaults(handler=run_user_add)
    listing = users.add_parser("list", help="列出账号及其角色")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=run_user_list)
    disable = users.add_parser("disable", help="停用账号（立即退出其所有会话）")
    disable.add_argument("name")
    disable.set_defaults(handler=run_user_disable)
    enable = users.add_parser("enable", help="重新启用账号")
    enable.add_argument("name")
    enable.set_defaults(handler=run_user_enable)
    role = users.add_parser("set-role", help="设置账号的角色（替换原有角色；--add 为追加；none 为清除）")
    role.add_argument("name")
    role.add_argument("role", help=f"{roles}，或 none")
    role.add_argument("unit", nargs="?", default="", help="单位代码（管理员角色不填）")
    role.add_argument("--add", action="store_true", help="追加而不替换")
    role.set_defaults(handler=run_user_set_role)
    passwd = users.add_parser("passwd", help="重置密码（打印随机新密码，或从标准输入读取），并解除登录锁定")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="从标准输入读取新密码")
    passwd.set_defaults(handler=run_user_passwd)
    unlock = users.add_parser("unlock", help="解除账号的登录锁定")
    unlock.add_argument("name")
    unlock.set_defaults(handler=run_user_unlock)
    add_token_parser(users)

    audit = sub.add_parser("audit", help="审计日志：导出（审计管理员）、清理超过保留期的记录")
    audits = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    export = audits.add_parser("export", help="导出审计日志为 CSV（须以审计管理员身份）")
    export.add_argument("out", type=Path, metavar="OUT.csv")
    export.add_argument("--as", dest="auditor", required=True, help="审计管理员的用户名")
    export.add_argument("--since", help="起始日期 2026-01-31")
    export.set_defaults(handler=run_audit_export)
    purge = audits.add_parser("purge", help="删除超过保留期（默认 183 天，不得更短）的审计记录")
    purge.add_argument("--older-than", type=int, default=0, metavar="DAYS", help="天数，不小于保留期")
    purge.set_defaults(handler=run_audit_purge)

    backup = sub.add_parser("backup", help="备份数据库到文件（SQLite 在线备份；PostgreSQL 用 pg_dump）")
    backup.add_argument("out", type=Path, metavar="FILE")
    backup.set_defaults(handler=run_backup)
    restore = sub.add_parser("restore", help="从备份文件恢复数据库（覆盖当前数据库），然后升级结构")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")
    restore.set_defaults(handler=run_restore)


Handler = Callable[[argparse.Namespace], int]


def _with_database(handler: Handler) -> Handler:
    """Set Django up and bring the database to this version's tables before the command runs."""

    @wraps(handler)
    def run(args: argparse.Namespace) -> int:
        migrate()
        from django.conf import settings
        from django.utils import translation

        with translation.override(
            settings.LANGUAGE_CODE
        ):  # Django's own messages (password rules) in Chinese
            return handler(args)

    return run


def _user(name: str) -> Any:
    from django.contrib.auth.models import User

    user = User.objects.filter(username=name).first()
    if user is None:
        raise NotFound(f"没有账号 {name}", english=f"no user {name}")
    return user


def _password(from_stdin: bool, user: Any) -> tuple[str, bool]:
    """(password, generated): read from standard input, or a random one to print once; validated."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    password = sys.stdin.readline().rstrip("\n") if from_stdin else secrets.token_urlsafe(12)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DataError("密码不符合要求：" + "；".join(exc.messages), english="weak password") from exc
    return password, not from_stdin


def _grant(user: Any, role: str, unit: str, add: bool = False) -> None:
    from eduplan.web.accounts.models import Grant
    from eduplan.web.accounts.roles import ROLES
    from eduplan.web.accounts.units import Places

    if role == "none":
        Grant.objects.filter(user=user).delete()
        return
    if role not in ROLES:
        raise DataError(f"没有角色 {role}；可用：{'、'.join(ROLES)}", english=f"unknown role {role}")
    level = ROLES[role].level
    if level is None and unit:
        raise DataError(
            f"{ROLES[role].label}不属于任何单位，不要填写单位代码", english="admin role with a unit"
        )
    if level is not None:
        place = Places().get(unit)
        if place is None or place.level != level:
            raise DataError(f"{ROLES[role].label}须授予在一个{_LEVELS[level]}上，{unit or '（空）'} 不是",
                            english=f"{role} needs a {level} unit, got {unit!r}")  # fmt: skip
    if not add:
        Grant.objects.filter(user=user).delete()
    Grant.objects.get_or_create(user=user, role=role, unit=unit)


_LEVELS = {"school": "学校", "county": "县（区）", "city": "市", "province": "省"}


def _audit(event: str, unit: str = "", **detail: Any) -> None:
    from eduplan.web import access

    access.audit(None, event, unit, **detail)


@_with_database
def run_user_add(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User
    from django.db import transaction

    if User.objects.filter(username=args.name).exists():
        raise DataError(f"账号 {args.name} 已存在", english=f"user {args.name} exists")
    with transaction.atomic():
        user = User(username=args.name)
        password, generated = _password(args.password_stdin, user)
        user.set_password(password)
        user.save()
        if args.role:
            _grant(user, args.role, args.unit)
        _audit("user_add", args.unit, account=args.name, role=args.role or "")
    print(
        f"已新建账号 {args.name}"
        + (f"，角色 {args.role} {args.unit}".rstrip() if args.role else "（尚无角色）")
    )
    if generated:
        print(f"初始密码（只显示这一次，请当面或线下转交）：{password}")
    return 0


@_with_database
def run_user_list(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User

    from eduplan.web.accounts.roles import ROLES

    rows: list[dict[str, Any]] = []
    for user in User.objects.order_by("username").prefetch_related("grants"):
        roles = [(g.role, g.unit) for g in user.grants.all()]
        rows.append({"username": user.username, "active": user.is_active,
                     "last_login": user.last_login.isoformat() if user.last_login else None,
                     "roles": [{"role": r, "label": ROLES[r].label, "unit": u} for r, u in roles]})  # fmt: skip
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        shown = "，".join(f"{x['label']} {x['unit']}".strip() for x in r["roles"]) or "（无角色）"
        print(f"{r['username']:<20} {'启用' if r['active'] else '停用'}  {shown}")
    return 0


@_with_database
def run_user_disable(args: argparse.Namespace) -> int:
    return _set_active(args.name, False)


@_with_database
def run_user_enable(args: argparse.Namespace) -> int:
    return _set_active(args.name, True)


def _set_active(name: str, active: bool) -> int:
    """Enable or disable an account; disabling ends its sessions at once."""
    from django.contrib.sessions.models import Session

    user = _user(name)
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = (
        []
        if active
        else [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    )
    for session in ended:
        session.delete()
    _audit("user_enable" if active else "user_disable", account=name, sessions_ended=len(ended))
    print(f"已启用账号 {name}" if active else f"已停用账号 {name}，结束 {len(ended)} 个会话")
    return 0


@_with_database
def run_user_set_role(args: argparse.Namespace) -> int:
    user = _user(args.name)
    _grant(user, args.role, args.unit, args.add)
    _audit("user_set_role", args.unit, account=args.name, role=args.role, add=args.add)
    print(f"账号 {args.name} 的角色已{'追加' if args.add else '设为'}：{args.role} {args.unit}".rstrip())
    return 0


def _unlock(name: str) -> int:
    from axes.utils import reset

    return int(reset(username=name) or 0)


@_with_database
def run_user_passwd(args: argparse.Namespace) -> int:
    user = _user(args.name)
    password, generated = _password(args.password_stdin, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _unlock(args.name)
    _audit("user_passwd", account=args.name)
    print(f"已重置账号 {args.name} 的密码，并解除登录锁定")
    if generated:
        print(f"新密码（只显示这一次）：{password}")
    return 0


@_with_database
def run_user_unlock(args: argparse.Namespace) -> int:
    _user(args.name)
    count = _unlock(args.name)
    _audit("user_unlock", account=args.name, attempts_cleared=count)
    print(f"已解除账号 {args.name} 的登录锁定（清除 {count} 条失败记录）")
    return 0


@_with_database
def run_audit_export(args: argparse.Namespace) -> int:
    from datetime import date

    from eduplan.web import access
    from eduplan.web.accounts.models import AuditEvent
    from eduplan.web.accounts.views import audit_rows

    auditor = _user(args.auditor)
    if not access.can(auditor, "", "audit"):
        raise DataError(f"{args.auditor} 不是审计管理员，不能导出审计日志", english="not an auditor")
    events = AuditEvent.objects.all()
    if args.since:
        try:
            events = events.filter(at__date__gte=date.fromisoformat(args.since))
        except ValueError as exc:
            raise DataError(f"日期应写作 2026-01-31：{args.since}", english="bad --since") from exc
    with access.acting_as(f"{args.auditor}（命令行）"):
        access.audit(None, "audit_export", "", rows=events.count(), out=str(args.out))
    args.out.write_text(audit_rows(events), encoding="utf-8")
    print(f"已导出 {events.count()} 条审计记录：{args.out}")
    return 0


@_with_database
def run_audit_purge(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from eduplan.web.accounts.models import AuditEvent

    keep = settings.EDUPLAN_AUDIT_RETENTION_DAYS
    if args.older_than and args.older_than < keep:
        raise ConfigError(f"审计记录至少保留 {keep} 天，--older-than 不能更短",
                          english=f"--older-than below the retention of {keep} days")  # fmt: skip
    cutoff = timezone.now() - timedelta(days=max(keep, args.older_than))
    # The ORM refuses deletes on the trail; the database allows them for rows past the legal minimum only.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE at < %s", [cutoff])
        deleted = cursor.rowcount
    _audit("audit_purge", before=cutoff.isoformat(), deleted=deleted)
    print(f"已删除 {cutoff:%Y-%m-%d} 之前的审计记录 {deleted} 条")
    return 0


@_with_database
def run_backup(args: argparse.Namespace) -> int:
    from eduplan.web.backup import backup

    size = backup(args.out)
    _audit("backup", out=str(args.out), bytes=size)
    print(f"已备份到 {args.out}（{size / 1048576:.1f} MB）")
    return 0


@_with_database
def run_restore(args: argparse.Namespace) -> int:
    from eduplan.web.backup import restore

    if not args.file.exists():
        raise NotFound(f"找不到备份文件：{args.file}", english=f"no such file {args.file}")
    if not args.yes:
        raise ConfigError("恢复会覆盖当前数据库；确认无误后加 --yes 重新运行", english="restore needs --yes")
    restore(args.file)
    migrate()  # an older backup is brought up to this version's tables
    _audit("restore", file=str(args.file))
    print(f"已从 {args.file} 恢复数据库，并升级到当前结构")
    return 0
