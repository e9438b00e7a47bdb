"""`eduplan user token LOGIN`: make (print), list, rotate and revoke a user's API tokens. The new token goes
alone to standard output (`TOKEN=$(eduplan user token county990101)`); what it is for goes to standard error."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_token_parser(users: argparse._SubParsersAction[Any]) -> None:
    token = users.add_parser("token", help="生成（打印）、列出、轮换或吊销账号的接口令牌")
    token.add_argument("name", help="账号")
    token.add_argument("--label", default="默认", help="令牌用途，如“市大屏”（默认：默认）")
    token.add_argument("--days", type=int, default=365, help="有效天数（默认 365；0 为不过期）")
    what = token.add_mutually_exclusive_group()
    what.add_argument("--rotate", action="store_true", help="吊销同一用途的旧令牌，再生成新令牌")
    what.add_argument("--list", action="store_true", help="列出有效令牌（只显示前 12 位）")
    what.add_argument("--revoke", metavar="PREFIX", help="吊销以 PREFIX 开头的令牌；all 为全部")
    token.set_defaults(handler=run_user_token)


def run_user_token(args: argparse.Namespace) -> int:
    from eduplan.cli.access import _audit, _user, _with_database

    @_with_database
    def run(args: argparse.Namespace) -> int:
        from eduplan.web.api import tokens

        user = _user(args.name)
        if args.list:
            rows = tokens.listing(user)
            print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            return 0
        if args.revoke:
            count = tokens.revoke(user, "" if args.revoke == "all" else args.revoke)
            _audit("api.token_revoke", account=args.name, revoked=count)
            print(f"已吊销账号 {args.name} 的 {count} 个令牌")
            return 0
        if args.days < 0:
            from eduplan.errors import DataError

            raise DataError("有效天数不能为负", english="negative --days")
        token = tokens.create(user, args.label, args.days, rotate=args.rotate)
        _audit("api.token_create", account=args.name, label=args.label, prefix=token[: tokens.SHOWN],
               rotate=args.rotate)  # fmt: skip
        print(token)
        expiry = f"{args.days} 天后过期" if args.days else "不过期"
        print(
            f"账号 {args.name} 的接口令牌（用途：{args.label}，{expiry}）只显示这一次，请妥善保管",
            file=sys.stderr,
        )
        return 0

    return run(args)
