"""`eduplan import` of register CSVs: the fixed headers, UTF-8 or GB18030, clear errors, nothing half-way,
re-import changes nothing, ids never stored in clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from eduplan.cli import main
from eduplan.facts import Facts
from eduplan.web.linkage.models import Child, Pupil
from tests.linkage.conftest import ENROLMENT_HEADER, HOUSEHOLD_HEADER, tiny_registers, write_csv

pytestmark = pytest.mark.db


def test_both_registers_import_and_reimport_changes_nothing(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = tiny_registers(tiny_db)
    household = write_csv(made.household, HOUSEHOLD_HEADER, tmp_path / "hj.csv")
    enrolment = write_csv(made.enrolment, ENROLMENT_HEADER, tmp_path / "xj.csv", encoding="gb18030")
    assert main(["import", str(household), str(enrolment)]) == 0
    out = capsys.readouterr().out
    assert (
        f"户籍适龄儿童：新增 {made.household.height} 行" in out
        and f"学籍：新增 {made.enrolment.height} 行" in out
    )
    before = list(Child.objects.order_by("person_no").values_list("person_no", "id_sealed", "updated"))
    assert main(["import", str(household), str(enrolment)]) == 0
    assert f"户籍适龄儿童：新增 0 行，更新 0 行，未变 {made.household.height} 行" in capsys.readouterr().out
    assert (
        list(Child.objects.order_by("person_no").values_list("person_no", "id_sealed", "updated")) == before
    )


def test_ids_are_hashed_and_sealed_never_in_clear(tiny_db: Facts, tmp_path: Path) -> None:
    made = tiny_registers(tiny_db, children=50)
    assert main(["import", str(write_csv(made.household, HOUSEHOLD_HEADER, tmp_path / "hj.csv"))]) == 0
    ids = [i for i in made.household["id_number"].to_list() if i]
    stored = " ".join(" ".join(map(str, row)) for row in Child.objects.values_list())
    assert ids and not any(i in stored for i in ids)
    problems = dict(Child.objects.values_list("person_no", "id_problem"))
    missing = made.household.filter(made.household["id_number"].is_null())["person_no"].to_list()
    assert missing and all(problems[p] == "missing" for p in missing)  # listed, not dropped


def test_bad_rows_are_named_and_nothing_is_written(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HOUSEHOLD_HEADER + "\n"
        "R1,张三,男,2015-03-04,,990101001,一村\n"
        "R2,李四,M,2015-03-04,,990101001,一村\n"
        "R3,王五,女,2015/03/04,,990101001,一村\n"
        "R4,赵六,女,2015-03-04,,990101099,一村\n"
        "R1,张三,男,2015-03-04,,990101001,一村\n",
        encoding="utf-8",
    )
    assert main(["import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "bad.csv「bad」第 3 行 C 列（性别）：值为“M”，要求：以下之一：男、女" in out
    assert "第 4 行 D 列（出生日期）：值为“2015/03/04”" in out
    assert "第 5 行 F 列（乡镇代码）：值为“990101099”，要求：数据库中已有的乡镇（街道）代码" in out
    assert "第 6 行 A 列（人员编号）：值为“R1”，要求：唯一的人员编号" in out
    assert Child.objects.count() == 0


def test_a_register_and_a_facts_file_in_one_command_share_one_transaction(
    tiny_db: Facts, tmp_path: Path
) -> None:
    made = tiny_registers(tiny_db, children=20)
    register = write_csv(made.enrolment, ENROLMENT_HEADER, tmp_path / "xj.csv")
    broken = tmp_path / "schools.csv"
    broken.write_text(
        "学校标识码,学校名称,所属乡镇代码,办学类型,办别,城乡分类\n1399010009,新学校,990101001,小学,公办,火星\n",
        encoding="utf-8",
    )
    assert main(["import", str(register), str(broken)]) == 1
    assert Pupil.objects.count() == 0
