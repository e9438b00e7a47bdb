"""One cell of a sheet to one typed value of its column, or the reason it cannot be (in Chinese).

Cells come from openpyxl (int, float, str, bool, datetime, None) or from CSV (str). Empty is missing
(None), never 0. Coded columns accept the code or its Chinese label; booleans accept 是/否.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from eduplan.facts import LEVELS, LOCALES, MEMBERSHIP_KINDS, OWNERSHIPS, SCHOOL_TYPES, STAGE_NAMES, Column

MAX_TEXT = 200  # the database's CharField length
TRUE = {"是", "true", "yes", "y", "1", "√", "有"}
FALSE = {"否", "false", "no", "n", "0", "×", "无"}
KIND_NAMES = {"int": "整数", "float": "数值", "str": "文本", "bool": "是或否"}

# Chinese labels (and common short forms) of coded values, by column name.
LABELS: dict[str, dict[str, str]] = {
    "level": LEVELS,
    "school_type": {code: label for code, (label, _) in SCHOOL_TYPES.items()},
    "ownership": OWNERSHIPS,
    "locale": LOCALES,
    "stage": STAGE_NAMES,
    "kind": MEMBERSHIP_KINDS,
}
ALIASES: dict[str, dict[str, str]] = {
    "school_type": {
        "九年一贯制": "nine_year",
        "十二年一贯制": "twelve_year",
        "中职": "vocational",
        "特教学校": "special",
    },
    "level": {"省级": "province", "市级": "city", "县级": "county", "区": "county", "街道": "township"},
    "stage": {"幼儿园": "preschool", "学前教育": "preschool", "普通高中": "senior", "特殊教育": "special"},
}
# Digits a code column must have: 学校标识码 10, 乡镇 9, 县 6, 市 4, 省 2.
CODE_DIGITS: dict[tuple[str, str], tuple[int, ...]] = {
    ("org_units", "code"): (2, 4, 6, 9),
    ("org_units", "parent"): (2, 4, 6),
    ("schools", "code"): (10,),
    ("schools", "township"): (9,),
    ("population", "township"): (9,),
    ("births", "township"): (9,),
    ("reported", "unit"): (2, 4, 6, 9, 10),
    **{
        (t, "school"): (10,)
        for t in ("school_year", "stage_year", "grade_year", "health_year", "memberships")
    },
}
# The same for a column of that name in any other table (tables areas add later).
COLUMN_DIGITS: dict[str, tuple[int, ...]] = {"school": (10,), "township": (9,), "county": (6,)}


@dataclass(frozen=True)
class Bad:
    """Why a cell was refused: what was expected, in Chinese and in English."""

    expected: str
    english: str


def choice_label(column: str, code: str) -> str:
    return LABELS.get(column, {}).get(code, code)


def parse_cell(table: str, column: Column, raw: Any) -> Any:
    """The typed value of `raw` for `column` (None when empty), or a `Bad` saying what was expected."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return Bad("必填，不能为空", "required") if column.required else None
    if column.kind == "str":
        return _text(table, column, raw)
    if column.kind == "bool":
        return _flag(raw)
    number = _number(raw)
    if number is None:
        return Bad(_range_text(column), f"a number, got {raw!r}")
    if column.kind == "int":
        if number != int(number):
            return Bad(_range_text(column), f"an integer, got {raw!r}")
        number = int(number)
    if (column.min is not None and number < column.min) or (column.max is not None and number > column.max):
        return Bad(_range_text(column), f"within [{column.min}, {column.max}], got {raw!r}")
    return number


def _range_text(column: Column) -> str:
    low, high = _plain(column.min), _plain(column.max)
    if low is not None and high is not None:
        return f"{low} 到 {high} 之间的{KIND_NAMES[column.kind]}"
    if low is not None:
        return f"不小于 {low} 的{KIND_NAMES[column.kind]}"
    return KIND_NAMES[column.kind]


def _plain(bound: float | None) -> str | None:
    if bound is None:
        return None
    return f"{int(bound):,}" if bound == int(bound) else str(bound)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw) if isinstance(raw, float) else raw
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            return None
        value = float(text)
    else:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _flag(raw: Any) -> bool | Bad:
    if isinstance(raw, bool):
        return raw
    text = str(int(raw)) if isinstance(raw, int | float) and raw in (0, 1) else str(raw).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return Bad("“是”或“否”", f"yes/no, got {raw!r}")


def _text(table: str, column: Column, raw: Any) -> str | Bad:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return Bad("文本", f"text, got {type(raw).__name__}")
    # Excel turns a code typed into a number cell into 4402820001 or 4402820001.0: take its digits back.
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if len(text) > MAX_TEXT:
        return Bad(f"不超过 {MAX_TEXT} 个字", f"at most {MAX_TEXT} characters")
    digits = CODE_DIGITS.get((table, column.name), COLUMN_DIGITS.get(column.name))
    if digits is not None and not (text.isascii() and text.isdigit() and len(text) in digits):
        shape = "或".join(str(d) for d in digits)
        return Bad(f"{shape} 位数字代码", f"a code of {digits} digits, got {text!r}")
    if column.choices:
        return _choice(column, text)
    return text


def _choice(column: Column, text: str) -> str | Bad:
    if text in column.choices:
        return text
    by_label = {label: code for code, label in LABELS.get(column.name, {}).items()}
    by_label |= ALIASES.get(column.name, {})
    code = by_label.get(text) or (text.lower() if text.lower() in column.choices else None)
    if code in column.choices:
        return code
    options = "、".join(choice_label(column.name, c) for c in column.choices)
    return Bad(f"以下之一：{options}", f"one of {column.choices}, got {text!r}")
