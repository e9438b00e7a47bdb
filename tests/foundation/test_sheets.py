"""Reading files: Excel row numbers survive title and blank rows; CSV in UTF-8 or GB18030; bad files are errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from eduplan.errors import DataError, NotFound
from eduplan.io.sheets import read_file
from eduplan.io.validate import Known, validate


def test_a_title_row_and_blank_rows_keep_excel_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"  # not a table name: found by its headers
    ws["A1"] = "2024年学校年度统计表"
    ws["A3"], ws["B3"], ws["C3"] = "学校标识码", "学年", "专任教师数"
    ws["A5"], ws["B5"], ws["C5"] = "9901010001", 2024, "三十"
    book.save(tmp_path / "t.xlsx")
    [sheet] = read_file(tmp_path / "t.xlsx")
    assert sheet.header_row == 3 and [n for n, _ in sheet.rows] == [5]
    [problem] = validate([sheet], Known(schools=frozenset({"9901010001"}))).problems
    assert (problem.row, problem.letter, problem.column, problem.value) == (5, "C", "专任教师数", "三十")


def test_csv_in_gb18030_and_utf8_read_alike(tmp_path: Path) -> None:
    text = "乡镇代码,年份,出生人数\n990101001,2023,300\n"
    (tmp_path / "a.csv").write_bytes(text.encode("gb18030"))
    (tmp_path / "b.csv").write_bytes(text.encode("utf-8-sig"))
    a, b = read_file(tmp_path / "a.csv")[0], read_file(tmp_path / "b.csv")[0]
    assert a.headers == b.headers == ["乡镇代码", "年份", "出生人数"] and a.rows == b.rows


def test_unreadable_files_are_chinese_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        read_file(tmp_path / "missing.xlsx")
    (tmp_path / "x.xls").write_bytes(b"old")
    with pytest.raises(DataError, match=r"另存为 \.xlsx"):
        read_file(tmp_path / "x.xls")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="无法读取"):
        read_file(tmp_path / "broken.xlsx")
