"""The `eduplan` command line: each command parses, calls the library, renders.

Every area registers its own subcommands in its own module (cli/<area>.py) so that areas grow apart.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from eduplan.errors import EduplanError

AREAS = (
    "foundation", "access", "indicators", "text", "monitoring", "standards", "forecast", "finance", "reports",
    "linkage", "region",
)  # fmt: skip

Handler = Callable[[argparse.Namespace], int | None]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eduplan", description="eduplan：教育事业发展规划监测系统")
    parser.add_argument("-v", "--verbose", action="store_true", help="打印调试日志（英文）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for area in AREAS:
        importlib.import_module(f"eduplan.cli.{area}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    handler: Handler = args.handler
    try:
        return handler(args) or 0
    except EduplanError as exc:
        logging.getLogger("eduplan").info("error: %s", exc.english)
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader stopped reading (eduplan extract … | head): stop quietly, as a piped Unix tool does; further
        # output (and the flush at exit) goes nowhere instead of raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:  # a bug: one Chinese line for the user, the traceback in the log (-v shows it)
        logging.getLogger("eduplan").exception("unexpected error")
        print("错误：程序内部出错，未完成操作（加 -v 可看到详细信息，请报告给系统管理员）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
