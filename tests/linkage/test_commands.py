"""The linkage commands: the out-of-school CSV (a fixed point), the unaided list, runs, purge, indicator values."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest

from eduplan.cli import main
from eduplan.linkage.synthetic import Synthetic
from eduplan.web.linkage.models import Case, Child, Outcome, Run
from eduplan.web.schools.models import ReportedValue

pytestmark = pytest.mark.db


def test_out_of_school_csv_has_one_row_per_suspected_child(
    linked_db: Synthetic, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["linkage", "out-of-school", "--unit", "990101", "--year", "2025", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    run = Run.objects.get()
    stored = set(Outcome.objects.filter(run=run, outcome="suspected").values_list("person_no", flat=True))
    assert {r["人员编号"] for r in rows} == stored and len(rows) == len(stored) > 0
    assert all(r["原因"] for r in rows)
    # 人员编号 in clear, names masked
    names = dict(Child.objects.values_list("person_no", "name"))
    assert all(r["姓名"] != names[r["人员编号"]] or len(names[r["人员编号"]]) == 1 for r in rows)
    assert all("*" in r["姓名"] for r in rows)
    # the list is the truth of the synthetic county (perfect at this size)
    assert stored == linked_db.out_of_school()


def test_out_of_school_links_when_no_run_exists_and_personal_is_explicit(
    linked_db: Synthetic, tmp_path: Path
) -> None:
    Run.objects.all().delete()
    out = tmp_path / "list.xlsx"
    assert (
        main(
            [
                "linkage",
                "out-of-school",
                "--unit",
                "990101",
                "--year",
                "2025",
                "--format",
                "xlsx",
                "--out",
                str(out),
                "--personal",
            ]
        )
        == 0
    )
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["人员编号", "原因"]
    names = set(Child.objects.values_list("name", flat=True))
    assert sheet.cell(2, 3).value in names  # unmasked, as asked


def test_unknown_county_is_a_clear_error(linked_db: Synthetic, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["linkage", "out-of-school", "--unit", "990199", "--year", "2025"]) == 1
    assert "找不到县级区划 990199" in capsys.readouterr().err


def test_run_writes_cases_and_indicator_values(linked_db: Synthetic) -> None:
    run = Run.objects.get()
    suspected = run.summary["by_outcome"]["suspected"]
    assert Case.objects.filter(year=2025, status="checking").count() == suspected
    by = run.summary["by_outcome"]
    values = {v.indicator: v for v in ReportedValue.objects.filter(unit="990101", year=2025)}
    enrolled = values["compulsory_enrollment_rate"]
    assert enrolled.numerator == by["in_county"] + by["outside"] + by["documented"]
    assert enrolled.denominator == run.summary["children"] - by["gone"]
    aid = run.summary["aid"]
    cover = values["poor_student_aid_coverage"]
    assert (cover.numerator, cover.denominator) == (aid["aided"], aid["in_school"])
    assert cover.value == pytest.approx(100 * aid["aided"] / aid["in_school"])
    # the needy truth: the aided among those in school in the county
    truth = linked_db.needy_truth.filter(pl.col("student_no").is_not_null())
    assert aid["aided"] == truth.filter("aided").height


def test_a_second_run_keeps_cases_and_their_work(linked_db: Synthetic) -> None:
    case = Case.objects.first()
    assert case is not None
    case.status, case.notes = "returned", "已劝返"
    case.save()
    assert main(["linkage", "run", "--unit", "990101", "--year", "2025"]) == 0
    case.refresh_from_db()
    assert (case.status, case.notes) == ("returned", "已劝返")
    assert Run.objects.count() == 2


def test_purge_removes_personal_data_past_retention(
    linked_db: Synthetic, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["linkage", "purge", "--years", "3", "--today", "2026-12-02"]) == 0
    assert Child.objects.exists() and Outcome.objects.exists()  # imported today: kept
    later = (dt.date.today() + dt.timedelta(days=5 * 366)).isoformat()
    assert main(["linkage", "purge", "--years", "3", "--today", later]) == 0
    assert not Child.objects.exists() and not Outcome.objects.exists() and not Case.objects.exists()
    assert "已删除" in capsys.readouterr().out
