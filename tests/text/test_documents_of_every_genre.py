"""Rules of issue 13 that hold across genres, each on a short text written for the test with its statements worked
out by hand: (kind, indicator, cmp, value, value_max, unit, year, per)."""

from __future__ import annotations

import pytest

from eduplan.text.normalise import normalise
from eduplan.text.statements import extract
from eduplan.text.structure import structure

Row = tuple[str, str, str, float | None, float | None, str, int | None, str | None]
C, B = "commitment", "baseline"
PLAN = "某县教育事业“十四五”发展规划\n"  # horizon 2025


def rows(text: str) -> list[Row]:
    return [
        (s.kind, s.indicator, s.cmp, s.value, s.value_max, s.unit, s.year, s.per)
        for s in extract(text, "t.txt").statements
    ]


CASES: dict[str, tuple[str, list[Row]]] = {
    # Two bare rates after one that names the level share its head (小学).
    "a shared head": (
        PLAN + "到2025年，全县小学入学率、巩固率均达100%。",
        [
            (C, "小学入学率", ">=", 100, None, "%", 2025, None),
            (C, "小学巩固率", ">=", 100, None, "%", 2025, None),
        ],
    ),
    # Two levels before 分别 share the tail of the last item.
    "a shared tail in a 分别 list": (
        "某省2015年教育事业发展统计公报\n2015年，小学、初中适龄人口入学率分别为100%、100.22%。",
        [
            (B, "小学适龄人口入学率", "=", 100, None, "%", 2015, None),
            (B, "初中适龄人口入学率", "=", 100.22, None, "%", 2015, None),
        ],
    ),
    # 八年级 names only the level that differs from the clause before.
    "another level, the rest from the clause before": (
        "某市2018年质量监测报告\n2018年，四年级学生数学学习兴趣高的比例为88.1%，八年级为67.9%。",
        [
            (B, "四年级学生数学学习兴趣高的比例", "=", 88.1, None, "%", 2018, None),
            (B, "八年级学生数学学习兴趣高的比例", "=", 67.9, None, "%", 2018, None),
        ],
    ),
    # The topic before the colon is what the levels after it measure; 4.2人 is a standard with no horizon.
    "a topic before a colon": (
        "某省县域义务教育优质均衡发展督导评估具体办法\n1.每百名学生拥有骨干教师数:小学、初中均达到1人以上;",
        [
            (C, "小学每百名学生拥有骨干教师数", ">=", 1, None, "人", None, None),
            (C, "初中每百名学生拥有骨干教师数", ">=", 1, None, "人", None, None),
        ],
    ),
    # 比上年提高 in a report is a change of a value reached: only the level is a statement.
    "a change in a report is no level": (
        "某省2018年教育事业发展统计公报\n2018年，学前教育毛入园率达到89.7%，比上年提高0.64个百分点。",
        [(B, "学前教育毛入园率", "=", 89.7, None, "%", 2018, None)],
    ),
    # …and in a target it is the change committed to; 近视率年降幅≥1个百分点 is a fall of 1 point a year.
    "a change in a target": (
        "某校2025—2026学年度工作计划\n④学生体质健康测试优良率≥58%，近视率年降幅≥1个百分点；",
        [
            (C, "学生体质健康测试优良率", ">=", 58, None, "%", 2026, None),
            (C, "近视率", "change", -1, None, "pp", 2026, "year"),
        ],
    ),
    # 在2018年的基础上 is the base of the change, not the year it is due.
    "a base year is no due year": (
        PLAN + "到2023年，力争实现总体近视率在2018年的基础上每年降低0.5个百分点以上。",
        [(C, "总体近视率", "change", -0.5, None, "pp", 2023, "year")],
    ),
    # 6.1‰ is 0.61 %; 三分之二以上 is at least 66.666667 %.
    "per mille and fractions": (
        "某县2018年监测报告\n2018年，全县婴儿死亡率为6.1‰。\n到2025年，力争三分之二以上的乡镇有独立的办学场所。",
        [
            (B, "婴儿死亡率", "=", 0.61, None, "%", 2018, None),
            (C, "乡镇有独立的办学场所比例", ">=", 66.666667, None, "%", 2025, None),
        ],
    ),
    # The starting level of 由A上升到B names no year: only B is a statement.
    "the level a change starts from": (
        "某县教育局过去五年工作总结\n一、工作回顾\n学前三年毛入园率由58%上升到79.6%。",
        [(B, "学前三年毛入园率", "=", 79.6, None, "%", None, None)],
    ),
    # 将新建 is a plan; the byline dates the page, so 今年 is 2019; the dateline is no part of the indicator and the
    # headline repeats the body's statement (the place name without 省 stays: only the scorer's fuzz forgives it).
    "news of a plan, dated": (
        "广西将新建200所公办幼儿园\n2019-02-28 来源: 新华社\n新华社南宁2月28日电 今年广西将新建200所城乡公办幼儿园。",
        [(C, "广西新建城乡公办幼儿园", "=", 200, None, "所", 2019, None)],
    ),
    # In a | table the column decides: the target column gives commitments of its year, progress baselines.
    "columns of a pipe table": (
        "民生事项进展表\n类别 | 事项 | 2022年度任务目标 | 责任单位 | 1-9月份工作完成情况 |\n"
        "教育 | 改扩建学校 | 完成2座教学楼建设 | 教育局 | 主体钢结构施工完成70% |\n",
        [
            (C, "完成教学楼建设", "=", 2, None, "座", 2022, None),
            (B, "主体钢结构施工完成", "=", 70, None, "%", None, None),
        ],
    ),
    # A value alone on its line takes the label cell above it, and its unit if the label names one.
    "label cells above values": (
        "绩效目标表\n(2020年度)\n项目预算金额(万元)\n193.8\n补贴发放合规率\n≥95%\n",
        [
            (C, "项目预算金额", "=", 1_938_000, None, "元", 2020, None),
            (C, "补贴发放合规率", ">=", 95, None, "%", 2020, None),
        ],
    ),
    # Spans of time, a speech's layout, counts of departments and multiples are no statements.
    "numbers that are no statements": (
        "某县教育工作会议讲话\n同志们:过去一年亮点主要体现在以下5个方面。未来5年,8个部门联合推进,幼儿园数量是2012年的4.87倍。",
        [],
    ),
    # Numbers in a 、 list share the unit and the bound only the last item writes; 控制在 yields to 以上.
    "a list that writes its unit and bound once": (
        "某县2024年教育工作要点\n小学、初中生均面积分别达到4.5、5.8平方米以上。\n小学、初中巩固率分别控制在95%、96%以上。",
        [
            (C, "小学生均面积", ">=", 4.5, None, "平方米", 2024, None),
            (C, "初中生均面积", ">=", 5.8, None, "平方米", 2024, None),
            (C, "小学巩固率", ">=", 95, None, "%", 2024, None),
            (C, "初中巩固率", ">=", 96, None, "%", 2024, None),
        ],
    ),
    # A coefficient after a coefficient has no unit either; 小于或等于 is ≤ written out.
    "a list of coefficients": (
        "某县2024年教育工作要点\n小学、初中综合差异系数分别控制在0.50、0.45以内，校际差异系数小于或等于0.40。",
        [
            (C, "小学综合差异系数", "<=", 0.5, None, "", 2024, None),
            (C, "初中综合差异系数", "<=", 0.45, None, "", 2024, None),
            (C, "校际差异系数", "<=", 0.4, None, "", 2024, None),
        ],
    ),
    # 年底前 is this year's end: a summary's next steps are due in the year of its closing date (in Chinese digits).
    "the year's end and a date line in Chinese digits": (
        "市教育局第三季度工作总结\n三、第四季度工作打算\n确保年底前新增学位1.2万个以上。\n二〇二四年十月十日",
        [(C, "新增学位", ">=", 12000, None, "个", 2024, None)],
    ),
    # A report measures values against the standard it names: each standard is a threshold of the indicator it is
    # compared with, in turn, with no year; what follows it is not a standard.
    "standards a report measures against": (
        "关于某县义务教育优质均衡发展督导评估的反馈意见\n"
        "小学、初中综合差异系数分别为0.41、0.33，均达到国家规定的小于或等于0.50、0.45的要求。"
        "每百名学生拥有体育专任教师数小学为0.76人，未达到0.9人的标准；大班额比例为1.8%。",
        [
            (B, "小学综合差异系数", "=", 0.41, None, "", None, None),
            (B, "初中综合差异系数", "=", 0.33, None, "", None, None),
            (C, "小学综合差异系数", "<=", 0.5, None, "", None, None),
            (C, "初中综合差异系数", "<=", 0.45, None, "", None, None),
            (B, "每百名学生拥有体育专任教师数小学", "=", 0.76, None, "人", None, None),
            (C, "每百名学生拥有体育专任教师数小学", ">=", 0.9, None, "人", None, None),
            (B, "大班额比例", "=", 1.8, None, "%", None, None),
        ],
    ),
    # A level alone measures what the clause before says must meet its standard.
    "a measure named before the levels": (
        "某区中小学教室标准\n1、教室人均面积需达标,小学应达1.36平方米,中学应达1.39平方米。",
        [
            (C, "小学教室人均面积", ">=", 1.36, None, "平方米", None, None),
            (C, "中学教室人均面积", ">=", 1.39, None, "平方米", None, None),
        ],
    ),
    # 分别占全省的 pairs each share with the count in the same place, not with a count in parentheses.
    "shares of the counts before them": (
        "某市2009年教育统计公报\n2009年末，全市有中职学校34所(其中技工学校6所)、在校生5.6万人，分别占全省的55%、59.1%。",
        [
            (B, "有中职学校", "=", 34, None, "所", 2009, None),
            (B, "技工学校", "=", 6, None, "所", 2009, None),
            (B, "在校生", "=", 56000, None, "人", 2009, None),
            (B, "有中职学校占全省比例", "=", 55, None, "%", 2009, None),
            (B, "在校生占全省比例", "=", 59.1, None, "%", 2009, None),
        ],
    ),
    # A dated report's plans with no year of their own are for the year it was written.
    "a dated report's plans": (
        "某县教育局2023年工作总结\n三、下一步工作打算\n招聘补充教师450名。\n2024年1月12日",
        [(C, "招聘补充教师", "=", 450, None, "人", 2024, None)],
    ),
    # A bare noun counted takes what it does; the share after it is of that count, not of the aside between.
    "what the counted do, and an aside passed over": (
        "某省2019年均衡发展督导报告\n截至2019年，全省有27个县实现义务教育基本均衡发展，占全省总县数的92.7%。"
        "全省累计29个县(注:因区划调整减少1个)通过国家认定，占比95.32%。",
        [
            (B, "义务教育基本均衡发展的县", "=", 27, None, "个", 2019, None),
            (B, "义务教育基本均衡发展的县占比", "=", 92.7, None, "%", 2019, None),
            (B, "全省累计", "=", 29, None, "个", 2019, None),
            (B, "因区划调整", "=", 1, None, "个", 2019, None),
            (B, "全省累计占比", "=", 95.32, None, "%", 2019, None),
        ],
    ),
    # A grid drawn with box characters is read cell by cell; a rate that sorts out places names a group; 15年教育 is
    # a name; a 目标责任制 table is a task table of its title's year.
    "a box-drawn assessment table": (
        "附件2\n某市2007年县(区)政府教育发展目标责任制考核重点项目\n┌───┬───┐\n"
        "│ 1 │15年教育普及│ 10 │\n│ 4 │ 标准化 │ 10 │区域内标准化学校达到85%得10分;低于85%的县(区)按从高│",
        [(C, "标准化学校", ">=", 85, None, "%", 2007, None)],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(name: str) -> None:
    text, expected = CASES[name]
    assert rows(text) == expected


@pytest.mark.parametrize(
    ("title", "text", "genre"),
    [
        ("某县2023年教育工作要点", "一、主要目标\n全年新增学位3000个。", "workplan"),
        ("关于某县义务教育优质均衡发展省级督导评估的反馈意见", "督导组对某县进行了实地督导。", "monitoring"),
        ("绩效目标表", "产出指标数量指标农村义务教育学校改造覆盖率100%", "tasks"),
        (None, "同志们:\n过去一年，全县教育事业取得新进展。", "summary"),
        (None, "2012年，中等职业教育毕业生数为674.6万人。2016年这一比例上升到80.53%。", "summary"),
    ],
)
def test_genre(title: str | None, text: str, genre: str) -> None:
    doc = normalise((title + "\n" if title else "") + text)
    assert structure(doc).genre.code == genre


def test_years_in_chinese_digits_and_annotation_noise() -> None:
    # 一九八五年 keeps its four characters as 1985年; 學(xué), (繁体:辦) and {拼音:zhōng} are page noise.
    doc = normalise("一九八五年,學(xué)前教育與公办(繁体:辦)幼儿园,其中{拼音:zhōng}:")
    assert doc.text == "1985年,学前教育与公办幼儿园,其中:"
    assert doc.quote(0, 5) == "一九八五年"
