"""Register fixtures on the tiny county (townships 990101001/002, schools 1399010001-3)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from eduplan.facts import Facts
from eduplan.linkage.synthetic import Places, Synthetic, generate

HOUSEHOLD_HEADER = "人员编号,姓名,性别,出生日期,身份证号,乡镇代码,村社区"
ENROLMENT_HEADER = "学籍号,姓名,性别,出生日期,身份证号,学校标识码,年级,学籍状态"


@pytest.fixture(autouse=True)
def _key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test process its own key, outside the database (as in production)."""
    from eduplan.linkage.protect import ENV

    monkeypatch.setenv(ENV, "kKrCHzT6yGDNUqsqEfPBM7wZN_vhr0_rjmf0jC4XJYo=")


def tiny_registers(facts: Facts, children: int = 400, seed: int = 4) -> Synthetic:
    return generate(Places.from_frames(facts.org_units, facts.schools, "990101"), 2025, children, seed)


def write_csv(frame: pl.DataFrame, header: str, path: Path, encoding: str = "utf-8") -> Path:
    names = {"人员编号": "person_no", "学籍号": "student_no", "姓名": "name", "性别": "sex", "出生日期": "birth",
             "身份证号": "id_number", "乡镇代码": "township", "村社区": "village", "学校标识码": "school",
             "年级": "grade", "学籍状态": "status"}  # fmt: skip
    lines = [header]
    for row in frame.iter_rows(named=True):
        lines.append(",".join(str(row[names[h]] or "") for h in header.split(",")))
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def linked_db(tiny_db: Facts) -> Synthetic:
    """The tiny county with registers saved and linked for 2025."""
    from eduplan.web.linkage.store import run_linkage, save_registers

    made = tiny_registers(tiny_db)
    save_registers({"household": made.household, "enrolment": made.enrolment, "situation": made.situation,
                    "needy": made.needy, "aid": made.aid})  # fmt: skip
    run_linkage("990101", 2025)
    return made
