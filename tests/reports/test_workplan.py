"""Drafting the 工作要点: placeholders found, filled only from figures with a source, marked in Word.

Seed 002 is a real 工作要点 with its numbers left as 20xx, x个, xx%. Its 48 placeholders, counted by hand:
3 years (20xx年), 11 names (10 × xx县, 1 × x市), 24 numbers (6 个, 5 所, 4 名, 4 %, 2 处, 1 each of 周年, 节, 项)
and 10 that are no number (xx教育力量, 美丽新x, x+X证书, x.x工程 …).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from hypothesis import given, settings
from hypothesis import strategies as st

from eduplan.errors import DataError
from eduplan.reports.workplan import (
    Fact,
    IndicatorFacts,
    WorkplanData,
    decide,
    draft,
    find_placeholders,
    read_template,
)

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_5dc4fd613d71f730.txt"
DATA = WorkplanData(
    2025,
    {
        "year": Fact("2025", "年", "工作要点年度", "2025年"),
        "county_name": Fact("示例县", "", "行政区划名录", "区划代码 990101 的名称"),
        "city_name": Fact("示例市", "", "行政区划名录", "区划代码 9901 的名称"),
        "places_from_projects": Fact(4920.0, "个", "重点工程台账", "1,800 + 1,620 + 1,500 = 4,920个"),
        "teachers_to_add": Fact(21.0, "人", "优质均衡整改清单", "12 + 9 = 21人"),
    },
    [IndicatorFacts(("学前三年毛入园率",), Fact(100.0, "%", "规划目标", "目标年的目标值"),
                    Fact(102.7, "%", "2024年统计", "2024年实际值102.7%"))],
)  # fmt: skip


@pytest.fixture(scope="module")
def seed() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed 002 is not beside the project ({SEED})")
    return SEED


def test_placeholders_of_seed_002(seed: Path) -> None:
    found = [p for line in seed.read_text(encoding="utf-8").splitlines() for p in find_placeholders(line)]
    assert Counter(p.kind for p in found) == {"number": 24, "name": 11, "other": 10, "year": 3}
    units = Counter(p.unit for p in found if p.kind == "number")
    assert units == {"个": 6, "所": 5, "名": 4, "%": 4, "处": 2, "周年": 1, "节": 1, "项": 1}
    raws = {p.raw for p in found}
    assert {
        "xxxx",
        "x.x",
        "xx县",
        "x市",
        "20xx",
    } <= raws and "X" not in raws  # 1+X证书 is a name, not a number


def test_seed_002_is_filled_only_where_data_supports_it(seed: Path) -> None:
    result = draft(read_template(seed), DATA)
    filled = Counter(o.placeholder.kind for o in result.filled)
    assert filled == {"year": 3, "name": 11, "number": 2}  # places (projects) and teachers (to-do list)
    numbers = {o.sentence.split("，")[-1].split(",")[-1]: o.fact.text() for o in result.filled if o.fact and o.placeholder.kind == "number"}  # fmt: skip
    assert numbers == {"预计新增学位xxxx余个": "4,920", "计划本年度补充中小学教师xxx名以上": "21"}
    # "加大公办园教师补充力度，选聘学前教育兼职教研员x名": the teachers of the phrase before do not fill it.
    assert any("教研员x名" in o.sentence for o in result.unfilled)
    assert len(result.unfilled) == 48 - 16
    word = docx.Document(io.BytesIO(result.docx))
    text = "\n".join(p.text for p in word.paragraphs)
    assert (
        "预计新增学位4,920余个" in text
        and "补充中小学教师21名以上" in text
        and "选聘学前教育兼职教研员x名" in text
    )
    assert (
        "举办示例县中小学生运动会" in text
        and "认真备战示例市“三好杯”" in text
        and "2025年是党的二十大" in text
    )


def test_every_mark_has_a_comment_with_its_source(seed: Path) -> None:
    result = draft(read_template(seed), DATA)
    word = docx.Document(io.BytesIO(result.docx))
    comments = [c.text for c in word.comments]
    assert len(comments) == len(result.outcomes) == 48
    assert sum(c.startswith("来源：") and "计算：" in c for c in comments) == 16
    assert sum(c.startswith("未填写：") for c in comments) == 32
    assert "来源：重点工程台账。计算：1,800 + 1,620 + 1,500 = 4,920个。" in comments
    marks = Counter(
        r.font.highlight_color for p in word.paragraphs for r in p.runs if r.font.highlight_color is not None
    )
    assert marks == {WD_COLOR_INDEX.BRIGHT_GREEN: 16, WD_COLOR_INDEX.YELLOW: 32}


def test_indicator_percentages() -> None:
    def fill(text: str) -> str | None:
        p = find_placeholders(text)[0]
        fact = decide(text, p, DATA).fact
        return None if fact is None else fact.text()

    assert fill("学前三年毛入园率达到xx%以上") == "100"  # the plan's commitment for the year
    assert fill("学前三年毛入园率比上年（xx%）有所提高") == "102.7"  # last year's value, asked for
    assert fill("高中阶段毛入学率达到xx%以上") is None  # no such plan target: never a guess
    assert fill("农村学前三年毛入园率达到xx%以上") is None  # not the county-wide target


def test_placeholder_split_across_runs_keeps_formatting(tmp_path: Path) -> None:
    template = docx.Document()
    p = template.add_paragraph()
    p.add_run("预计新增学位x")
    p.add_run("xx").bold = True
    p.add_run("x个，创建特色学校xx所。")
    path = tmp_path / "t.docx"
    template.save(str(path))
    result = draft(read_template(path), DATA)
    para = docx.Document(io.BytesIO(result.docx)).paragraphs[0]
    assert para.text == "预计新增学位4,920个，创建特色学校xx所。"
    marked = [r for r in para.runs if r.font.highlight_color is not None]
    assert [r.text for r in marked] == ["4,920", "xx"]
    assert marked[0].bold is not True  # the run where the placeholder began gives the formatting


def test_bad_templates_are_refused_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="不是有效的 Word"):
        read_template(bad)
    pdf = tmp_path / "t.pdf"
    pdf.write_text("x")
    with pytest.raises(DataError, match=r"应为 \.docx 或 \.txt"):
        read_template(pdf)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("20xx年工作要点".encode("gbk"))
    with pytest.raises(DataError, match="UTF-8"):
        read_template(gbk)


PIECES = st.sampled_from(
    ["计划新增学位", "补充教师", "创建学校", "学前三年毛入园率达到", "保持", "，", "。", "共", "年"]
)
HOLES = st.sampled_from(["x个", "xx名", "xxx%", "20xx年", "xx县", "x所", "x.x", "xxxx余个"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(PIECES, HOLES), min_size=1, max_size=12), st.integers(0, 99999))
def test_no_number_without_a_source(parts: list[str], places: int) -> None:
    """Whatever the template, every digit string in the draft was in the template or is a sourced figure."""
    data = WorkplanData(2025, {**DATA.facts, "places_from_projects": Fact(float(places), "个", "台账", "合计")},
                        DATA.indicators)  # fmt: skip
    doc = docx.Document()
    doc.add_paragraph("".join(parts))
    result = draft(doc, data)
    assert all(o.fact.source and o.fact.calculation for o in result.filled if o.fact)
    text = docx.Document(io.BytesIO(result.docx)).paragraphs[-1].text
    sourced = {o.fact.text() for o in result.filled if o.fact}
    for number in re.findall(r"\d[\d,.]*", text):
        assert number in "".join(parts) or any(number in s for s in sourced), number
