"""Validation of raw sheets: every problem at once, each with its file, sheet, row, column and value."""

from __future__ import annotations

from typing import Any

from eduplan.io.sheets import Grid
from eduplan.io.template import header_row, identify
from eduplan.io.validate import Known
from eduplan.io.validate import validate_grids as validate

KNOWN = Known(schools=frozenset({"9901010001"}), units={"990101": "county", "990101001": "township"})
GRADE_HEADERS = [
    "学校标识码",
    "学年",
    "学段",
    "年级",
    "在校生数",
    "其中女生",
    "班数",
    "56-65人班数",
    "66人及以上班数",
]


def sheet(name: str, headers: list[Any], *rows: list[Any]) -> Grid:
    return Grid.from_rows("f.xlsx", name, [headers, *rows])


def where(checked: Any) -> list[tuple[int, str, str]]:
    return [(p.row, p.letter, p.column) for p in checked.problems]


def test_a_clean_grade_sheet_gives_a_typed_frame() -> None:
    checked = validate(
        [sheet("学校分年级统计", GRADE_HEADERS, ["9901010001", 2024, "小学", 1, 45, 22, 1, 0, 0])], KNOWN
    )
    assert checked.ok
    assert checked.frames["grade_year"].row(0) == ("9901010001", 2024, "primary", 1, 45, 22, 1, 0, 0)


def test_consistency_problems_point_at_the_offending_cell() -> None:
    checked = validate(
        [
            sheet(
                "学校分年级统计",
                GRADE_HEADERS,
                ["9901010001", 2024, "小学", 1, 45, 46, 1, 0, 0],  # more girls than pupils (F2)
                ["9901010001", 2024, "小学", 2, 45, 20, 0, 0, 0],  # pupils without a class (G3)
                ["9901010001", 2024, "小学", 3, 130, 60, 2, 1, 2],  # 1 + 2 large classes of 2 (H4)
                ["9901010001", 2024, "小学", 7, 40, 20, 1, 0, 0],  # primary has 6 grades (D5)
            )
        ],
        KNOWN,
    )
    assert where(checked) == [
        (2, "F", "其中女生"),
        (3, "G", "班数"),
        (4, "H", "56-65人班数"),
        (5, "D", "年级"),
    ]
    assert checked.problems[2].expected == "56-65人班数与66人及以上班数合计不大于班数（2），现为 3"


def test_teachers_above_staff_and_qualifications_above_teachers() -> None:
    headers = ["学校标识码", "学年", "专任教师数", "教职工数", "本科学历专任教师", "专科学历专任教师"]
    checked = validate([sheet("学校年度统计", headers, ["9901010001", 2024, 50, 40, 40, 20])], KNOWN)
    # 50 teachers > 40 staff (C2); 40 + 20 = 60 qualified > 50 teachers (E2, the first part given).
    assert where(checked) == [(2, "C", "专任教师数"), (2, "E", "本科学历专任教师")]


def test_a_total_row_must_equal_the_sum_of_its_grades() -> None:
    rows = [["9901010001", 2024, "初中", g, 50, 25, 1, 0, 0] for g in (1, 2, 3)]
    good = ["9901010001", 2024, "初中", "合计", 150, None, 3, None, None]
    bad = ["9901010001", 2024, "初中", "合计", 151, None, 3, None, None]
    assert validate([sheet("学校分年级统计", GRADE_HEADERS, *rows, good)], KNOWN).ok
    checked = validate([sheet("学校分年级统计", GRADE_HEADERS, *rows, bad)], KNOWN)
    assert where(checked) == [(5, "E", "在校生数")] and checked.problems[0].expected == "各年级之和 150"
    assert checked.frames["grade_year"].height == 3  # the total row is never stored


def test_unknown_codes_are_problems_unless_the_file_brings_them() -> None:
    headers = ["学校标识码", "学校名称", "所属乡镇代码", "办学类型", "办别", "城乡分类"]
    schools = sheet("学校名录", headers, ["9901010002", "新校", "990101002", "小学", "公办", "乡村"])
    grades = sheet("学校分年级统计", GRADE_HEADERS, ["9901010002", 2024, "小学", 1, 10, 5, 1, 0, 0])
    checked = validate([schools, grades], KNOWN)
    # The school is in the file, but its township 990101002 is neither in the file nor in the database.
    assert where(checked) == [(2, "C", "所属乡镇代码")]
    units = sheet(
        "行政区划", ["区划代码", "名称", "层级", "上级代码"], ["990101002", "新镇", "乡镇", "990101"]
    )
    assert validate([units, schools, grades], KNOWN).ok


def test_headers_unknown_repeated_or_missing() -> None:
    checked = validate(
        [sheet("学校年度统计", ["学校标识码", "学年", "专任教师数", "专任教师数", "备注"])], KNOWN
    )
    assert where(checked) == [(1, "D", "专任教师数"), (1, "E", "备注")]
    checked = validate([sheet("学校年度统计", ["学校标识码", "专任教师数"], ["9901010001", 3])], KNOWN)
    assert [(p.row, p.column, p.expected) for p in checked.problems] == [(1, "学年", "含必填列“学年”")]


def test_a_sheet_is_found_by_its_headers_when_its_name_is_unknown() -> None:
    grid = sheet("Sheet1", ["学校标识码", "学年", "学段", "招生数"])
    found = identify(grid.sheet, header_row(grid)[1])  # type: ignore[index]
    assert found is not None and found.name == "stage_year"
    checked = validate([sheet("Sheet1", ["甲", "乙"], [1, 2])], KNOWN)
    assert len(checked.problems) == 1 and checked.problems[0].sheet == "Sheet1"


def test_a_repeated_key_names_the_first_row() -> None:
    row = ["9901010001", 2024, "小学", 1, 45, 22, 1, 0, 0]
    checked = validate([sheet("学校分年级统计", GRADE_HEADERS, row, row)], KNOWN)
    assert where(checked) == [(3, "A", "学校标识码")] and "第 2 行" in checked.problems[0].expected


def test_org_unit_codes_follow_their_level_and_parent() -> None:
    headers = ["区划代码", "名称", "层级", "上级代码"]
    checked = validate(
        [
            sheet(
                "行政区划", headers, ["99010", "某县", "县", "9901"], ["990201001", "某镇", "乡镇", "990101"]
            )
        ],
        KNOWN,
    )
    assert where(checked) == [(2, "A", "区划代码"), (3, "D", "上级代码")]


def test_the_chinese_message_says_where_what_and_what_was_expected() -> None:
    checked = validate(
        [sheet("学校分年级统计", GRADE_HEADERS, ["9901010001", 2024, "小学", 1, "很多", 1, 1, 0, 0])]
    )
    assert checked.problems[0].chinese() == (
        "f.xlsx「学校分年级统计」第 2 行 E 列（在校生数）：值为“很多”，要求：0 到 10,000 之间的整数"
    )


def test_the_demo_county_passes_every_check(demo_facts: Any) -> None:
    """The demo generator and the importer agree: its export would import without a problem."""
    from eduplan.facts import TABLES
    from eduplan.io.workbook import display_rows

    sheets = [
        Grid.from_rows("demo.xlsx", table.label,
                       [[c.label for c in table.columns], *display_rows(table, demo_facts.frames()[name])])
        for name, table in TABLES.items()
    ]  # fmt: skip
    checked = validate(sheets)
    assert checked.ok, [p.chinese() for p in checked.problems[:5]]
    assert checked.frames["schools"].height == demo_facts.schools.height >= 100
