"""The finance tables through the ordinary template, import and export: checked cell by cell, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from eduplan.cli import main
from eduplan.io.database import export_kind, import_files
from eduplan.store import save_facts
from eduplan.web.finance.models import CountyFinance, SchoolFinance

from .builders import COUNTY, RURAL_PRIMARY, small_county

pytestmark = pytest.mark.db


@pytest.fixture
def county(db: None) -> None:
    save_facts(small_county())


def test_template_has_both_tables_with_chinese_headers(tmp_path: Path) -> None:
    assert main(["template", "finance", str(tmp_path / "经费.xlsx")]) == 0
    book = load_workbook(tmp_path / "经费.xlsx")
    assert {"学校经费", "县级教育经费"} <= set(book.sheetnames)
    headers = [c.value for c in book["县级教育经费"][1]]
    assert headers[:4] == [
        "县级区划代码",
        "年度",
        "一般公共预算教育支出（万元）",
        "教育费附加和地方教育附加（万元）",
    ]


def test_export_import_round_trip_changes_nothing(county: None, tmp_path: Path) -> None:
    [out] = export_kind("finance", tmp_path / "finance.xlsx", COUNTY)
    result = import_files([out])
    assert result.ok and result.summary is not None
    assert (result.summary.created, result.summary.updated, result.summary.unchanged) == (0, 0, 7 + 3)


def test_bad_rows_are_named_and_nothing_is_written(county: None, tmp_path: Path) -> None:
    path = tmp_path / "county.csv"
    path.write_text(
        "县级区划代码,年度,一般公共预算教育支出（万元）,在校学生数（人）\n"
        f"{COUNTY},2025,120,1000\n"
        "990199,2025,100,900\n"
        f"{COUNTY},2026,-5,1000\n",
        "utf-8",
    )
    result = import_files([path])
    problems = [p.chinese() for p in result.problems]
    assert any(
        "第 3 行 A 列（县级区划代码）：值为“990199”，要求：文件或数据库中已有的县级区划代码" in p
        for p in problems
    )
    assert any("第 4 行 C 列" in p for p in problems)
    assert not CountyFinance.objects.filter(year__gte=2025).exists()


def test_a_new_allocation_updates_one_row(county: None, tmp_path: Path) -> None:
    path = tmp_path / "school.csv"
    path.write_text(f"学校标识码,学年,公用经费拨付额（元）\n{RURAL_PRIMARY},2024,99464.2\n", "utf-8")
    result = import_files([path])
    assert result.summary is not None and result.summary.updated == 1
    assert SchoolFinance.objects.get(school__code=RURAL_PRIMARY, year=2024).allocated == 99_464.2
    # The budget lines the file does not carry are left as they were.
    assert SchoolFinance.objects.get(school__code=RURAL_PRIMARY, year=2024).budget_project == 500_000
