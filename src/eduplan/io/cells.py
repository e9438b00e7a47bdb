"""Cells to typed values, a whole column at a time: each cell's value, or why it cannot be (in Chinese).

Cells arrive as text (CSV as is, Excel as calamine renders them: 87.0 as "87"); empty is missing (null),
never 0. Numbers accept thousands separators in groups of three and full-width digits (４０, common in
Chinese input); any other comma is an error (12,5 is not 125), and so are digits of other scripts. Coded
columns accept the code or its Chinese label; booleans accept 是/否. Text keeps a leading = (restoring the
apostrophe our exports put before it). `parse_cell` parses one value the same way, for tests and forms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from eduplan.facts import (
    LEVELS,
    LOCALES,
    MEMBERSHIP_KINDS,
    OWNERSHIPS,
    POLARS,
    SCHOOL_TYPES,
    STAGE_NAMES,
    Column,
)
from eduplan.io.text import restore

MAX_TEXT = 200  # the database's CharField length
TRUE = ("是", "true", "yes", "y", "1", "√", "有")
FALSE = ("否", "false", "no", "n", "0", "×", "无")
KIND_NAMES = {"int": "整数", "float": "数值", "str": "文本", "bool": "是或否"}
FULL_WIDTH = {chr(0xFF10 + d): str(d) for d in range(10)} | {
    "，": ",",
    "．": ".",
    "－": "-",
    "＋": "+",
    "　": " ",
}
NUMBER = r"^[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)?(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"
COMMA_TEXT = "逗号只能用作千位分隔符（每三位一个，如 1,234）；小数请用小数点，如 12.5"
SCRIPT_TEXT = "只能使用阿拉伯数字 0-9（全角数字也可）"
REQUIRED_TEXT = "必填，不能为空"

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


def code_digits(table: str, column: str) -> tuple[int, ...] | None:
    """Digits a code column holds: from the list above, else by its name (any new table's `school` is 10)."""
    return CODE_DIGITS.get((table, column), COLUMN_DIGITS.get(column))


@dataclass(frozen=True)
class Bad:
    """Why a cell was refused: what was expected, in Chinese and in English."""

    expected: str
    english: str


@dataclass
class Parsed:
    """A column parsed: typed values (null where empty or bad), which cells are bad and why."""

    values: pl.Series
    bad: pl.Series  # Boolean
    expected: pl.Series  # String, the reason where bad


def choice_label(column: str, code: str) -> str:
    return LABELS.get(column, {}).get(code, code)


def _plain(bound: float | None) -> str | None:
    if bound is None:
        return None
    return f"{int(bound):,}" if bound == int(bound) else str(bound)


def range_text(column: Column) -> str:
    low, high = _plain(column.min), _plain(column.max)
    if low is not None and high is not None:
        return f"{low} 到 {high} 之间的{KIND_NAMES[column.kind]}"
    if low is not None:
        return f"不小于 {low} 的{KIND_NAMES[column.kind]}"
    return KIND_NAMES[column.kind]


def parse_column(table: str, column: Column, raw: pl.Series) -> Parsed:
    """Every cell of `raw` (text, null when empty) parsed for `column` of `table`.

    Work is done in whole columns, and the slower steps (full-width digits, thousands separators, the
    reasons for a refusal) only when some cell needs them, so clean columns cost a cast and a comparison.
    """
    if raw.null_count() == len(raw):  # an empty column (common: most columns of a file are optional)
        empty = pl.repeat(None, len(raw), dtype=POLARS[column.kind], eager=True)
        why = pl.repeat(REQUIRED_TEXT if column.required else None, len(raw), dtype=pl.String, eager=True)
        return Parsed(empty.alias(column.name), why.is_not_null(), why.fill_null(""))
    text = raw.cast(pl.String).str.strip_chars()
    text = pl.select(pl.when(text == "").then(None).otherwise(text)).to_series().alias("t")
    parse = {"str": _text, "bool": _flag}.get(column.kind, _number)
    value, why = parse(table, column, text)
    if column.required and text.null_count():
        why = pl.select(pl.when(text.is_null()).then(pl.lit(REQUIRED_TEXT)).otherwise(why)).to_series()
    return Parsed(value.alias(column.name), why.is_not_null(), why.fill_null(""))


def _nothing(like: pl.Series) -> pl.Series:
    return pl.repeat(None, len(like), dtype=pl.String, eager=True)


def _ascii_digits(text: pl.Series, characters: dict[str, str]) -> pl.Series:
    """Full-width digits (and punctuation) as ASCII, only when some cell has any non-ASCII character."""
    if not (text.str.len_bytes() != text.str.len_chars()).any():  # all ASCII: nothing to do
        return text
    return text.str.replace_many(list(characters), list(characters.values()))


def _number(table: str, column: Column, t: pl.Series) -> tuple[pl.Series, pl.Series]:
    n = _ascii_digits(t, FULL_WIDTH)
    number = n.cast(pl.Float64, strict=False)
    failed = number.is_null() & n.is_not_null()
    if failed.any():  # thousands separators; anything else stays null and is refused below
        grouped = pl.select(
            pl.when(failed & n.str.contains(NUMBER)).then(n.str.replace_all(",", ""))
        ).to_series()
        number = number.fill_null(grouped.cast(pl.Float64, strict=False))
    ok = number.is_finite().fill_null(False)
    if column.min is not None:
        ok = ok & (number >= column.min).fill_null(False)
    if column.max is not None:
        ok = ok & (number <= column.max).fill_null(False)
    if column.kind == "int":
        ok = ok & (number == number.floor()).fill_null(False)
    typed = number.cast(pl.Int64, strict=False) if column.kind == "int" else number
    value = pl.select(pl.when(ok).then(typed)).to_series()
    wrong = ~ok & n.is_not_null()
    if not wrong.any():
        return value, _nothing(t)
    why = pl.select(
        pl.when(~wrong).then(None)
        .when(n.str.contains(r"[0-9],[0-9]") & ~n.str.contains(NUMBER)).then(pl.lit(COMMA_TEXT))
        .when(n.str.contains(r"[\p{Nd}&&[^0-9]]")).then(pl.lit(SCRIPT_TEXT))
        .otherwise(pl.lit(range_text(column)))
    ).to_series()  # fmt: skip
    return value, why


def _flag(table: str, column: Column, t: pl.Series) -> tuple[pl.Series, pl.Series]:
    lower = t.str.to_lowercase().str.replace(r"^([01])\.0+$", "$1")
    value = pl.select(pl.when(lower.is_in(TRUE)).then(True).when(lower.is_in(FALSE)).then(False)).to_series()
    why = pl.select(pl.when(t.is_not_null() & value.is_null()).then(pl.lit("“是”或“否”"))).to_series()
    return value, why.cast(pl.String)


def _text(table: str, column: Column, t: pl.Series) -> tuple[pl.Series, pl.Series]:
    digits = code_digits(table, column.name)
    if digits is not None:
        code = _ascii_digits(t, dict(list(FULL_WIDTH.items())[:10]))
        ok = code.str.contains(r"^[0-9]+$") & code.str.len_chars().is_in(list(digits))
        shape = "或".join(str(d) for d in digits)
        value = pl.select(pl.when(ok).then(code)).to_series()
        why = pl.select(pl.when(code.is_not_null() & ~ok).then(pl.lit(f"{shape} 位数字代码"))).to_series()
        return value, why.cast(pl.String)
    text = pl.select(restore(pl.lit(t))).to_series() if t.str.starts_with("'").any() else t
    if column.choices:
        return _choice(column, text)
    long = text.str.len_chars() > MAX_TEXT
    if not long.any():
        return text, _nothing(t)
    value = pl.select(pl.when(~long).then(text)).to_series()
    return value, pl.select(pl.when(long).then(pl.lit(f"不超过 {MAX_TEXT} 个字"))).to_series()


def _choice(column: Column, text: pl.Series) -> tuple[pl.Series, pl.Series]:
    mapping = {c: c for c in column.choices} | {c.upper(): c for c in column.choices}
    mapping |= {label: code for code, label in LABELS.get(column.name, {}).items()}
    mapping |= ALIASES.get(column.name, {})
    value = text.replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=pl.String)
    options = "、".join(choice_label(column.name, c) for c in column.choices)
    why = pl.select(
        pl.when(text.is_not_null() & value.is_null()).then(pl.lit(f"以下之一：{options}"))
    ).to_series()
    return value, why.cast(pl.String)


def as_text(raw: Any) -> str | None:
    """One value as the readers hand it over: Excel's 87.0 as "87", booleans as true/false."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer() and abs(raw) < 1e16:
            return str(int(raw))
        return repr(raw)
    return str(raw)


def parse_cell(table: str, column: Column, raw: Any) -> Any:
    """The typed value of one cell (None when empty), or a `Bad` saying what was expected."""
    parsed = parse_column(table, column, pl.Series([as_text(raw)], dtype=pl.String))
    if parsed.bad[0]:
        return Bad(parsed.expected[0], f"{column.name}: {raw!r}")
    return parsed.values[0]
