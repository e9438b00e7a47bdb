"""Genre, modality and temporal anchoring: each decision on a small text worked out by hand."""

from __future__ import annotations

from eduplan.text.normalise import normalise
from eduplan.text.statements import extract
from eduplan.text.structure import structure


def _rows(text: str) -> list[tuple[str, str, float | None, str, int | None]]:
    return [(s.kind, s.cmp, s.value, s.unit, s.year) for s in extract(text, "t.txt").statements]


def test_genre_from_the_title() -> None:
    cases = {
        "某省2018年教育事业发展统计公报\n正文": "bulletin",
        "某县教育局2023年工作总结\n正文": "summary",
        "某县2024年教育工作要点\n正文": "workplan",
        "2024年《政府工作报告》重点工作目标任务分解表\n正文": "tasks",
        "学前教育普及普惠督导评估有关指标标准\n正文": "standard",
        "某县教育事业“十四五”发展规划\n正文": "plan",
    }
    for text, code in cases.items():
        assert structure(normalise(text)).genre.code == code, text


def test_a_bulletin_reports_baselines_and_drops_comparisons() -> None:
    # 89.7% is a level reached (baseline, year of the title); 0.64 pp and 1.88% compare with last year: no rows.
    text = "某省2018年教育事业发展统计公报\n全省共有学校15340所，比上年减少294所，下降1.88%。学前教育毛入园率达到89.7%，比上年提高0.64个百分点。"
    assert [r for r in _rows(text) if r[3] == "%"] == [("baseline", "=", 89.7, "%", 2018)]


def test_a_quoted_target_in_a_report_is_a_commitment_due_at_the_plan_end() -> None:
    text = "2018年《儿童发展纲要(2011—2020年)》统计监测报告\n2018年，低出生体重发生率为3.13%，较好控制在4%的《纲要》目标之内。"
    assert _rows(text) == [("baseline", "=", 3.13, "%", 2018), ("commitment", "<=", 4.0, "%", 2020)]


def test_paragraph_year_carries_and_comparison_year_is_not_the_due_year() -> None:
    text = "某县教育事业“十四五”发展规划\n二、主要目标\n2023年，新增学位3000个。全县毛入园率达到95%。\n到2025年，巩固率比2020年提高2个百分点。"
    rows = _rows(text)
    assert rows[0][4] == 2023 and rows[1][4] == 2023
    assert rows[2] == ("commitment", "change", 2.0, "pp", 2025)


def test_standard_grid_one_cell_per_line() -> None:
    text = "某评估指标标准\n序号\n指标\n国家标准\n1\n学前三年毛入园率(%)\n≥85\n2\n专任教师与幼儿之比\n≤1:15\n"
    assert _rows(text) == [("commitment", ">=", 85.0, "%", None), ("commitment", "ratio", 1.0, "ratio", None)]


def test_hygiene_addresses_and_tag_footers_are_not_read() -> None:
    text = "某县2024年教育工作要点\n来源：https://x.gov.cn/a%E6%95%99%E8%82%B2/2024/0101/1.html\n毛入园率达到90%。\n关键词：毛入园率达到90%"
    assert _rows(text) == [("commitment", ">=", 90.0, "%", 2024)]
