"""Reporting completeness: the rate per county, year and core table; the default year; the import warning."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from eduplan.errors import ConfigError
from eduplan.facts import TABLES, Facts
from eduplan.indicators.completeness import (
    choose_year,
    latest_complete_year,
    missing_schools,
    reporting,
    required_share,
    year_status,
)
from tests.conftest import make_tiny_facts


def _without(facts: Facts, school: str, year: int, table: str = "school_year") -> Facts:
    out = Facts(**facts.frames())
    frame = getattr(out, table)
    setattr(out, table, frame.filter(~((pl.col("school") == school) & (pl.col("year") == year))))
    return out


def test_tiny_county_is_complete_both_years(tiny_facts: Facts) -> None:
    # 3 schools, each with a school_year, stage_year and grade_year row in 2023 and 2024.
    status = year_status(tiny_facts, "990101")
    assert [(y, s.open, s.reported, s.complete) for y, s in status.items()] == [
        (2023, 3, 3, True),
        (2024, 3, 3, True),
    ]
    assert latest_complete_year(tiny_facts, "990101") == 2024


def test_one_school_missing_one_table_makes_the_year_incomplete(tiny_facts: Facts) -> None:
    # 2024 without school 3's 学校年度统计: 2 of 3 reported that table → 数据不完整（已报 2/3 所）.
    facts = _without(tiny_facts, "1399010003", 2024)
    status = year_status(facts, "990101")[2024]
    assert (status.open, status.reported, status.complete) == (3, 2, False)
    assert status.label == "数据不完整（已报 2/3 所）"
    assert status.detail == "学校年度统计 2/3 所、分学段统计 3/3 所、分年级统计 3/3 所"
    assert missing_schools(facts, "990101", 2024)["school_year"] == ["1399010003"]
    # The default year falls back to the latest complete one; 2024 may still be chosen, and is labelled.
    choice = choose_year(facts, "990101")
    assert (choice.year, choice.latest_complete) == (2023, 2023)
    assert choose_year(facts, "990101", 2024).label() == "2024-2025 学年 · 数据不完整（已报 2/3 所）"
    assert choice.choices() == [
        (2024, "2024-2025 学年 · 数据不完整（已报 2/3 所）"),
        (2023, "2023-2024 学年"),
    ]


def test_a_lower_required_share_accepts_two_of_three(tiny_facts: Facts) -> None:
    facts = _without(tiny_facts, "1399010003", 2024)
    assert year_status(facts, "990101", 0.6)[2024].complete is True
    assert latest_complete_year(facts, "990101", 0.6) == 2024


@pytest.mark.parametrize(
    ("raw", "share"), [("", 1.0), ("0.98", 0.98), ("98", 0.98), ("98%", 0.98), ("1", 1.0)]
)
def test_required_share_setting(raw: str, share: float) -> None:
    assert required_share(raw) == pytest.approx(share)


@pytest.mark.parametrize("raw", ["abc", "0.2", "120%", "-1"])
def test_a_bad_required_share_is_a_chinese_config_error(raw: str) -> None:
    with pytest.raises(ConfigError, match="EDUPLAN_COMPLETE_SHARE"):
        required_share(raw)


def test_a_closed_school_is_not_expected(tiny_facts: Facts) -> None:
    # School 3 closed in 2024 (closed_year 2024: open until 2023): without its 2024 rows 2024 is complete.
    facts = Facts(**tiny_facts.frames())
    facts.schools = facts.schools.with_columns(
        pl.when(pl.col("code") == "1399010003")
        .then(2024)
        .otherwise(pl.col("closed_year"))
        .alias("closed_year")
    )
    for table in ("school_year", "stage_year", "grade_year"):
        facts = _without(facts, "1399010003", 2024, table)
    assert year_status(facts, "990101")[2024].label == "数据完整"
    assert year_status(facts, "990101")[2024].open == 2


def test_a_city_is_complete_only_when_every_county_is(tiny_facts: Facts) -> None:
    facts = _without(tiny_facts, "1399010003", 2024)
    assert latest_complete_year(facts, "9901") == 2023
    assert latest_complete_year(facts, "99") == 2023
    assert choose_year(facts, "990101002").year == 2023  # a township means its county


def test_reporting_rates_per_table() -> None:
    frame = reporting(make_tiny_facts())
    assert frame.height == 6 and frame["rate"].to_list() == [1.0] * 6


@pytest.mark.db
def test_import_of_a_few_rows_of_next_year_warns_and_keeps_the_default_year(
    demo_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 4 rows of 2026 statistics for 3 of the demo county's schools: the import succeeds (exit 0) and warns that
    # 2026 is incomplete; every default stays on 2025, the latest complete year.
    from eduplan.cli import main
    from eduplan.io.workbook import write
    from eduplan.store import load_facts

    latest = demo_db.grade_year.filter(pl.col("year") == 2025).sort("school", "grade")
    rows = pl.concat([latest.filter(pl.col("school") == s).head(n) for s, n in
                      zip(latest["school"].unique().sort()[:3], (2, 1, 1), strict=True)])  # fmt: skip
    rows = rows.with_columns(pl.lit(2026).alias("year"))
    assert (rows.height, rows["school"].n_unique()) == (4, 3)
    [path] = write([TABLES["grade_year"]], {"grade_year": rows}, tmp_path / "next.csv")
    assert main(["import", str(path)]) == 0
    captured = capsys.readouterr()
    assert "报送完整性：示例县（990101）" in captured.out
    assert (
        "2026-2027 学年  数据不完整（已报 0/109 所）  学校年度统计 0/109 所、分学段统计 0/109 所、分年级统计 3/109 所"
        in captured.out
    )
    assert (
        "警告：示例县（990101） 2026 学年数据不完整（已报 0/109 所），各页面与评估仍默认使用 2025 学年"
        in captured.err
    )
    assert choose_year(load_facts("990101"), "990101").year == 2025


def test_import_lines_warn_when_a_table_is_emptied(tiny_facts: Facts) -> None:
    # Before: the tiny county complete in 2023 and 2024. After: 2024's 学校年度统计 gone for all three schools.
    from eduplan.indicators.completeness import import_lines

    after_facts = Facts(**tiny_facts.frames())
    after_facts.school_year = tiny_facts.school_year.filter(pl.col("year") != 2024)
    report, warnings = import_lines(reporting(tiny_facts), reporting(after_facts), {"990101": "示例县"})
    assert report == [
        "报送完整性：示例县（990101）",
        "  2023-2024 学年  数据完整  学校年度统计 3/3 所、分学段统计 3/3 所、分年级统计 3/3 所",
        "  2024-2025 学年  数据不完整（已报 0/3 所）  学校年度统计 0/3 所、分学段统计 3/3 所、分年级统计 3/3 所",
    ]
    assert warnings == [
        "警告：示例县（990101） 2024 学年数据不完整（已报 0/3 所），各页面与评估仍默认使用 2023 学年",
        "警告：示例县（990101） 2024 学年的学校年度统计已被清空（导入前 3 所学校有数据）",
    ]
    assert import_lines(reporting(tiny_facts), reporting(tiny_facts), {}) == ([], [])
