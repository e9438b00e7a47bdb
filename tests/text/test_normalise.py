"""Each normalisation artefact named in issue 4, with the offset map checked back to the raw text."""

from __future__ import annotations

import pytest

from eduplan.text.normalise import normalise


def _quote_of(raw: str, needle: str) -> str:
    """The raw text behind the first occurrence of `needle` in the normalised text."""
    doc = normalise(raw)
    start = doc.text.index(needle)
    return doc.quote(start, start + len(needle))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("教育事業發(fā)展規(guī)劃", "教育事业发展规划"),  # pinyin after a character, then t2s
        ("學（xué）前教育", "学前教育"),  # full-width parentheses
        ("“十 四五”", "“十四五”"),  # space inside a word
        ("幼\xa0儿园", "幼儿园"),  # no-break space
        ("达 86.8%", "达86.8%"),
        ("交流比例达1 2 . 5 6 %", "交流比例达12.56%"),  # a number broken by spaces
        ("毛入园率达到８８．５％", "毛入园率达到88.5%"),  # full-width digits and percent
        ("3—5周岁", "3-5周岁"),  # em dash
        ("（2023－2027年）", "(2023-2027年)"),  # full-width parentheses and hyphen
        ("按每0.3萬～1.2萬人", "按每0.3万-1.2万人"),  # tilde range and Traditional 萬
        ("校\ufffd园", "校园"),  # U+FFFD mojibake
        ("Hello World 大汉", "Hello World大汉"),  # a space between Latin words is kept
    ],
)
def test_artefacts(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_table_cells_on_one_line_stay_apart() -> None:
    # "95.5 98" are two cells (multi-character tokens), unlike "1 2 . 5 6".
    assert normalise("学前三年毛入园率 95.5 98 预期性").text == "学前三年毛入园率95.5 98预期性"


def test_offsets_give_verbatim_quotes() -> None:
    raw = "全縣學前三年毛入園率達 86.8%，義務教育鞏固率達99%"
    assert _quote_of(raw, "学前三年毛入园率达86.8%") == "學前三年毛入園率達 86.8%"
    assert _quote_of("職業(yè)培訓3.5萬人次", "职业培训3.5万人次") == "職業(yè)培訓3.5萬人次"


def test_offsets_are_increasing_and_complete() -> None:
    raw = "發(fā)展 1 2 . 5 6 %\n索引号：123\n正文"
    doc = normalise(raw)
    assert len(doc.offsets) == len(doc.text) + 1
    assert doc.offsets == sorted(doc.offsets)
    assert all(
        doc.raw[doc.offsets[i]] == doc.text[i] or not doc.text[i].isascii() for i in range(len(doc.text))
    )


def test_page_furniture_is_removed_and_kept_for_metadata() -> None:
    raw = (
        "当前位置：首页 > 政务公开\n索 引 号：NF0028/2019-01314\n发布机构：某某县教育局\n【打印】 【字体：大 中 小】\n"
        "某某县教育事业发展规划\n浏览次数：12\n正文第一段。\nProduced By 大汉网络 大汉版通发布系统\n"
    )
    doc = normalise(raw)
    assert doc.text == "某某县教育事业发展规划\n正文第一段。\n"
    assert "发布机构:某某县教育局" in doc.furniture
