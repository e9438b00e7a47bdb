"""`eduplan import` recognises each file: official workbooks and our templates read together; a file another
area registered an importer for goes to that importer (issue 17's registers, by their CSV headers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eduplan.cli import main
from eduplan.io import recognise
from eduplan.io.recognise import IMPORTERS, Importer, header_is, register

PEOPLE = ("人员编号", "姓名", "性别", "出生日期", "身份证号", "乡镇代码", "村社区")
PUPILS = ("学籍号", "姓名", "性别", "出生日期", "身份证号", "学校标识码", "年级", "学籍状态")


@pytest.fixture
def registered() -> Iterator[list[list[Path]]]:
    """Two importers as issue 17 registers them; each records the files it was handed."""
    from eduplan.cli import build_parser

    build_parser()  # the areas register their importers first (issue 17's takes these same headers)
    seen: list[list[Path]] = []
    before = list(IMPORTERS)

    def run(paths: list[Path]) -> int:
        seen.append(paths)
        return 0

    register(Importer("户籍人口名册", header_is(*PEOPLE), run))
    register(Importer("学籍名册", header_is(*PUPILS), run))
    yield seen
    IMPORTERS[:] = before


def test_recognisers_route_by_header_and_ours_take_the_rest(
    registered: list[list[Path]], tmp_path: Path
) -> None:
    people = tmp_path / "户籍.csv"
    people.write_text(",".join(PEOPLE) + "\n", encoding="utf-8")
    assert recognise.recognise(people, list(PEOPLE)).name == "户籍人口名册"
    assert recognise.recognise(people, list(PUPILS)).name == "学籍名册"
    assert recognise.recognise(tmp_path / "a.xlsx", ["基础基111", "基础基311"]).name == "基层统计报表"
    assert recognise.recognise(tmp_path / "a.xlsx", ["学校名录"]).name == "统计数据模板"
    assert (
        recognise.recognise(tmp_path / "a.xlsx", list(PEOPLE)).name == "统计数据模板"
    )  # a workbook is not a CSV


@pytest.mark.db
def test_eduplan_import_hands_registered_files_to_their_importer(
    registered: list[list[Path]], tiny_db: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "户籍.csv"
    people.write_text(
        ",".join(PEOPLE) + "\nP1,张三,男,2015-03-01,990101201503010011,990101001,城关社区\n",
        encoding="utf-8-sig",
    )
    births = tmp_path / "出生人口.csv"
    births.write_text("乡镇代码,年份,出生人数\n990101001,2025,320\n", encoding="utf-8")
    assert main(["import", str(people), str(births)]) == 0
    assert registered == [[people]]
    out = capsys.readouterr().out
    assert "出生人口：新增 1 行" in out and "户籍人口名册：1 个文件" in out
