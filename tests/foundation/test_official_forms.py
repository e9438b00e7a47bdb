"""The official 基层统计报表, both generations, read by 栏号, 行代码 and header text: every mapped form gives
exactly the figures written in it (worked out by hand below), wherever its cells stand; a layout that moved
its wording is an error naming the sheet and what was expected; the real kindergarten workbook imports as
filed."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from eduplan.io.batch import Prepared, prepare
from eduplan.io.forms.layout import layouts
from eduplan.io.limits import limits
from eduplan.io.sheets import opened
from eduplan.io.validate import Known
from tests.foundation import official as o
from tests.foundation.test_import_pages import KINDERGARTEN

KNOWN = Known(
    units={
        "99": "province",
        "9901": "city",
        "990101": "county",
        "990101001": "township",
        "990101002": "township",
    }
)
PRIMARY = o.School("2199010101", "示例县城关第一小学", "990101001001", "111", "211")
NINE = o.School("3199010102", "示例县石桥九年一贯制学校", "990101002003", "220", "312")
KG = o.School("1199010103", "示例县石桥普惠幼儿园", "990101002003", "220", "111", "999", "民办")


def read(*paths: Path, known: Known = KNOWN) -> Prepared:
    with opened(list(paths), limits()) as sources:
        return prepare(sources, known)


def rows(prepared: Prepared, table: str) -> list[dict[str, Any]]:
    frame = getattr(prepared.facts, table)
    return frame.sort([c for c in ("school", "year", "stage", "grade") if c in frame.columns]).to_dicts()


def g1_primary() -> list[o.Form]:
    f212, f312, f331, f412, f423, f512, f522, f112 = (o.g1_212(), o.g1_312(), o.g1_331(), o.g1_412(), o.g1_423(),
                                                      o.g1_512(), o.g1_522(), o.g1_112())  # fmt: skip
    f212.values = {
        ("1", "1"): 12,
        **{("1", str(c)): 2 for c in range(2, 8)},
        ("10", "2"): 1,
        ("11", "3"): 1,
        ("12", "4"): 1,
    }
    f312.values = {("1", "1"): 95, ("1", "2"): 100, ("1", "3"): 600, ("2", "3"): 288, ("5", "3"): 30, ("6", "3"): 40,
                   ("10", "3"): 2, **{("1", str(c)): 100 for c in range(4, 10)}, **{("2", str(c)): 48 for c in range(4, 10)}}  # fmt: skip
    f331.values = {("4", "3"): 100, ("4", "5"): 5, ("4", "8"): 95, ("4", "13"): 3, ("1", "9"): "*"}
    f412.values = {("1", "1"): 50, ("1", "2"): 40, ("1", "3"): 5, ("1", "4"): 3, ("1", "5"): 2}
    f423.values = {
        ("1", "1"): 40,
        ("1", "9"): 4,
        ("1", "10"): 2,
        ("1", "11"): 2,
        ("3", "1"): 2,
        ("4", "1"): 30,
        ("5", "1"): 7,
        ("6", "1"): 1,
    }
    f512.values = {("1", "1"): "5000", ("4", "1"): "3000"}
    f522.values = {
        ("1", "3"): 8000,
        ("1", "4"): "20,000",
        ("1", "6"): 60,
        ("1", "8"): 12,
        ("1", "10"): "85.5",
    }
    f112.values = {
        ("26", "1"): 3,
        ("21", "1"): 580,
        ("22", "1"): 100,
        ("23", "1"): 250,
        ("24", "1"): 200,
        ("25", "1"): 30,
        ("13", "1"): "是",
    }
    return [f212, f312, f331, f412, f423, f512, f522, f112]


def test_a_generation_1_primary_school_gives_exactly_its_figures(tmp_path: Path) -> None:
    result = read(o.write_g1(tmp_path / "小学.xlsx", 2020, PRIMARY, g1_primary()))
    assert result.ok, [p.chinese() for p in result.problems]
    assert rows(result, "schools") == [{"code": "2199010101", "name": "示例县城关第一小学", "township": "990101001",
                                        "school_type": "primary", "ownership": "public", "locale": "urban",
                                        "urban_rural_code": "111"}]  # fmt: skip
    # 312: 100 pupils and 48 girls per grade; 212: 2 classes each, 56-60人 in grade 1, 61-65人 in 2, 66+ in 3.
    grades = rows(result, "grade_year")
    assert [(g["grade"], g["enrollment"], g["enrollment_female"], g["classes"], g["classes_56_65"], g["classes_66_plus"]) for g in grades] == [
        (1, 100, 48, 2, 1, 0), (2, 100, 48, 2, 1, 0), (3, 100, 48, 2, 0, 1),
        (4, 100, 48, 2, 0, 0), (5, 100, 48, 2, 0, 0), (6, 100, 48, 2, 0, 0),
    ]  # fmt: skip
    # 331's 招生 100 and 毕业 95 agree with 312's; its 幼儿园 row is not a primary school's (left out).
    assert rows(result, "stage_year") == [{"school": "2199010101", "year": 2020, "stage": "primary", "entrants": 100,
                                           "graduates": 95, "transfers_in": 5, "transfers_out": 3, "disabled": 2,
                                           "migrant": 40, "boarders": 30}]  # fmt: skip
    # 423: 2 + 30 + 7 + 1 = 40 teachers; PE 4; arts 2 + 2; 522: 85.5 万元 = 855,000 元; 112: 3 backbone teachers.
    [year] = rows(result, "school_year")
    assert {k: v for k, v in year.items() if v is not None} == {
        "school": "2199010101", "year": 2020, "teachers": 40, "staff": 50, "teachers_postgrad": 2,
        "teachers_bachelor": 30, "teachers_college": 7, "teachers_secondary": 1, "teachers_pe": 4, "teachers_arts": 4,
        "teachers_backbone": 3, "area_building": 5000.0, "area_teaching": 3000.0, "area_sports": 8000.0,
        "books": 20000, "computers": 60, "multimedia_classrooms": 12, "equipment_value": 855000.0,
    }  # fmt: skip
    # 112 reports last school year's fitness test: 优秀 100 + 良好 250 + 及格 200 passed of 580 tested.
    assert rows(result, "health_year") == [{"school": "2199010101", "year": 2019, "health_tested": 580,
                                            "health_passed": 550, "health_good": 350}]  # fmt: skip


def test_forms_read_by_their_wording_wherever_their_cells_stand(tmp_path: Path) -> None:
    plain = read(o.write_g1(tmp_path / "a.xlsx", 2020, PRIMARY, g1_primary()))
    moved = read(o.write_g1(tmp_path / "b.xlsx", 2020, PRIMARY, g1_primary(), shift=3))
    assert moved.ok
    for name in ("schools", "school_year", "stage_year", "grade_year", "health_year"):
        assert rows(moved, name) == rows(plain, name)


def test_a_form_whose_wording_moved_is_an_error_naming_the_sheet_and_what_was_expected(
    tmp_path: Path,
) -> None:
    forms = g1_primary()
    forms[1].columns[3] = "在校学生数 / 七年级"  # 栏 4 of 基础基312
    result = read(o.write_g1(tmp_path / "a.xlsx", 2020, PRIMARY, forms))
    assert [p.chinese() for p in result.problems] == [
        "a.xlsx「基础基312」第 7 行：值为空，要求：基础基312「小学学生数」的版式与 eduplan 的对照表（g1-312.yaml）不符："
        "第 4 栏应为“在校学生数/一年级”，表上是“在校学生数 / 七年级”"
    ]


def test_a_figure_that_breaks_the_form_s_own_totals_is_refused_at_its_cell(tmp_path: Path) -> None:
    forms = g1_primary()
    forms[0].values[("1", "1")] = 13  # 212 总计 合计 13 ≠ 2 × 6
    [problem] = read(o.write_g1(tmp_path / "a.xlsx", 2020, PRIMARY, forms)).problems
    assert (problem.sheet, problem.row, problem.letter, problem.value) == ("基础基212", 7, "D", "13")
    assert problem.expected.startswith("等于各分项之和 12")


def g2_nine_year() -> list[o.Form]:
    f2106, f2107, f3112, f3115, f4149, f4155, f5170, f5176 = (o.g2_2106(), o.g2_2107(), o.g2_3112(), o.g2_3115(),
                                                              o.g2_4149(), o.g2_4155(), o.g2_5170(), o.g2_5176())  # fmt: skip
    f2106.values = {("1", "1"): 6, **{("1", str(c)): 1 for c in range(2, 8)}}
    f2107.values = {("1", "1"): 3, **{("1", str(c)): 1 for c in range(2, 5)}}
    girls = [15, 15, 14, 15, 15, 14]
    f3112.values = {("1", "1"): 30, ("1", "2"): 35, ("1", "7"): 180, ("1", "8"): 88, ("2", "7"): 88, ("2", "8"): "-",
                    ("5", "7"): 20, ("9", "7"): 10, **{("1", str(c)): 30 for c in range(9, 15)},
                    **{("2", str(9 + i)): g for i, g in enumerate(girls)}}  # fmt: skip
    f3115.values = {("1", "1"): 40, ("1", "2"): 45, ("1", "3"): 130, ("1", "4"): 60, ("2", "3"): 60, ("5", "3"): 70,
                    ("9", "3"): 5, ("1", "5"): 45, ("1", "6"): 43, ("1", "7"): 42, ("2", "5"): 20, ("2", "6"): 20,
                    ("2", "7"): 20}  # fmt: skip
    f4149.values = {
        ("1", "1"): 30,
        ("1", "2"): 25,
        ("1", "3"): 2,
        ("1", "4"): 1,
        ("1", "5"): 1,
        ("1", "6"): 1,
        ("1", "7"): 3,
    }
    f4155.values = {("1", "1"): 25, ("1", "17"): 3, ("1", "18"): 4, ("6", "1"): 1, ("7", "1"): 10, ("8", "1"): 3,
                    ("9", "1"): 1, ("15", "1"): 2, ("16", "1"): 7, ("17", "1"): 1}  # fmt: skip
    f5170.values = {("1", "1"): 4000, ("2", "1"): 2500}
    f5176.values = {
        ("3", "1"): 6000,
        ("4", "1"): 15000,
        ("5", "1"): 40,
        ("6", "1"): 9,
        ("7", "1"): 1,
        ("8", "1"): 1,
        ("9", "1"): 50,
    }
    return [f2106, f2107, f3112, f3115, f4149, f4155, f5170, f5176]


def test_a_generation_2_nine_year_school_gives_exactly_its_figures(tmp_path: Path) -> None:
    result = read(o.write_g2(tmp_path / "九年.xlsx", 2022, NINE, "九年一贯制学校", g2_nine_year()))
    assert result.ok, [p.chinese() for p in result.problems]
    [school] = rows(result, "schools")
    assert (school["township"], school["school_type"], school["locale"], school["ownership"]) == (
        "990101002",
        "nine_year",
        "rural",
        "public",
    )
    grades = [
        (g["stage"], g["grade"], g["enrollment"], g["enrollment_female"], g["classes"])
        for g in rows(result, "grade_year")
    ]
    assert grades == [("junior", 1, 45, 20, 1), ("junior", 2, 43, 20, 1), ("junior", 3, 42, 20, 1),
                      *[("primary", g, 30, f, 1) for g, f in zip(range(1, 7), [15, 15, 14, 15, 15, 14], strict=True)]]  # fmt: skip
    stages = {
        s["stage"]: (s["graduates"], s["entrants"], s["boarders"], s["migrant"])
        for s in rows(result, "stage_year")
    }
    assert stages == {"primary": (30, 35, 20, 10), "junior": (40, 45, 70, 5)}
    [year] = rows(result, "school_year")
    # 4155: postgraduates 1 (小学 硕士) + 2 (初中 硕士); 本科 10 + 7; 专科 3 + 1; 高中阶段 1. 5176: 50 万元.
    assert {k: v for k, v in year.items() if v is not None} == {
        "school": "3199010102", "year": 2022, "teachers": 25, "staff": 30, "teachers_postgrad": 3,
        "teachers_bachelor": 17, "teachers_college": 4, "teachers_secondary": 1, "teachers_pe": 3, "teachers_arts": 4,
        "area_building": 4000.0, "area_teaching": 2500.0, "area_sports": 6000.0, "books": 15000, "computers": 40,
        "multimedia_classrooms": 9, "music_rooms": 1, "art_rooms": 1, "equipment_value": 500000.0,
    }  # fmt: skip


def g2_kindergarten() -> list[o.Form]:
    f2105, f3111, f4148, f4159 = o.g2_2105(), o.g2_3111(), o.g2_4148(), o.g2_4159()
    f2105.values = {("1", "1"): 7, ("1", "2"): 1, ("1", "3"): 2, ("1", "4"): 2, ("1", "5"): 2}
    f3111.values = {("1", "1"): 60, ("1", "6"): 190, ("1", "8"): 20, ("1", "9"): 55, ("1", "10"): 58, ("1", "11"): 57,
                    ("2", "9"): 25, ("2", "10"): 30, ("2", "11"): 28, ("1", "12"): 50}  # fmt: skip
    f4148.values = {("1", "1"): 22, ("1", "2"): 1, ("1", "3"): 12, ("1", "5"): 6, ("1", "6"): 3}
    f4159.values = {("2", "1"): 12, ("2", "3"): 4, ("2", "4"): 8}
    return [f2105, f3111, f4148, f4159]


def test_a_generation_2_inclusive_private_kindergarten(tmp_path: Path) -> None:
    result = read(o.write_g2(tmp_path / "园.xlsx", 2023, KG, "幼儿园", g2_kindergarten(), inclusive="是"))
    assert result.ok, [p.chinese() for p in result.problems]
    [school] = rows(result, "schools")
    assert (school["ownership"], school["school_type"]) == ("private_inclusive", "kindergarten")
    grades = [
        (g["grade"], g["enrollment"], g["enrollment_female"], g["classes"])
        for g in rows(result, "grade_year")
    ]
    assert grades == [(1, 55, 25, 2), (2, 58, 30, 2), (3, 57, 28, 2)]
    [year] = rows(result, "school_year")
    assert (year["staff"], year["teachers"], year["teachers_bachelor"], year["teachers_college"]) == (
        22,
        12,
        4,
        8,
    )
    notices = [n.text for n in result.notices]
    assert "托班幼儿 20 人未计入（eduplan 的学前教育按小班、中班、大班三个年级统计）" in notices
    assert "托班 1 个未计入（eduplan 的学前教育按小班、中班、大班三个年级统计）" in notices


def test_a_private_school_keeps_its_stored_inclusive_status_when_the_form_does_not_say(
    tmp_path: Path,
) -> None:
    known = Known(schools=frozenset({KG.code}), units=KNOWN.units, school_types={KG.code: "kindergarten"},
                  ownerships={KG.code: "private_inclusive"})  # fmt: skip
    result = read(o.write_g1(tmp_path / "园.xlsx", 2020, KG, []), known=known)
    assert "ownership" not in result.facts.schools.columns


def test_a_folder_or_zip_of_schools_is_one_import(tmp_path: Path) -> None:
    folder = tmp_path / "各校"
    folder.mkdir()
    o.write_g1(folder / "小学.xlsx", 2020, PRIMARY, g1_primary())
    o.write_g2(folder / "九年.xlsx", 2022, NINE, "九年一贯制学校", g2_nine_year())
    archive = tmp_path / "各校.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in folder.iterdir():
            z.write(path, path.name)
    for source in (folder, archive):
        result = read(source)
        assert result.ok, [p.chinese() for p in result.problems]
        assert sorted(result.facts.schools["code"]) == [PRIMARY.code, NINE.code]
        assert {f.name for f in result.files} == {f"{source.name}/小学.xlsx", f"{source.name}/九年.xlsx"}


def test_an_unknown_township_is_refused_at_the_statistical_area_code(tmp_path: Path) -> None:
    school = o.School("2199010109", "某校", "990101009001", "111", "211")
    problems = read(o.write_g1(tmp_path / "a.xlsx", 2020, school, [])).problems
    assert [(p.sheet, p.row, p.letter, p.value) for p in problems] == [("基础基111", 11, "D", "990101009")]


def test_every_mapped_form_has_a_fixture() -> None:
    """Each layout file is exercised: by the fixtures above, or by the real kindergarten workbook."""
    built = {
        f.code
        for f in (
            *g1_primary(),
            *g2_nine_year(),
            *g2_kindergarten(),
            o.g1_213(),
            o.g1_313(),
            o.g1_424(),
            o.g2_3118(),
        )
    }
    real = {
        "基础基111",
        "基础基211",
        "基础基311",
        "基础基331",
        "基础基411",
        "基础基4211",
        "基础基511",
        "基础基521",
        "教基1001",
    }
    assert {layout.form for layout in layouts()} <= built | real


def test_junior_and_senior_forms(tmp_path: Path) -> None:
    school = o.School("3199010104", "示例县第一中学", "990101001002", "111", "341")
    f213, f313, f424 = o.g1_213(), o.g1_313(), o.g1_424()
    f213.values = {("1", "1"): 10, ("1", "2"): 6, ("1", "3"): 2, ("1", "4"): 2, ("1", "5"): 2, ("1", "7"): 4,
                   ("1", "8"): 2, ("1", "9"): 1, ("1", "10"): 1, ("10", "3"): 1, ("12", "8"): 1}  # fmt: skip
    f313.values = {
        ("1", "1"): 90,
        ("1", "2"): 100,
        ("1", "3"): 290,
        ("1", "4"): 100,
        ("1", "5"): 95,
        ("1", "6"): 95,
    }
    f424.values = {
        ("1", "1"): 30,
        ("3", "1"): 5,
        ("4", "1"): 25,
        ("1", "12"): 2,
        ("1", "13"): 1,
        ("1", "14"): 1,
    }
    result = read(o.write_g1(tmp_path / "中学.xlsx", 2020, school, [f213, f313, f424]))
    assert result.ok, [p.chinese() for p in result.problems]
    grades = [(g["stage"], g["grade"], g.get("enrollment"), g["classes"], g["classes_56_65"], g["classes_66_plus"])
              for g in rows(result, "grade_year")]  # fmt: skip
    assert grades == [("junior", 1, 100, 2, 1, 0), ("junior", 2, 95, 2, 0, 0), ("junior", 3, 95, 2, 0, 0),
                      ("senior", 1, None, 2, 0, 1), ("senior", 2, None, 1, 0, 0), ("senior", 3, None, 1, 0, 0)]  # fmt: skip
    f3118 = o.g2_3118()
    f3118.values = {
        ("1", "1"): 300,
        ("1", "2"): 320,
        ("1", "3"): 950,
        ("1", "5"): 320,
        ("1", "6"): 310,
        ("1", "7"): 320,
    }
    senior = read(o.write_g2(tmp_path / "高中.xlsx", 2022, school, "完全中学", [f3118]))
    assert senior.ok and [g["enrollment"] for g in rows(senior, "grade_year")] == [320, 310, 320]


@pytest.mark.db
def test_the_real_kindergarten_workbook_imports_exactly(
    demo_db: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fixed point: school 9901019999 in 城关镇 990101001, school year 2020: 在园 305 (87, 70, 148), 9 classes,
    28 教职工, 15 专任教师 — and `eduplan export stats` then holds them."""
    from eduplan.cli import main

    assert main(["import", str(KINDERGARTEN)]) == 0
    assert main(["export", "stats", str(tmp_path / "out.csv")]) == 0
    grades = pl.read_csv(tmp_path / "out-grade_year.csv", infer_schema=False).filter(
        pl.col("学校标识码") == "9901019999"
    )
    assert grades.select("学年", "学段", "年级", "在校生数", "班数").rows() == [
        ("2020", "学前", "1", "87", "3"), ("2020", "学前", "2", "70", "2"), ("2020", "学前", "3", "148", "4")]  # fmt: skip
    year = pl.read_csv(tmp_path / "out-school_year.csv", infer_schema=False).filter(
        pl.col("学校标识码") == "9901019999"
    )
    assert year.select("学年", "教职工数", "专任教师数").rows() == [("2020", "28", "15")]
    from eduplan.web.schools.models import School

    school = School.objects.get(code="9901019999")
    assert (school.township.code, school.township.name, school.school_type, school.ownership, school.locale) == (
        "990101001", "城关镇", "kindergarten", "private", "town")  # fmt: skip
