"""The importer loses nothing: every trap of real-world files is reported, in one Chinese line per problem
naming file, sheet, row and column, and nothing is written while there is a problem."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from eduplan.cli import main
from eduplan.facts import Facts
from eduplan.io.database import import_files
from eduplan.store import load_facts
from tests.foundation.rawxlsx import Sheet, write

pytestmark = pytest.mark.db
BIRTHS = ["乡镇代码", "年份", "出生人数"]


def births(tmp_path: Path, *rows: list[object], name: str = "b.xlsx", **kw: object) -> Path:
    return write(tmp_path / name, [Sheet("出生人口", [BIRTHS, *rows], **kw)])  # type: ignore[arg-type]


def stored_births() -> list[tuple[object, ...]]:
    return sorted(load_facts().births.rows())


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    captured = capsys.readouterr()
    return [line for line in (captured.out + captured.err).splitlines() if line.strip()]


def test_a_formula_without_a_cached_value_is_refused_with_its_address(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored_births()
    path = births(tmp_path, ["990101001", 2024, '<c r="{ref}"><f>100+200</f></c>'])
    assert main(["import", str(path)]) == 1
    out = lines(capsys)
    assert out[0] == (
        "b.xlsx「出生人口」第 2 行 C 列：值为“=100+200”，要求：数值：这个公式没有保存计算结果（程序生成的文件常见），"
        "请在 Excel 中打开、重新计算并保存，或改填数值"
    )
    assert stored_births() == before  # never NULL in place of a value


def test_a_formula_with_its_cached_value_gives_that_value(tiny_db: Facts, tmp_path: Path) -> None:
    path = births(tmp_path, ["990101001", 2024, '<c r="{ref}"><f>100+200</f><v>300</v></c>'])
    assert import_files([path]).ok
    assert ("990101001", 2024, 300) in stored_births()


def test_hidden_and_very_hidden_sheets_and_hidden_rows_are_reported_and_skipped(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "h.xlsx",
        [
            Sheet("出生人口", [BIRTHS, ["990101001", 2024, 310], ["990101002", 2024, 77]], hidden_rows=(3,)),
            Sheet("学校名录", [["学校标识码", "学校名称"], ["1399010001", "改名"]], state="hidden"),
            Sheet("分年龄人口", [["乡镇代码", "年份", "年龄（周岁）", "人数"]], state="veryHidden"),
        ],
    )
    assert main(["import", str(path)]) == 0
    out = lines(capsys)
    assert "提示：h.xlsx「出生人口」：第 3 行是隐藏行，已跳过（确需导入请加 --include-hidden）" in out
    assert "提示：h.xlsx「学校名录」：隐藏的工作表有数据，已跳过（确需导入请加 --include-hidden）" in out
    assert (
        "提示：h.xlsx「分年龄人口」：深度隐藏的工作表有数据，已跳过（确需导入请加 --include-hidden）" in out
    )
    assert ("990101002", 2024, 77) not in stored_births()
    assert load_facts().schools.filter(code="1399010001")["name"][0] == "示例县第一小学"
    assert main(["import", "--include-hidden", str(path)]) == 1  # the very hidden sheet's header is wrong
    assert any("人数" in line and "列名之一" in line for line in lines(capsys))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12,5", "逗号只能用作千位分隔符（每三位一个，如 1,234）；小数请用小数点，如 12.5"),
        ("5，1", "逗号只能用作千位分隔符（每三位一个，如 1,234）；小数请用小数点，如 12.5"),
        ("٣٠٠", "只能使用阿拉伯数字 0-9（全角数字也可）"),
    ],
)
def test_decimal_commas_and_other_scripts_are_refused(
    tiny_db: Facts, tmp_path: Path, value: str, expected: str
) -> None:
    result = import_files([births(tmp_path, ["990101001", 2024, value])])
    assert [p.expected for p in result.problems] == [expected]


def test_full_width_digits_and_thousands_separators_are_read(tiny_db: Facts, tmp_path: Path) -> None:
    result = import_files([births(tmp_path, ["９９０１０１００１", "２０２４", "1,２３４"])])
    assert result.ok and ("990101001", 2024, 1234) in stored_births()


def test_text_beginning_with_an_equals_sign_survives_export_and_import(
    tiny_db: Facts, tmp_path: Path
) -> None:
    from eduplan.web.schools.models import School

    School.objects.filter(code="1399010001").update(zone="=城关片区", name="=1+1")
    for suffix in (".xlsx", ".csv"):
        assert main(["export", "schools", str(tmp_path / f"s{suffix}")]) == 0
        School.objects.filter(code="1399010001").update(zone=None, name="改名")
        assert main(["import", str(tmp_path / f"s{suffix}")]) == 0
        school = School.objects.get(code="1399010001")
        assert (school.zone, school.name) == ("=城关片区", "=1+1")


def test_the_schools_csv_of_a_school_named_1_plus_1_has_no_formula(tiny_db: Facts, tmp_path: Path) -> None:
    from eduplan.web.schools.models import School

    School.objects.filter(code="1399010001").update(name="=1+1", zone="@SUM(A1)")
    assert main(["export", "schools", str(tmp_path / "s.csv")]) == 0
    cells = [
        c
        for line in (tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()
        for c in line.split(",")
    ]
    assert "'=1+1" in cells and "'@SUM(A1)" in cells
    assert not any(
        c.startswith(("=", "+", "@", "\t", "\r")) or (c.startswith("-") and not c[1:].isdigit())
        for c in cells
    )


def test_a_school_code_that_lost_its_leading_digit_is_not_filed_under_a_township(
    tiny_db: Facts, tmp_path: Path
) -> None:
    path = tmp_path / "直报指标值.csv"
    path.write_text(
        "单位代码,学年,指标代码,指标值\n399010001,2024,x,1\n990101001,2024,x,2\n", encoding="utf-8"
    )
    result = import_files([path])
    assert [(p.row, p.value, p.expected) for p in result.problems] == [
        (2, "399010001", "文件或数据库中已有的乡镇级区划代码（9 位代码按此层级匹配）")
    ]


@pytest.mark.parametrize("rows", [[], [BIRTHS]])
def test_a_blank_or_header_only_file_says_nothing_was_found(
    db: None, tmp_path: Path, rows: list[list[object]], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "e.xlsx", [Sheet("出生人口", rows)])
    assert main(["import", str(path)]) == 1
    assert "至少一行数据：所有文件中都没有找到可导入的数据" in lines(capsys)


def test_bounds_refuse_huge_sheets_before_reading_them(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wide = write(
        tmp_path / "wide.xlsx",
        [Sheet("出生人口", [BIRTHS, ["990101001", 2024, 1, '<c r="XFD2"><v>1</v></c>']])],
    )
    start = time.perf_counter()
    assert main(["import", str(wide)]) == 1
    assert time.perf_counter() - start < 30  # not gigabytes of empty cells: refused from the XML scan
    assert "wide.xlsx：工作表「出生人口」超过 300 列（见设置 EDUPLAN_IMPORT_MAX_COLUMNS）" in lines(capsys)
    monkeypatch.setenv("EDUPLAN_IMPORT_MAX_ROWS", "3")
    tall = births(tmp_path, *[["990101001", 2000 + i, 1] for i in range(5)], name="tall.xlsx")
    assert main(["import", str(tall)]) == 1
    assert "tall.xlsx：工作表「出生人口」超过 3 行（见设置 EDUPLAN_IMPORT_MAX_ROWS）" in lines(capsys)
    monkeypatch.setenv("EDUPLAN_IMPORT_MAX_CELL_CHARS", "100")
    long = write(
        tmp_path / "long.xlsx",
        [Sheet("出生人口", [BIRTHS, ['<c r="{ref}" t="s"><v>0</v></c>', 2024, 1]])],
        shared=["9" * 5000],
    )
    assert main(["import", str(long)]) == 1
    assert (
        "long.xlsx：共享字符串表中有超过 100 个字符的单元格（见设置 EDUPLAN_IMPORT_MAX_CELL_CHARS）"
        in lines(capsys)
    )
    monkeypatch.setenv("EDUPLAN_IMPORT_MAX_ROWS", "abc")
    assert main(["import", str(long)]) == 1
    assert lines(capsys)[-1] == (
        "错误：环境变量 EDUPLAN_IMPORT_MAX_ROWS 的值 'abc' 无法识别，应为正整数（一个工作表（或 CSV 文件）最多读取的行数，默认 1100000）"
    )


def test_at_most_200_problems_are_printed_with_their_total(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "出生人口.csv"
    path.write_text("乡镇代码,年份,出生人数\n" + "990101001,2024,很多\n" * 250, encoding="utf-8")
    assert main(["import", str(path)]) == 1
    out = lines(capsys)
    assert len(out) == 201, out[-3:]
    assert out[-1] == "共发现 250 处问题（以上列出前 200 处），未写入任何数据。请修改后重新导入。"


def test_damaged_files_give_one_chinese_line_naming_the_file(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_index = write(
        tmp_path / "sst.xlsx",
        [Sheet("出生人口", [BIRTHS, ['<c r="{ref}" t="s"><v>99</v></c>', 2024, 1]])],
        shared=["990101001"],
    )
    malformed = write(tmp_path / "xml.xlsx", [Sheet("出生人口", [], xml="<worksheet><sheetData><row r=")])
    not_a_number = write(
        tmp_path / "num.xlsx",
        [Sheet("出生人口", [BIRTHS, ["990101001", 2024, '<c r="{ref}"><v>abc</v></c>']])],
    )
    folder = tmp_path / "文件夹.csv"
    folder.mkdir()
    (tmp_path / "zip.xlsx").write_bytes(b"PK\x03\x04 truncated")
    for path in (bad_index, malformed, not_a_number, folder, tmp_path / "zip.xlsx"):
        code = main(["import", str(path)])
        out = lines(capsys)
        assert code == 1, out
        assert any(path.name in line for line in out), out
        text = "\n".join(out)
        assert "Traceback" not in text and "zip file" not in text.lower() and "error" not in text.lower(), out


def test_control_characters_in_cells_are_escaped_in_messages(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = births(tmp_path, ["990101001", 2024, "\x1b[31m红\x1b[0m\u202e"])
    assert main(["import", str(path)]) == 1
    text = "\n".join(lines(capsys))
    assert "\x1b" not in text and "\u202e" not in text and "\\u001b[31m红" in text


def test_a_second_import_waits_for_the_first_and_then_says_so(
    tiny_db: Facts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import lock: while it is held elsewhere, an import waits, then stops with a clear message."""
    from django.db import connections

    from eduplan.store.lock import Busy, import_lock

    monkeypatch.setenv("EDUPLAN_IMPORT_LOCK_WAIT", "1")
    path = births(tmp_path, ["990101001", 2024, 5])
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with import_lock(10):
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=hold)
    other.start()
    assert held.wait(10)
    try:
        with pytest.raises(Busy, match="另一项导入（或撤销）正在进行，已等待 1 秒仍未结束"):
            import_files([path])
    finally:
        release.set()
        other.join()
    assert import_files([path]).ok  # once the lock is free again
