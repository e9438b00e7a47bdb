"""Normalise a plan document's text while keeping, for every output character, its offset in the raw text.

Statements are found in the normalised text but quoted from the raw text, so every edit here is either a
one-for-one character substitution (Traditional→Simplified, full-width→ASCII, dashes) or a deletion
(pinyin glosses, spaces inside words and numbers, mojibake markers, page furniture lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"

# 發(fā)展: a character followed by its pinyin in parentheses (ASCII or full-width), an artefact of copy-paste
# from pages that annotate rare readings; mirror sites also write 【ér】, {pinyin:zhōng}, (繁体:辦), (读:èr) and
# bare toned syllables (古浪làng县) between characters.
_PINYIN = re.compile(
    rf"(?<=[{_CJK}])(?:[(（【{{\[][a-z{_TONED}]{{1,6}}[1-5]?[)）】}}\]]"
    rf"|[(（【{{\[《](?:繁体|繁|简体|读|拼音|pinyin)[:：][^()（）【】{{}}\[\]《》\n]{{1,8}}[)）】}}\]》]"
    rf"|\s?[a-z]*[{_TONED}][a-z]*\s?(?=[{_CJK}]))"
)
# Horizontal white space of any kind; kept only between two Latin letters ("Produced By").
_SPACE = re.compile(r"[ \t\r\xa0\u2000-\u200b\u3000\ufeff]+")
# U+FFFD and the "?!" marker that starts a GBK/UTF-8 mojibake run (學?!半p師型 for 學校“雙師型), and the
# asterisks a site puts in for words it masks (**教育).
_MOJIBAKE = re.compile(rf"\ufffd+|\?!|\*+|\?[a-z{_TONED}]{{1,6}}\)")

# Lines of a web page that are not the document: breadcrumbs, 索引号/发布机构 blocks, print/font buttons,
# view counters, CMS signatures and adverts. Matched on the already simplified, space-free line.
_FURNITURE = re.compile(
    r"^(?:[•·]?(?:索引号|发布机构|发文机关|文号|成文日期|发布日期|浏览次数|主题词|分类|名称|来源|当前位置|当前页面|您的位置|首页|"
    r"信息来源|生成日期|公开方式|公开范围|有效性)[:：]?.*"
    r"|.*【(?:打印|字体|关闭|大|中|小)】.*|>.*|.*ProducedBy.*|.*Produced By.*|.*转载请注明.*|.*[wW]{3}\..*|"
    r"无障碍.*|政府信息公开.*|.*政府信息公开|.*(?:我的收藏|长者助手).*|(?:图解|解读文本)[:：].*|[>›»]|"
    # Page addresses (percent-encoded or not), tag and keyword footers, editors, copyright and ICP lines.
    r".*(?:https?://|www\.|\.html?\b|\.shtml|\.aspx?\b|%[0-9A-Fa-f]{2}%[0-9A-Fa-f]{2}).*|"
    r"(?:关键词|关键字|标签|Tags?|相关阅读|相关链接|责任编辑|编辑|本文地址|原文链接|链接|分享到|扫码|声明)[:：]?.*|"
    r"\[责任编辑.*|.*(?:版权所有|Copyright|ICP备|联系邮箱|举报).*|.*(?:来源|发布时间|时间)[:：].{0,40}(?:浏览|阅读|点击|字号|字体).*)$"
)
# Lines that are cells of a table or a wrapped paragraph: joined when a long prose line breaks mid-sentence.
_WRAPPED = re.compile(r"[,，、;；。][^!?！？]*[^。!?！？:：;；,，、\s]$")

# One-for-one substitutions applied after OpenCC: full-width ASCII, dashes and tildes used in ranges, and the
# ideographic zero written as a letter in years (二〇三五).
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_EXTRA = {
    ord("—"): "-",
    ord("–"): "-",
    ord("－"): "-",
    ord("~"): "-",
    ord("～"): "-",
    ord("〜"): "-",
    ord("−"): "-",
    ord("‐"): "-",
    ord("‑"): "-",
    ord("﹪"): "%",
    ord("〇"): "零",
    ord("〔"): "[",
    ord("〕"): "]",
    ord("|"): "\n",  # a grid row "序号 | 指标 | 目标" is one cell per line
    ord("｜"): "\n",
    ord("│"): "\n",  # a grid drawn with box characters (│ 4 │ 标准化 │ 10 │…) is one cell per line too
    ord("┃"): "\n",
    ord("∶"): ":",
    ord("≧"): "≥",
    ord("≦"): "≤",
}


@dataclass(frozen=True)
class Normalised:
    """Normalised text plus `offsets[i]`, the raw index of `text[i]` (with one extra entry: len(raw))."""

    raw: str
    text: str
    offsets: list[int]
    furniture: list[str] = field(default_factory=list)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw [start, end) that the normalised [start, end) came from."""
        if end <= start:
            pos = self.offsets[min(start, len(self.text))]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        """The verbatim raw text behind normalised [start, end)."""
        a, b = self.raw_span(start, end)
        return self.raw[a:b]


@cache
def _table() -> dict[int, str | int]:
    """Character-level Traditional→Simplified from OpenCC's own dictionary, plus width and dash folding.

    str.translate on one table runs at C speed; OpenCC's phrase pass is skipped because its rare
    multi-character rewrites would break the one-for-one offset map.
    """
    import opencc

    table: dict[int, str | int] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        first = simp.split(" ")[0] if simp else ""
        if len(trad) == 1 and len(first) == 1 and trad != first:
            table[ord(trad)] = first
    table.update(_WIDTH)
    table.update(_EXTRA)
    table[0x3000] = " "
    return table


def _deletions(text: str) -> list[tuple[int, int]]:
    """Spans of `text` to drop: pinyin glosses, mojibake markers and white space not between Latin letters."""
    spans = [m.span() for m in _PINYIN.finditer(text)]
    spans += [m.span() for m in _MOJIBAKE.finditer(text)]
    for m in _SPACE.finditer(text):
        a, b = m.span()
        if a > 0 and b < len(text) and _keeps_apart(text, a, b):
            spans.append((a + 1, b))  # collapse to one separating space
        else:
            spans.append((a, b))
    spans.sort()
    return spans


def _token(text: str, pos: int, step: int) -> str:
    """The run of ASCII letters, digits, '.' and '%' at `pos` going in direction `step`."""
    out = []
    while 0 <= pos < len(text) and (text[pos].isascii() and (text[pos].isalnum() or text[pos] in ".%")):
        out.append(text[pos])
        pos += step
    return "".join(out)


def _keeps_apart(text: str, a: int, b: int) -> bool:
    """Whether white space at [a, b) separates two words or two numbers (a table row), not one split one.

    "1 2 . 5 6 %" is one number broken by spaces (single-character tokens); "95.5 98" are two cells.
    """
    left, right = text[a - 1], text[b]
    if not (left.isascii() and right.isascii() and left.isalnum() and right.isalnum()):
        return False
    if left.isalpha() and right.isalpha():
        return True
    return len(_token(text, a - 1, -1)) > 1 and len(_token(text, b, 1)) > 1


def _apply(text: str, offsets: list[int], spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Drop `spans` (sorted, possibly overlapping) from text and its offset map."""
    parts: list[str] = []
    kept: list[int] = []
    pos = 0
    for a, b in spans:
        if b <= pos:
            continue
        a = max(a, pos)
        parts.append(text[pos:a])
        kept.extend(offsets[pos:a])
        pos = b
    parts.append(text[pos:])
    kept.extend(offsets[pos : len(text)])
    kept.append(offsets[len(text)])
    return "".join(parts), kept


def _furniture_spans(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Whole lines (with their newline) that are page furniture, and their text for metadata."""
    spans: list[tuple[int, int]] = []
    lines: list[str] = []
    pos = 0
    counter_next = False  # a byline ending 浏览: puts its count on the next line
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        counter = counter_next and bool(re.fullmatch(r"\d+次?", stripped))
        counter_next = bool(re.search(r"(?:浏览|点击|阅读)(?:次数|量)?[:：]$", stripped))
        address = re.fullmatch(r"(?:来源[:：])?\s*https?://\S+", stripped)  # a long page address alone
        if stripped and (len(stripped) < 80 or address) and (counter or _FURNITURE.match(stripped)):
            spans.append((pos, min(end + 1, len(text))))
            if stripped:
                lines.append(stripped)
        pos = end + 1
    return spans, lines


# 一九八五年, 二〇二三年: a year written in Chinese digits, rewritten digit for digit (offsets stay one-for-one).
_CN_YEAR = re.compile(r"[一二三四五六七八九〇零○Ｏ]{4}(?=年)")
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")


def _digit_years(text: str) -> str:
    return _CN_YEAR.sub(
        lambda m: m.group(0).translate(_CN_DIGITS) if m.group(0)[0] in "一二" else m.group(0), text
    )


def normalise(raw: str) -> Normalised:
    """Simplified, half-width, space-free text with page furniture removed and an offset map to `raw`."""
    offsets = list(range(len(raw) + 1))
    text, offsets = _apply(raw, offsets, _deletions(raw))
    text = _digit_years(text.translate(_table()))
    # Full-width parentheses became ASCII only now; a second pinyin pass catches 學（xué）.
    text, offsets = _apply(text, offsets, [m.span() for m in _PINYIN.finditer(text)])
    spans, furniture = _furniture_spans(text)
    text, offsets = _apply(text, offsets, spans)
    text, offsets = _apply(text, offsets, _wraps(text))
    return Normalised(raw=raw, text=text, offsets=offsets, furniture=furniture)


def _wraps(text: str) -> list[tuple[int, int]]:
    """Newlines inside a sentence that a page or PDF broke at its width (…普\n惠性幼儿园…): dropped.

    Only a long line that has already had a clause mark and stops mid-clause is joined to the next, and only when
    the next does not open a heading: table cells (short, no clause marks) stay on their own lines.
    """
    from eduplan.text.structure import starts_heading

    spans: list[tuple[int, int]] = []
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        nxt = lines[i + 1].strip()
        if len(line.strip()) >= 16 and _WRAPPED.search(line) and nxt and not starts_heading(nxt):
            spans.append((pos, pos + 1))
        pos += 1
    return spans


def to_simplified(text: str) -> str:
    """Character-level Traditional→Simplified with width and dash folding (no offsets)."""
    return text.translate(_table())
