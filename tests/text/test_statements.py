"""Statement patterns named in issue 4, each with its exact expected statements.

Rows are (kind, indicator, cmp, value, value_max, unit, year, per, placeholder, scope); codes are tested
separately because the indicator catalogue may add aliases. Years default to the horizon: 十四五 → 2025.
"""

from __future__ import annotations

import pytest

from eduplan.text.codes import match_code
from eduplan.text.statements import extract

H = "某县教育事业“十四五”发展规划\n"  # horizon 2025
Row = tuple[str, str, str, float | None, float | None, str, int | None, str | None, bool, str | None]


def rows(text: str) -> list[Row]:
    return [
        (s.kind, s.indicator, s.cmp, s.value, s.value_max, s.unit, s.year, s.per, s.placeholder, s.scope)
        for s in extract(text, "t.txt").statements
    ]


C = "commitment"
CASES: dict[str, tuple[str, list[Row]]] = {
    "coordinated subjects split": (
        H + "到2025年，小学阶段和初中阶段毛入学率保持在100%以上。",
        [(C, "小学阶段毛入学率", ">=", 100, None, "%", 2025, None, False, None),
         (C, "初中阶段毛入学率", ">=", 100, None, "%", 2025, None, False, None)],
    ),
    "a share of a union is not split": (
        H + "公办幼儿园和普惠性民办幼儿园在园幼儿数占比达到85%以上。",
        [(C, "公办幼儿园和普惠性民办幼儿园在园幼儿数占比", ">=", 85, None, "%", 2025, None, False, None)],
    ),
    "range 1-2名 and a rank that is no statement": (
        H + "力争每年有1-2名考生进入全省前100名。",
        [(C, "考生进入全省前100名", "range", 1, 2, "人", 2025, "year", False, None)],
    ),
    "ratio 职普比4:6": (
        H + "高中阶段职普比达到4:6左右。",
        [(C, "高中阶段职普比", "ratio", 4, 6, "ratio", 2025, None, False, None)],
    ),
    "trajectory with explicit years and carried indicator": (
        H + "全市学生体质健康优良率2021年达到45%以上;2022年达到50%以上;2023-2024年每年提升2个百分点。",
        [(C, "学生体质健康优良率", ">=", 45, None, "%", 2021, None, False, None),
         (C, "学生体质健康优良率", ">=", 50, None, "%", 2022, None, False, None),
         (C, "学生体质健康优良率", "change", 2, None, "pp", 2024, "year", False, None)],
    ),
    "a falling change is negative": (
        H + "全县儿童青少年总体近视率每年降低0.5个百分点。",
        [(C, "儿童青少年总体近视率", "change", -0.5, None, "pp", 2025, "year", False, None)],
    ),
    "Chinese numeral as a quantity (千户)": (
        H + "千户小区全面配建普惠性幼儿园。",
        [(C, "小区全面配建普惠性幼儿园", "=", 1000, None, "户", 2025, None, False, None)],
    ),
    "万分之五 → 0.05%": (
        H + "县财政按上年度财政总收入万分之五的比例计提资金。",
        [(C, "县财政按上年度财政总收入", "=", 0.05, None, "%", 2025, None, False, None)],
    ),
    "万 and 万元 in base units": (
        H + "按每0.3万-1.2万人规划建设幼儿园，每年县财政预算安排专项资金500万元以上。",
        [(C, "规划建设幼儿园", "range", 3000, 12000, "人", 2025, None, False, None),
         (C, "县财政预算安排专项资金", ">=", 5_000_000, None, "元", 2025, "year", False, None)],
    ),
    "template placeholders, horizon unknown": (
        "20xx年工作要点\n一、工作措施\n预计新增学位xxxx余个，一次性就业率保持在xx%以上，培育党建示范点x个。",
        [(C, "新增学位", "=", None, None, "个", None, None, True, None),
         (C, "一次性就业率", ">=", None, None, "%", None, None, True, None),
         (C, "培育党建示范点", "=", None, None, "个", None, None, True, None)],
    ),
    "numbers inside a definition are not statements": (
        H + "全部消除56人以上大班额。",
        [],
    ),
    "planning norm: the threshold, not the school it places": (
        H + "落实1万人以上建设1所完全小学、3万人以上建设1所初中政策要求。",
        [(C, "完全小学建设人口门槛", ">=", 10000, None, "人", 2025, None, False, None),
         (C, "初中建设人口门槛", ">=", 30000, None, "人", 2025, None, False, None)],
    ),
    "recurrence 每学期, 每两年, 每天": (
        H + "每学期组织乡村教师进行专项培训2次以上，每两年按10%的增幅提高生均公用经费标准，"
        "保证中小学生每天1小时校园体育活动时间。",
        [(C, "组织乡村教师进行专项培训", ">=", 2, None, "次", 2025, "semester", False, None),
         (C, "增幅提高生均公用经费标准", "change", 10, None, "%", 2025, "2years", False, None),
         (C, "中小学生校园体育活动时间", "=", 1, None, "小时", 2025, "day", False, None)],
    ),
    "scope 其中农村 and 每个乡镇": (
        H + "全市3-5周岁幼儿毛入园率保持在100%以上，其中农村达到90%以上。每个乡镇至少办好1所公办中心幼儿园。",
        [(C, "3-5周岁幼儿毛入园率", ">=", 100, None, "%", 2025, None, False, None),
         (C, "农村3-5周岁幼儿毛入园率", ">=", 90, None, "%", 2025, None, False, "农村"),
         (C, "公办中心幼儿园", ">=", 1, None, "所", 2025, None, False, "每个乡镇")],
    ),
    "upper bounds and an explicit year": (
        H + "到2019年秋季开学，义务教育阶段大班额控制在10%以内。",
        [(C, "义务教育阶段大班额", "<=", 10, None, "%", 2019, None, False, None)],
    ),
    "numbers that are names": (
        H + "实施教育信息化2.0行动计划，推进“5080”攻坚计划，建设“三通两平台”，落实“两个一百年”目标，普及15年基础教育。",
        [],
    ),
    "Traditional characters, full-width digits, thousands separator": (
        "某縣“十四五”教育發展規劃\n到2025年，全縣學前三年毛入園率達到９０％，新增學位3,000個。",
        [(C, "学前三年毛入园率", ">=", 90, None, "%", 2025, None, False, None),
         (C, "新增学位", "=", 3000, None, "个", 2025, None, False, None)],
    ),
    "百分之N and a yearly growth rate": (
        H + "到2025年，巩固率达到百分之九十五，财政教育经费年均增长10%。",
        [(C, "巩固率", ">=", 95, None, "%", 2025, None, False, None),
         (C, "财政教育经费", "change", 10, None, "%", 2025, "year", False, None)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_pattern(name: str) -> None:
    text, expected = CASES[name]
    assert rows(text) == expected


def test_review_section_gives_baselines_and_respectively_pairs() -> None:
    text = (
        "某县“十四五”规划\n一、“十三五”发展成就\n"
        "全县学前三年普及率、普惠率、公办园幼儿占比分别达86.8%、87.6%、50.6%。\n二、目标\n学前三年毛入园率达到96%以上。"
    )
    got = [(s.kind, s.indicator, s.value, s.year) for s in extract(text).statements]
    # The review's year is the year before the period (2021-2025 → 2020).
    assert got == [
        ("baseline", "学前三年普及率", 86.8, 2020),
        ("baseline", "普惠率", 87.6, 2020),
        ("baseline", "公办园幼儿占比", 50.6, 2020),
        ("commitment", "学前三年毛入园率", 96, 2025),
    ]


def test_table_one_cell_per_line() -> None:
    text = (
        H
        + "指标\n2020年\n2025年\n属性\n学前三年毛入园率(%)\n88.5\n95\n预期性\n义务教育阶段大班额比例(%)\n5\n0\n约束性\n"
    )
    got = [(s.kind, s.indicator, s.cmp, s.value, s.unit, s.year) for s in extract(text).statements]
    assert got == [
        ("baseline", "学前三年毛入园率", "=", 88.5, "%", 2020),
        ("commitment", "学前三年毛入园率", ">=", 95, "%", 2025),
        ("baseline", "义务教育阶段大班额比例", "=", 5, "%", 2020),
        ("commitment", "义务教育阶段大班额比例", "<=", 0, "%", 2025),  # 大班额 falls: an upper bound
    ]


def test_table_one_row_per_line() -> None:
    got = [
        (s.kind, s.value, s.year)
        for s in extract(H + "2020年\n2025年\n高中阶段毛入学率 91 95 预期性\n").statements
    ]
    assert got == [("baseline", 91, 2020), ("commitment", 95, 2025)]


def test_quotes_are_verbatim_raw_text() -> None:
    raw = "某縣“十四五”規劃\n全縣學前三年毛入園率達 86.8%以上。"
    (st,) = extract(raw).statements
    assert st.quote == "全縣學前三年毛入園率達 86.8%以上"
    assert st.quote in raw


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("學前三年毛入園率", "preschool_ger"),
        ("公办和普惠性幼儿园在园幼儿占比", "preschool_inclusive_share"),
        ("公办和普惠性幼儿园占比", "preschool_inclusive_kg_share"),
        ("中职学校“双师型”教师占比", "dual_qualified_teacher_share"),
        ("九年义务教育巩固率", "compulsory_retention_rate"),
        ("学前教育普及普惠县", None),  # fuzzy match must end like the alias
    ],
)
def test_codes(phrase: str, code: str | None) -> None:
    assert match_code(phrase) == code


def test_table_header_and_rows_on_single_lines_as_pdf_gives_them() -> None:
    text = (
        H + "指标 单位 2020年 2025年 属性\n学前三年毛入园率 % 95.2 98 预期性\n新增学位 个 1200 5000 预期性\n"
    )
    got = [(s.kind, s.indicator, s.value, s.unit, s.year) for s in extract(text).statements]
    assert got == [
        ("baseline", "学前三年毛入园率", 95.2, "%", 2020),
        ("commitment", "学前三年毛入园率", 98, "%", 2025),
        ("baseline", "新增学位", 1200, "个", 2020),
        ("commitment", "新增学位", 5000, "个", 2025),
    ]


def test_a_value_dated_before_the_period_is_a_baseline() -> None:
    text = "某区教育“十四五”规划\n二、目标\n2020年，全区学前三年毛入园率为95%，到2025年达到98%。"
    got = [(s.kind, s.indicator, s.cmp, s.value, s.year) for s in extract(text).statements]
    assert got == [
        ("baseline", "学前三年毛入园率", "=", 95, 2020),
        ("commitment", "学前三年毛入园率", ">=", 98, 2025),  # indicator carried from the clause before
    ]


def test_work_plan_of_one_year_in_traditional_characters() -> None:
    text = "XX縣2023年教育工作要點\n一、主要目標\n全年新增公辦學位xxx個，確保公辦園在園幼兒佔比不低於50%。"
    got = [(s.indicator, s.cmp, s.value, s.unit, s.year, s.placeholder) for s in extract(text).statements]
    assert got == [
        ("新增公办学位", "=", None, "个", 2023, True),
        ("公办园在园幼儿占比", ">=", 50, "%", 2023, False),
    ]


def test_a_review_document_reports_baselines_of_its_last_year() -> None:
    # A 十三五 summary: every value is one reached, dated 2020 (the period's end) unless it says otherwise.
    text = "某县“十三五”教育事业发展总结\n一、主要成绩\n全县学前三年毛入园率达到92%，新建学校5所。"
    got = [(s.kind, s.cmp, s.value, s.unit, s.year) for s in extract(text).statements]
    assert got == [("baseline", "=", 92, "%", 2020), ("baseline", "=", 5, "所", 2020)]


@pytest.mark.parametrize(
    ("sentence", "cmp"),
    [
        ("校长教师交流轮岗比例不低于应交流人数的10%。", ">="),
        ("专任教师中研究生学历比例不少于教师总数的5%。", ">="),
        ("临聘教师不超过在编教师总数的3%。", "<="),
    ],
)
def test_comparator_before_the_base_of_a_share(sentence: str, cmp: str) -> None:
    # 不低于 governs the share "of" a base named between it and the number (应交流人数的10%).
    [statement] = extract(H + sentence, "t.txt").statements
    assert (statement.cmp, statement.value, statement.unit) == (
        cmp,
        float(sentence.split("的")[-1].rstrip("%。")),
        "%",
    )
