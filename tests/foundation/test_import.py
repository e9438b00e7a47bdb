"""Import and export against the database: one transaction, idempotent, exact updates, round trips."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from polars.testing import assert_frame_equal

from eduplan.cli import main
from eduplan.facts import TABLES, Facts
from eduplan.io.database import export_kind, import_files
from eduplan.io.workbook import write
from eduplan.store import load_facts
from eduplan.web.schools.models import GradeYear, School

pytestmark = pytest.mark.db


def snapshot() -> dict[str, pl.DataFrame]:
    return {name: frame.sort(list(TABLES[name].key)) for name, frame in load_facts().frames().items()}


def assert_same(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> None:
    for name in TABLES:
        assert_frame_equal(a[name], b[name])


def test_export_then_import_changes_nothing(tiny_db: Facts, tmp_path: Path) -> None:
    before = snapshot()
    [out] = export_kind("all", tmp_path / "all.xlsx")
    result = import_files([out])
    assert result.ok and result.summary is not None
    # Every row of the tiny county comes back unchanged: 5+3+6+6+30+1+1+19+3+1 = 75.
    assert (result.summary.created, result.summary.updated, result.summary.unchanged) == (0, 0, 75)
    assert_same(before, snapshot())


def test_export_into_an_empty_database_rebuilds_it(tiny_db: Facts, tmp_path: Path) -> None:
    before = snapshot()
    [out] = export_kind("all", tmp_path / "all.xlsx")
    for model in (GradeYear,):
        model.objects.all().delete()
    result = import_files([out])
    assert result.summary is not None and result.summary.tables["grade_year"].created == 30
    assert_same(before, snapshot())


def test_csv_round_trip_of_several_tables(tiny_db: Facts, tmp_path: Path) -> None:
    before = snapshot()
    paths = export_kind("stats", tmp_path / "stats.csv")
    assert [p.name for p in paths] == [
        f"stats-{t}.csv" for t in ("school_year", "stage_year", "grade_year", "health_year")
    ]
    result = import_files(paths)
    assert result.ok and result.summary is not None and result.summary.updated == 0
    assert_same(before, snapshot())


def test_schools_csv_starts_with_code_and_name(tiny_db: Facts, tmp_path: Path) -> None:
    [out] = export_kind("schools", tmp_path / "schools.csv")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("学校标识码,学校名称,")
    assert lines[1].startswith("1399010001,示例县第一小学,990101001,小学,公办,城区,111,否,")
    assert len(lines) == 1 + 3


def test_a_corrected_file_updates_exactly_the_rows_it_changes(tiny_db: Facts, tmp_path: Path) -> None:
    [out] = export_kind("stats", tmp_path / "stats.xlsx")
    book = load_workbook(out)
    ws = book["学校分年级统计"]
    headers = [c.value for c in ws[1]]
    column = headers.index("在校生数") + 1
    ws.cell(row=2, column=column, value=ws.cell(row=2, column=column).value + 1)
    ws.cell(row=3, column=column).value = None  # now missing: stored as NULL, not 0
    book.save(out)
    result = import_files([out])
    assert result.summary is not None
    counts = result.summary.tables["grade_year"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 2, 28)
    assert result.summary.tables["school_year"].updated == 0
    assert GradeYear.objects.filter(enrollment__isnull=True).count() == 1


def test_three_planted_errors_are_reported_exactly_and_nothing_is_written(
    tiny_db: Facts, tmp_path: Path
) -> None:
    [out] = export_kind("all", tmp_path / "all.xlsx")
    book = load_workbook(out)
    # 1. a school type that does not exist (学校名录 row 3, column D 办学类型)
    book["学校名录"]["D3"] = "大学"
    # 2. text in a count (学校分年级统计 row 7, column E 在校生数)
    book["学校分年级统计"]["E7"] = "五十"
    # 3. more teachers than staff (学校年度统计 row 4: C 专任教师数 = 500 > its staff)
    book["学校年度统计"]["C4"] = 500
    # A valid change elsewhere that must not be written either.
    book["学校名录"]["B2"] = "改了名的学校"
    book.save(out)
    before = snapshot()
    result = import_files([out])
    found = {(p.sheet, p.row, p.letter, p.column) for p in result.problems}
    assert len(result.problems) == 3
    assert found == {
        ("学校名录", 3, "D", "办学类型"),
        ("学校年度统计", 4, "C", "专任教师数"),
        ("学校分年级统计", 7, "E", "在校生数"),
    }
    assert all(p.file == "all.xlsx" for p in result.problems)
    assert result.summary is None
    assert_same(before, snapshot())
    assert School.objects.get(code="1399010001").name == "示例县第一小学"


def test_gb18030_csv_is_read(db: None, tiny_facts: Facts, tmp_path: Path) -> None:
    [utf8] = write([TABLES["org_units"]], {"org_units": tiny_facts.org_units}, tmp_path / "units.csv")
    gbk = tmp_path / "行政区划.csv"
    gbk.write_bytes(utf8.read_text(encoding="utf-8-sig").encode("gb18030"))
    result = import_files([gbk])
    assert result.ok and result.summary is not None and result.summary.created == 5


def test_template_imports_as_nothing(db: None, tmp_path: Path) -> None:
    [out] = write(
        [TABLES[n] for n in ("school_year", "stage_year", "grade_year", "health_year")],
        {},
        tmp_path / "t.xlsx",
    )
    book = load_workbook(out)
    assert book.sheetnames == [
        "说明",
        "学校年度统计",
        "学校分学段统计",
        "学校分年级统计",
        "学生体质健康与视力",
    ]
    guide = [row for row in book["说明"].iter_rows(values_only=True) if row and row[0] == "学校分年级统计"]
    assert [r[1] for r in guide] == [c.label for c in TABLES["grade_year"].columns]
    assert guide[4][3:7] == (
        "整数",
        None,
        "0 ~ 10000",
        None,
    )  # 在校生数: type, not required, range, no choices
    result = import_files([out])  # a blank template is not a silent success: nothing was found
    assert not result.ok and result.summary is None
    assert [p.expected for p in result.problems] == ["至少一行数据：所有文件中都没有找到可导入的数据"]


def test_cli_import_exits_non_zero_and_prints_each_problem(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "学校名录.csv"
    bad.write_text(
        "学校标识码,学校名称,所属乡镇代码,办学类型,办别,城乡分类\n123,某校,990101001,小学,公办,城区\n",
        encoding="utf-8",
    )
    assert main(["import", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.strip() == "学校名录.csv「学校名录」第 2 行 A 列（学校标识码）：值为“123”，要求：10 位数字代码"
    assert main(["export", "schools", str(tmp_path / "s.csv")]) == 0
    assert main(["import", str(tmp_path / "s.csv")]) == 0
    assert "导入完成：新增 0 行，更新 0 行，未变 3 行" in capsys.readouterr().out
