"""The import hook for register files (issue 17), until `eduplan import` dispatches through io's registry.

HOOK: `cli/foundation.py` `run_import` calls `with_registers(args.files, _import_files)`. `split_registers`
recognises a file as a register when every sheet's header row is the labels of one register table
(`linkage.parse.recognise`): the 户籍 header 人员编号,姓名,性别,出生日期,身份证号,乡镇代码,村社区, the 学籍 header
学籍号,姓名,性别,出生日期,身份证号,学校标识码,年级,学籍状态, and those of 特殊情况, 困难家庭学生名单, 资助发放记录.
Moving it into the registry means: register `recognise` as a recogniser and `check`/`save` as its importer.

Same rules as every import: every problem found and printed in Chinese (file, row, column, value, what was
expected); nothing written when there is one; the other files of the same command are written in the same
transaction; re-importing changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from eduplan.facts import Table
from eduplan.io.sheets import RawSheet, read_file
from eduplan.linkage.parse import Parsed, parse_sheets, recognise
from eduplan.linkage.registers import REGISTERS

Generic = Callable[[list[Path]], int]


def _sheets(path: Path) -> list[tuple[RawSheet, Table]] | None:
    """The file's sheets with their register tables, or None when any sheet is not a register."""
    found = []
    for sheet in read_file(path):
        table = recognise(sheet)
        if table is None:
            return None
        found.append((sheet, table))
    return found or None


def split_registers(paths: Sequence[Path]) -> tuple[list[tuple[RawSheet, Table]], list[Path]]:
    registers: list[tuple[RawSheet, Table]] = []
    others: list[Path] = []
    for path in paths:
        sheets = _sheets(path) if path.exists() else None
        if sheets is None:
            others.append(path)
        else:
            registers.extend(sheets)
    return registers, others


def check(sheets: list[tuple[RawSheet, Table]]) -> Parsed:
    from eduplan.web.schools.models import OrgUnit

    townships = set(OrgUnit.objects.filter(level="township").values_list("code", flat=True))
    return parse_sheets(sheets, townships)


def with_registers(paths: Sequence[Path], generic: Generic) -> int:
    """Import the register files among `paths` and hand the others to `generic` (the facts importer)."""
    registers, others = split_registers(paths)
    if not registers:
        return generic(others)
    from django.db import transaction

    from eduplan.cli.foundation import migrate
    from eduplan.web.linkage.store import save_registers

    migrate()
    parsed = check(registers)
    if parsed.problems:
        for problem in parsed.problems:
            print(problem.chinese())
        print(f"共发现 {len(parsed.problems)} 处问题，未写入任何数据。请修改后重新导入。", file=sys.stderr)
        return 1
    with transaction.atomic():
        if others and (code := generic(others)) != 0:
            return code
        done = save_registers(parsed.frames)
    for name, c in done.items():
        print(f"{REGISTERS[name].label}：新增 {c.created} 行，更新 {c.updated} 行，未变 {c.unchanged} 行")
    return 0
