"""Register files (issue 17) in `eduplan import`: the linkage importer of io's registry.

Registered with `eduplan import`'s recognisers (`io.recognise.register(IMPORTER)`, from cli/linkage.py): a
file is a register when every sheet's header row is the labels of one register table
(`linkage.parse.recognise`): the 户籍 header 人员编号,姓名,性别,出生日期,身份证号,乡镇代码,村社区, the 学籍 header
学籍号,姓名,性别,出生日期,身份证号,学校标识码,年级,学籍状态, and those of 特殊情况, 困难家庭学生名单, 资助发放记录.

Same rules as every import: every problem found and printed in Chinese (file, row, column, value, what was
expected); nothing written when there is one; re-importing changes nothing. The other files of the same
command are imported first, in their own transaction.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from eduplan.errors import EduplanError
from eduplan.facts import TABLES, Table
from eduplan.io.forms import is_official
from eduplan.io.recognise import Importer
from eduplan.io.template import RawSheet, normalise_header, read_file
from eduplan.linkage.parse import Parsed, parse_sheets, recognise
from eduplan.linkage.registers import REGISTERS

TEMPLATE_SHEETS = {normalise_header(t.label) for t in TABLES.values()} | {"说明"}


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


def matches(path: Path, header: list[str]) -> bool:
    """A register file: a CSV whose first row is a register table's header, or a workbook (not an official
    one) whose every sheet is a register."""
    if path.suffix.lower() == ".csv":
        return recognise(RawSheet(path.name, path.stem, 1, list(header))) is not None
    if is_official(header) or any(normalise_header(name) in TEMPLATE_SHEETS for name in header):
        return False  # an official workbook, or one of our templates
    try:
        return _sheets(path) is not None
    except EduplanError:
        return False  # the facts importer reads it again and reports what is wrong


def import_registers(paths: list[Path]) -> int:
    """Check every register file; save them all in one transaction only when nothing is wrong."""
    from django.db import transaction

    from eduplan.web.linkage.store import save_registers

    registers, _ = split_registers(paths)
    parsed = check(registers)
    if parsed.problems:
        for problem in parsed.problems:
            print(problem.chinese())
        print(f"共发现 {len(parsed.problems)} 处问题，未写入任何数据。请修改后重新导入。", file=sys.stderr)
        return 1
    with transaction.atomic():
        done = save_registers(parsed.frames)
    for name, c in done.items():
        print(f"{REGISTERS[name].label}：新增 {c.created} 行，更新 {c.updated} 行，未变 {c.unchanged} 行")
    return 0


IMPORTER = Importer("户籍、学籍与资助名册", matches, import_registers)
