"""One cell to one value: types, ranges, choices, code shapes; empty is missing, never 0."""

from __future__ import annotations

import pytest

from eduplan.facts import TABLES
from eduplan.io.cells import Bad, parse_cell

GRADE = TABLES["grade_year"]
SCHOOLS = TABLES["schools"]


@pytest.mark.parametrize(
    ("raw", "value"),
    [(12, 12), (12.0, 12), ("12", 12), (" 1,234 ", 1234), ("", None), (None, None), ("  ", None)],
)
def test_counts_accept_whole_numbers_and_keep_empty_as_missing(raw: object, value: object) -> None:
    assert parse_cell("grade_year", GRADE.by_name["enrollment"], raw) == value


@pytest.mark.parametrize("raw", [12.5, "12人", "abc", True, -1, 10_001, float("nan"), "#DIV/0!"])
def test_counts_refuse_fractions_text_negatives_and_out_of_range(raw: object) -> None:
    bad = parse_cell("grade_year", GRADE.by_name["enrollment"], raw)
    assert isinstance(bad, Bad)
    assert bad.expected == "0 到 10,000 之间的整数"


def test_required_cell_may_not_be_empty() -> None:
    bad = parse_cell("grade_year", GRADE.by_name["year"], "")
    assert isinstance(bad, Bad) and bad.expected == "必填，不能为空"


@pytest.mark.parametrize(
    ("raw", "code"), [("小学", "primary"), ("primary", "primary"), ("九年一贯制", "nine_year")]
)
def test_choices_accept_the_code_or_its_chinese_label(raw: str, code: str) -> None:
    assert parse_cell("schools", SCHOOLS.by_name["school_type"], raw) == code


def test_an_unknown_choice_lists_the_chinese_options() -> None:
    bad = parse_cell("schools", SCHOOLS.by_name["ownership"], "国营")
    assert isinstance(bad, Bad) and bad.expected == "以下之一：公办、民办普惠、民办非普惠"


@pytest.mark.parametrize(("raw", "value"), [("是", True), ("否", False), (1, True), ("FALSE", False)])
def test_booleans(raw: object, value: bool) -> None:
    assert parse_cell("schools", SCHOOLS.by_name["boarding"], raw) is value


def test_codes_typed_as_numbers_come_back_as_digits_and_must_have_their_length() -> None:
    code = SCHOOLS.by_name["code"]
    assert parse_cell("schools", code, 9901010001.0) == "9901010001"
    assert parse_cell("schools", code, 9901010001) == "9901010001"
    bad = parse_cell("schools", code, "99010100")
    assert isinstance(bad, Bad) and bad.expected == "10 位数字代码"
    bad = parse_cell("schools", SCHOOLS.by_name["township"], "99010100X")
    assert isinstance(bad, Bad) and bad.expected == "9 位数字代码"
    assert parse_cell("org_units", TABLES["org_units"].by_name["code"], "990101") == "990101"


def test_floats_keep_their_fraction_within_range() -> None:
    column = SCHOOLS.by_name["longitude"]
    assert parse_cell("schools", column, "114.31") == pytest.approx(114.31)
    assert isinstance(parse_cell("schools", column, 200), Bad)
