"""Heading tree, title, issuing body, 文号, date, period and horizon."""

from __future__ import annotations

from eduplan.text.normalise import normalise
from eduplan.text.structure import structure

NOTICE = """江府办函〔2023〕124号
江门市人民政府办公室
某市“百县千镇万村高质量发展工程”
教育行动方案（2023—2027年）
2023年11月20日
第一章 总体要求
第一节 主要目标
一、发展目标
（一）学前教育
1.扩大供给。到2025年新增学位3000个。
（1）城区
——坚持优先发展。全面贯彻。
二、重点任务
"""


def test_metadata_of_a_notice() -> None:
    s = structure(normalise(NOTICE))
    assert s.doc_number == "江府办函[2023]124号"
    assert s.issuer == "江门市人民政府办公室"
    assert s.title == "某市“百县千镇万村高质量发展工程”教育行动方案(2023-2027年)"
    assert s.date == "2023-11-20"
    assert s.period == (2023, 2027)
    assert s.horizon == 2027


def test_heading_tree() -> None:
    s = structure(normalise(NOTICE))
    got = [(h.rank, h.text) for h in s.headings]
    assert got == [
        (1, "第一章总体要求"),
        (2, "第一节主要目标"),
        (3, "一、发展目标"),
        (4, "(一)学前教育"),
        (5, "1.扩大供给"),
        (6, "(1)城区"),
        (7, "--坚持优先发展"),
        (3, "二、重点任务"),
    ]
    # 二、 closes 一、 and everything under it; its parent is 第一节.
    assert s.headings[-1].parent == 1
    assert [h.text for h in s.path_at(NOTICE.index("城区"))][-2:] == ["1.扩大供给", "(1)城区"]


def test_five_year_plans_and_templates() -> None:
    assert structure(normalise("某县教育事业“十四五”发展规划\n正文")).horizon == 2025
    assert structure(normalise("某县教育事业“十四五”发展规划\n正文")).period == (2021, 2025)
    review = structure(normalise("某县“十三五”教育事业发展总结\n“十三五”期间成绩显著"))
    assert review.horizon == 2020
    template = structure(normalise("20xx年是关键之年。\n一、总体要求\n培育示范点x个。"))
    assert template.horizon is None and template.period is None


def test_horizon_from_target_years_without_a_period() -> None:
    # No period in the title: the most named 到YYYY年 wins, the later on a tie (2025 twice, 2020 twice).
    text = "关于推进教育高质量发展的若干意见\n到2025年，A。力争到2025年，B。到2020年，C。力争到2020年，D。"
    assert structure(normalise(text)).horizon == 2025


def test_web_page_metadata() -> None:
    raw = "发布机构：韶关市南雄市教育局 成文日期：2023-02-17\n名称：南雄市教育事业“十四五”发展规划\n正文"
    s = structure(normalise(raw))
    assert s.issuer == "韶关市南雄市教育局"
    assert s.date == "2023-02-17"
    assert s.title == "南雄市教育事业“十四五”发展规划"


def test_one_year_work_plan() -> None:
    s = structure(normalise("某县2023年教育工作要点\n一、主要目标"))
    assert (s.period, s.horizon) == ((2023, 2023), 2023)
