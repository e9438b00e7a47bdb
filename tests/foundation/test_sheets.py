"""Reading files: Excel row numbers survive title and blank rows; CSV in UTF-8 or GB18030; bad files are errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from eduplan.errors import DataError, NotFound
from eduplan.io.limits import limits
from eduplan.io.sheets import Grid, Source, opened, read_source
from eduplan.io.validate import Known, validate_grids


def read(path: Path) -> list[Grid]:
    with opened([path], limits()) as sources:
        return [g for s in sources for g in read_source(s, limits()).grids]


def test_a_title_row_and_blank_rows_keep_excel_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"  # not a table name: found by its headers
    ws["A1"] = "2024年学校年度统计表"
    ws["A3"], ws["B3"], ws["C3"] = "学校标识码", "学年", "专任教师数"
    ws["A5"], ws["B5"], ws["C5"] = "9901010001", 2024, "三十"
    book.save(tmp_path / "t.xlsx")
    [grid] = read(tmp_path / "t.xlsx")
    [problem] = validate_grids([grid], Known(schools=frozenset({"9901010001"}))).problems
    assert (problem.row, problem.letter, problem.column, problem.value) == (5, "C", "专任教师数", "三十")


def test_a_sheet_starting_right_of_column_a_keeps_its_letters(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws["C2"], ws["D2"], ws["E2"] = "学校标识码", "学年", "专任教师数"
    ws["C3"], ws["D3"], ws["E3"] = "9901010001", 2024, -3
    book.save(tmp_path / "t.xlsx")
    [problem] = validate_grids(read(tmp_path / "t.xlsx"), Known(schools=frozenset({"9901010001"}))).problems
    assert (problem.row, problem.letter, problem.value) == (3, "E", "-3")


def test_csv_in_gb18030_and_utf8_read_alike(tmp_path: Path) -> None:
    text = "乡镇代码,年份,出生人数\n990101001,2023,300\n"
    (tmp_path / "a.csv").write_bytes(text.encode("gb18030"))
    (tmp_path / "b.csv").write_bytes(text.encode("utf-8-sig"))
    [a], [b] = read(tmp_path / "a.csv"), read(tmp_path / "b.csv")
    assert (
        a.cells.rows() == b.cells.rows() == [("乡镇代码", "年份", "出生人数"), ("990101001", "2023", "300")]
    )


def test_unreadable_files_are_one_chinese_line_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="文件不存在"):
        read(tmp_path / "missing.xlsx")
    cases = {
        "x.xls": (b"old", r"x\.xls：只能导入 \.xlsx 或 \.csv 文件（\.xls 请先在 Excel 中另存为 \.xlsx）"),
        "broken.xlsx": (b"not a zip", r"broken\.xlsx：无法读取，文件已损坏或不是有效的 Excel 文件"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(DataError, match=message) as caught:
            read(tmp_path / name)
        assert "zip" not in caught.value.message.lower() and "\n" not in caught.value.message


def test_a_folder_is_read_file_by_file_and_an_empty_one_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "学校.csv"  # a folder, even one named like a file
    folder.mkdir()
    with pytest.raises(DataError, match=r"文件夹中没有 \.xlsx 或 \.csv 文件"):
        read(folder)
    (folder / "b.csv").write_text("乡镇代码,年份,出生人数\n990101001,2023,300\n", encoding="utf-8")
    (folder / "~$a.xlsx").write_bytes(b"lock file of an open workbook")
    with opened([folder], limits()) as sources:
        assert [s.name for s in sources] == ["学校.csv/b.csv"]


def test_sources_keep_the_names_users_know(tmp_path: Path) -> None:
    source = Source(tmp_path / "x.csv", "archive.zip/学校.csv")
    (tmp_path / "x.csv").write_text("a\n1\n", encoding="utf-8")
    [grid] = read_source(source, limits()).grids
    assert (grid.file, grid.sheet) == ("archive.zip/学校.csv", "学校")
