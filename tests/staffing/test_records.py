"""Teacher records through the one importer: template, import, export, round trip, refusals, the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from eduplan.cli import main
from eduplan.facts import SUBJECTS, Facts
from eduplan.io.database import import_files
from eduplan.store import load_facts
from eduplan.web.staffing.models import Teacher

pytestmark = pytest.mark.db


def test_template_has_the_sheet_and_its_rules(tmp_path: Path) -> None:
    assert main(["template", "teachers", str(tmp_path / "t.xlsx")]) == 0
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["说明", "专任教师名册"]
    headers = [c.value for c in book["专任教师名册"][1]]
    assert headers[:5] == ["教师编号", "学年", "学校标识码", "任教学段", "主要任教学科"]
    guide = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "不填姓名、身份证号" in guide and "体育与健康" in guide


def test_export_then_import_changes_nothing_and_is_logged(demo_db: Facts, tmp_path: Path) -> None:
    from eduplan.web.accounts.models import AuditEvent

    out = tmp_path / "teachers.xlsx"
    assert main(["export", "teachers", str(out), "--unit", "990101"]) == 0
    [event] = AuditEvent.objects.filter(event="export_personal", unit="990101")
    assert event.detail["tables"] == ["teachers"] and event.detail["files"] == [str(out)]
    rows = load_workbook(out)["专任教师名册"]
    assert rows.max_row == demo_db.teachers.height + 1
    assert rows["E2"].value in SUBJECTS.values()  # coded values written as their Chinese labels
    result = import_files([out])
    assert result.ok and result.summary is not None
    assert (result.summary.created, result.summary.updated) == (0, 0)
    assert result.summary.unchanged == demo_db.teachers.height
    assert load_facts("990101").teachers.height == demo_db.teachers.height


def _sheet(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "专任教师名册"
    ws.append(
        [
            "教师编号",
            "学年",
            "学校标识码",
            "任教学段",
            "主要任教学科",
            "专业技术职务",
            "出生年份",
            "调入本校年份",
        ]
    )
    for row in rows:
        ws.append(row)
    path = tmp_path / "in.xlsx"
    book.save(path)
    return path


def test_labels_and_old_titles_are_read(tiny_db: Facts, tmp_path: Path) -> None:
    path = _sheet(tmp_path, [["A001", 2024, "1399010001", "小学", "体育", "小学高级", 1980, 2010]])
    result = import_files([path])
    assert result.ok, [p.chinese() for p in result.problems]
    teacher = Teacher.objects.get(teacher="A001")
    assert (teacher.subject, teacher.title, teacher.stage) == ("pe", "first", "primary")  # 小学高级 → 一级


def test_personal_ids_and_impossible_years_are_refused(tiny_db: Facts, tmp_path: Path) -> None:
    path = _sheet(tmp_path, [
        ["11010519491231002X", 2024, "1399010001", "小学", "语文", None, 1980, 2010],
        ["张三", 2024, "1399010001", "小学", "语文", None, 1980, 2010],
        ["A002", 2024, "1399010001", "小学", "语文", None, 1980, 2030],
        ["A003", 2024, "1399010001", "小学", "篮球", None, 1980, 2010],
    ])  # fmt: skip
    result = import_files([path])
    problems = [p.chinese() for p in result.problems]
    assert not result.ok and Teacher.objects.count() == 0  # nothing written
    assert any("第 2 行 A 列" in p and "不得填写身份证号或姓名" in p for p in problems)
    assert any("第 3 行 A 列" in p and "不得填写身份证号或姓名" in p for p in problems)
    assert any("第 4 行" in p and "不晚于学年 2024" in p for p in problems)
    assert any("第 5 行 E 列" in p and "体育与健康" in p for p in problems)


def test_an_approved_year_locks_the_roster(tiny_db: Facts, tmp_path: Path) -> None:
    """Issue 12's approval locks hold for teacher records too: an approved county-year refuses the roster, by
    import and by a form's save, and an open year takes it."""
    from eduplan.errors import DataError
    from eduplan.web.accounts.models import Approval

    row = ["A001", 2025, "1399010001", "小学", "体育", None, 1980, 2010]
    assert import_files([_sheet(tmp_path, [row])]).ok
    Approval.objects.create(unit="990101", year=2024, state="approved", changed_by="alice")
    with pytest.raises(DataError, match="990101 2024 学年（县级已审核）"):
        import_files([_sheet(tmp_path, [[*row[:1], 2024, *row[2:]]])])
    assert list(Teacher.objects.values_list("year", flat=True)) == [2025]  # nothing written
    Approval.objects.create(unit="990101", year=2025, state="approved", changed_by="alice")
    teacher = Teacher.objects.get(year=2025)
    teacher.subject = "music"
    with pytest.raises(DataError, match="锁定"):
        teacher.save()
    assert Teacher.objects.get(year=2025).subject == "pe"
