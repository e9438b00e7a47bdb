"""The evaluation report from hand-made results: its wording, its tables and its Word layout (GB/T 9704)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from docx import Document as open_docx
from docx.oxml.ns import qn

from eduplan.reports import evaluation, official
from eduplan.reports.content import ProjectLine, ReportInputs, Standards
from eduplan.web.reports.render import figure_png

from .test_ratings import RURAL

ENROL = replace(
    RURAL, number=1, label="学前三年毛入园率", status="achieved", baseline_value=101.89, baseline_year=2020,
    latest_value=102.7, latest_year=2024, target_value=100.0, ratio=None, forecast_value=102.84, source="computed",
)  # fmt: skip
GROUPS = replace(
    RURAL, number=3, label="义务教育学区化集团化办学覆盖率", status="no_data", latest_value=None, latest_year=None,
    baseline_value=None, baseline_year=None, ratio=None, forecast_value=None, reason="没有该指标的数据", source="none",
    office="基础教育股",
)  # fmt: skip
RURAL_OFFICE = replace(RURAL, office="学前教育股")
PROJECTS = [
    ProjectLine("城关小学扩建", "改扩建", "planned", "规划中", {"primary": 540}, 3500.0, 2023),
    ProjectLine("凤凰幼儿园", "配建", "done", "已建成", {"preschool": 270}, None, 2022, 2022),
]
INPUTS = ReportInputs(
    region_code="990101", region_name="示例县", plan_name="示例县教育事业“十四五”发展规划", period=(2021, 2025),
    as_of=2024, issued=date(2026, 12, 2), targets=[ENROL, RURAL_OFFICE, GROUPS], projects=PROJECTS,
    standards=Standards(errors={"balanced": "没有学校数据", "preschool": "没有学校数据"}),
)  # fmt: skip


def test_wording_is_assembled_from_the_numbers() -> None:
    doc = evaluation.build(INPUTS)
    text = doc.text()
    assert doc.title == "示例县教育事业“十四五”发展规划实施中期评估报告"
    # 2021–2024 is 4 of the plan's 5 years; 1 of 3 targets is on course or better: 33%.
    assert (
        "截至2024年，规划期已过4年，时间进度80%。规划提出的3项主要指标中，1项提前实现、1项滞后、1项无法评估；"
        in text
    )
    assert "合计1项，占33%" in text
    assert (
        "规划确定的2项重点工程中，规划中1项、已建成1项；1项已过计划完成年份仍未建成（据重点工程台账）。"
        in text
    )
    # Projects: 540 + 270 = 810 places, 270 of them built; one budget of 3,500 万元.
    assert (
        "已填报新增学位的2项合计新增学位810个，其中已建成项目新增270个；已填报投资的1项合计计划投资3,500.0万元。"
        in text
    )
    assert "2024学年义务教育优质均衡发展未能评估：没有学校数据。" in text
    # Problems and steps: 90 − 86 = 4 points, due in 2025: 4 points a year for 1 year.
    assert (
        "学前三年毛入园率（农村）2024年为86%，距2025年目标≥90%尚差4个百分点，实际年均增长率为所需的45%"
        in text
    )
    assert (
        "学前三年毛入园率（农村）需在2025年达到≥90%，今后1年年均需提高4个百分点（责任科室：学前教育股）"
        in text
    )
    assert "1项指标缺少可用数据，无法评估：义务教育学区化集团化办学覆盖率（没有该指标的数据）。" in text
    assert "城关小学扩建（计划2023年建成，现为规划中）" in text
    assert "缺少2024年及以前的分年级在校生数据，未能预测学位供需。" in text
    assert "见表1" in text and "见表2" in text and "⟦" not in text  # references resolved to numbers


def test_indicator_table_rows() -> None:
    table = evaluation.build(INPUTS).tables()[0]
    assert table.header == ("序号", "指标", "属性", "基期值", "目标值", "现状值", "进度", "评价", "说明")
    assert table.rows == [
        ("1", "学前三年毛入园率", "—", "101.89%\n（2020年）", "≥100%\n（2025年）", "102.7%\n（2024年）", "已达到", "提前实现", ""),
        ("2", "学前三年毛入园率（农村）", "—", "84%\n（2021年）", "≥90%\n（2025年）", "86%\n（2024年）", "33.3%", "滞后",
         "实际年均增长率为所需的45%；按近期趋势预计2025年为86.5%；数据为手工填报"),
        ("3", "义务教育学区化集团化办学覆盖率", "—", "—", "≥90%\n（2025年）", "—", "—", "无法评估", "没有该指标的数据"),
    ]  # fmt: skip


def test_final_evaluation_after_the_period() -> None:
    assert evaluation.build(replace(INPUTS, as_of=2025)).title.endswith("实施终期评估报告")


def _docx() -> object:
    data = official.write_docx(evaluation.build(INPUTS), figure_png)
    return open_docx(io.BytesIO(data))


def test_word_layout_follows_gb_t_9704() -> None:
    word = _docx()
    section = word.sections[0]  # type: ignore[attr-defined]
    sizes = (section.page_width, section.page_height, section.top_margin, section.left_margin,
             section.right_margin, section.bottom_margin)  # fmt: skip
    assert [round(s.mm) for s in sizes] == [210, 297, 37, 28, 26, 35]  # Word keeps twentieths of a point
    styles = word.styles  # type: ignore[attr-defined]
    fonts = {
        name: styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))
        for name in ("公文正文", "公文标题1", "公文标题2", "公文大标题")
    }
    assert fonts == {
        "公文正文": "仿宋_GB2312",
        "公文标题1": "黑体",
        "公文标题2": "楷体_GB2312",
        "公文大标题": "方正小标宋简体",
    }
    assert styles["公文正文"].font.size.pt == 16 and styles["公文大标题"].font.size.pt == 22
    paragraphs = word.paragraphs  # type: ignore[attr-defined]
    assert paragraphs[0].style.name == "公文大标题" and paragraphs[0].text.endswith("中期评估报告")
    assert [p.text for p in paragraphs[-2:]] == ["示例县教育局", "2026年12月2日"]
    # Page numbers: a PAGE field in the odd and the even footer, odd right and even left.
    assert word.settings.odd_and_even_pages_header_footer  # type: ignore[attr-defined]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and "— " in footer.paragraphs[0].text and f'w:jc w:val="{side}"' in xml


def test_tables_repeat_their_header_and_keep_rows_whole() -> None:
    word = _docx()
    tables = word.tables  # type: ignore[attr-defined]
    assert len(tables) == 2  # indicators, projects (no evaluation or forecast without data)
    for table in tables:
        first = table.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    cells = [[c.text for c in row.cells] for row in tables[1].rows]
    assert cells[1] == ["1", "城关小学扩建", "改扩建", "小学540", "3,500", "2023", "—", "规划中（逾期）"]
    assert len(word.inline_shapes) == 1  # type: ignore[attr-defined]  # the chart of ratings
