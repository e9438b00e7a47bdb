"""Numbers with units in normalised plan text: 96%, 3.5万人次, 1-2名, 0.3万-1.2万人, xx%, 万分之五, 千户, 4:6."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_CN_DIGIT = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10_000}

# Units as written, longest first, mapped to the gold schema's unit and a scale to base units.
UNITS: dict[str, tuple[str, float]] = {
    "个百分点": ("pp", 1), "百分点": ("pp", 1), "%": ("%", 1), "‰": ("%", 0.1),
    "万平方米": ("平方米", 1e4), "平方米": ("平方米", 1), "万人次": ("人次", 1e4), "人次": ("人次", 1),
    "亿元": ("元", 1e8), "万元": ("元", 1e4), "元": ("元", 1),
    "万人口": ("人", 1e4), "人口": ("人", 1), "万人": ("人", 1e4), "名": ("人", 1), "人": ("人", 1), "位": ("人", 1),
    "学时": ("学时", 1), "课时": ("学时", 1), "小时": ("小时", 1), "个班": ("班", 1), "班": ("班", 1),
    "万个": ("个", 1e4), "个": ("个", 1), "所": ("所", 1), "项": ("项", 1), "户": ("户", 1),
    "栋": ("栋", 1), "幢": ("栋", 1), "节": ("节", 1), "处": ("处", 1), "次": ("次", 1), "年": ("年", 1),
    "家": ("个", 1), "座": ("座", 1), "间": ("间", 1), "门": ("个", 1), "册": ("册", 1), "㎡": ("平方米", 1),
    "平米": ("平方米", 1), "万平米": ("平方米", 1e4), "件": ("件", 1), "本": ("本", 1), "套": ("套", 1), "台": ("台", 1),
    "倍": ("倍", 1), "米": ("米", 1), "厘米": ("厘米", 1), "公里": ("公里", 1), "千米": ("公里", 1),
    "分贝": ("db", 1), "dB": ("db", 1), "db": ("db", 1), "分钟": ("分钟", 1),
}  # fmt: skip
# Units that count things (a project, a school): their indicator is often the noun that follows.
COUNT_UNITS = frozenset(
    {
        "所",
        "个",
        "项",
        "栋",
        "座",
        "间",
        "件",
        "套",
        "台",
        "册",
        "本",
        "处",
        "节",
        "班",
        "户",
        "次",
        "小时",
        "学时",
    }
)

_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|[xX×]+)"
_MUL = r"(?:万|亿)?"
QUANTITY = re.compile(
    # 10%-50%: a range that writes its unit twice.
    rf"(?<![\d.A-Za-z])(?P<a>{_NUM})(?P<am>{_MUL})"
    rf"(?:(?:%(?=[-至到]{_NUM}%)|‰(?=[-至到]{_NUM}‰))?[-至到](?P<b>{_NUM})(?P<bm>{_MUL}))?(?P<about>余|多)?"
    rf"(?P<unit>{_UNIT})(?P<tail>及以上|以上|以下|以内|左右|多|余)?"
)
# Chinese numerals count as quantities only before these units (千户小区), not in names (三所学校, 五育).
CN_QUANTITY = re.compile(
    # (百名学生配…: a base a ratio is taken per, not a count)
    r"(?<![第\u4e00-\u9fff])(?P<a>[一二两三四五六七八九十百千万]{1,5})(?P<unit>户|人|名)(?!学生|幼儿|儿童|教师|人口|居民)"
)
# 每个乡镇至少有一所公办中心园, 每个乡镇都有一所: a Chinese numeral that counts in a rule for each place.
CN_EACH = re.compile(
    r"(?<=每个)[^,，;；。]{1,8}?(?:原则上)?(?:都|均)?(?:至少)?(?:要)?(?:有|建有|办好|建好|办|建)"
    r"(?P<a>[一两二三四五])(?P<unit>所|个)"
)
FRACTION = re.compile(
    r"(?P<den>[一二三四五六七八九十百千万]+)分之(?P<num>[一二两三四五六七八九十百\d.]+)(?P<tail>及以上|以上|以下|以内|左右)?"
)
# A bare number bounded by a sign or stated as a coefficient (差异系数≤0.50, 系数为0.45) has no unit.
COEFFICIENT = re.compile(
    rf"(?:[≥≤<>≮≯]|[大小]于或?等于|系数(?:分别)?(?:为|达到|达|小于|低于|不高于|不超过|控制在|在)?)\s*(?P<a>\d+(?:\.\d+)?)"
    rf"(?![\d.%:：]|\s*(?:万|亿|{_UNIT}))"
)
# A rate written without its % (入园率为90, 升入普通高中比例为(51.97)) or left blank to fill in (入学率()).
BARE_RATE = re.compile(
    rf"(?<=[率例占])(?:为|达|达到|是)?(?:\((?P<a>\d+(?:\.\d+)?)\)|(?P<b>\d+(?:\.\d+)?)|(?P<blank>\(\s*\)))"
    rf"(?![\d.%:：(]|\s*(?:万|亿|{_UNIT}))"
)
RATIO_RANGE = re.compile(
    r"(?<![\d.])(?P<a>\d+(?:\.\d+)?)[:：∶](?P<b>\d+(?:\.\d+)?)[-~～至](?:\d+(?:\.\d+)?)[:：∶](?:\d+(?:\.\d+)?)"
)
# 园长…设一人, 寄宿制幼儿园一般配二人: a staffing rule counts its people in Chinese numerals.
CN_STAFF = re.compile(r"(?<=[设配])(?P<a>[一二两三四五])(?P<unit>人|名)(?![一二三四五六七八九十])")
RATIO = re.compile(
    r"比(?:例)?(?:达到|达|为|保持在|控制在|约为|调整为|(?:不得|不)?(?:高于|低于|超过|少于)|[≤≥<>≮≯])?"
    r"(?P<a>\d+(?:\.\d+)?)[:：](?P<b>\d+(?:\.\d+)?)"
)


@dataclass(frozen=True)
class Quantity:
    """One number (or range) with its unit, in base units, and its span in the normalised text."""

    start: int
    end: int
    value: float | None
    value_max: float | None
    unit: str
    tail: str  # 以上, 以下, 左右 … written right after the unit
    placeholder: bool
    ratio: bool = False
    bound: str = ""  # 4.5、5.8平方米以上: the tail the list this number stands in ends on


def chinese_number(text: str) -> int | None:
    """一千二百 → 1200, 千 → 1000, 两 → 2; None when `text` is not a numeral."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            scale = _CN_UNIT[ch]
            if scale == 10_000:
                total += ((section + (digit or 0)) or 1) * scale
                section = 0
            else:
                section += (1 if digit is None else digit) * scale
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def _number(text: str, mult: str, scale: float) -> float | None:
    if text[0] in "xX×":
        return None
    factor = {"万": 1e4, "亿": 1e8}.get(mult, 1.0)
    return round(float(text.replace(",", "")) * factor * scale, 6)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order, without overlaps."""
    found = [_arabic(m) for m in QUANTITY.finditer(text)]
    found += [
        Quantity(
            m.start("a"), m.end(), float(m.group("a")), float(m.group("b")), "ratio", "", False, ratio=True
        )
        for m in RATIO.finditer(text)
    ]
    # 全日制幼儿园:1∶6~1∶7: a range of ratios is read as its first ratio.
    found += [
        Quantity(
            m.start("a"), m.end(), float(m.group("a")), float(m.group("b")), "ratio", "", False, ratio=True
        )
        for m in RATIO_RANGE.finditer(text)
    ]
    starts = {q.start for q in found}
    for m in COEFFICIENT.finditer(text):
        if m.start("a") not in starts:
            found.append(Quantity(m.start("a"), m.end(), float(m.group("a")), None, "", "", False))
    for m in BARE_RATE.finditer(text):
        number = m.group("a") or m.group("b")
        start = m.start("blank") if m.group("blank") else m.start("a" if m.group("a") else "b")
        if start not in starts:
            value = float(number) if number else None
            found.append(Quantity(start, m.end(), value, None, "%", "", number is None))
    for m in FRACTION.finditer(text):
        num = m.group("num")
        n = float(num) if num[0].isdigit() else chinese_number(num)
        den = chinese_number(m.group("den"))
        if n is not None and den:
            found.append(
                Quantity(m.start(), m.end(), round(n / den * 100, 6), None, "%", m.group("tail") or "", False)
            )
    for m in CN_EACH.finditer(text):
        found.append(
            Quantity(
                m.start("a"),
                m.end(),
                float(chinese_number(m.group("a")) or 0),
                None,
                UNITS[m.group("unit")][0],
                "",
                False,
            )
        )
    for m in CN_STAFF.finditer(text):
        found.append(
            Quantity(m.start("a"), m.end(), float(chinese_number(m.group("a")) or 0), None, "人", "", False)
        )
    for m in CN_QUANTITY.finditer(text):
        value = chinese_number(m.group("a"))
        if value and value >= 10:
            unit, _ = UNITS[m.group("unit")]
            found.append(Quantity(m.start(), m.end(), float(value), None, unit, "", False))
    found.sort(key=lambda q: (q.start, -q.end))
    kept: list[Quantity] = []
    for q in found:
        if not kept or q.start >= kept[-1].end:
            kept.append(q)
    return _lists(text, kept)


_BARE = re.compile(r"(?<![\d.%:：])\d+(?:\.\d+)?(?=、)")
# a bare number after a coefficient and its 、 (差异系数分别控制在0.50、0.45以内)
_BARE_AFTER = re.compile(rf"(?<=、)\d+(?:\.\d+)?(?![\d.%:：]|\s*(?:万|亿|{_UNIT}))")
_BOUNDS = ("以上", "及以上", "以下", "以内")
_LIST_ITEMS = 12  # a list of amounts is short: a longer run of numbers is a table flattened, not one list


def _lists(text: str, kept: list[Quantity]) -> list[Quantity]:
    """Numbers in a 、 list share what only one of its items writes.

    小学、初中分别达到4.5、5.8平方米以上: a bare number before 、 takes the unit of the item after it; 差异系数分别控制在
    0.50、0.45以内: a bare number after a coefficient and its 、 is a coefficient too; every item takes the bound
    (以上, 以内) the list ends on.
    """
    if "、" not in text:
        return kept
    by_start = {q.start: q for q in kept}
    by_end = {q.end: q for q in kept}
    # a number that took its unit here → the unit's scale and its place from the list's end
    scales: dict[int, tuple[float, int]] = {}
    for m in reversed(list(_BARE.finditer(text))):
        nxt = by_start.get(m.end() + 1)
        if m.start() in by_start or nxt is None or nxt.placeholder or nxt.ratio or nxt.value_max is not None:
            continue
        place = scales[nxt.start][1] + 1 if nxt.start in scales else 1
        if place > _LIST_ITEMS:
            continue
        if nxt.unit == "年" or (m.start() == 0 or text[m.start() - 1] in "\n。；;:：(（"):
            continue  # 1、2021年…: a list mark, not an item
        if nxt.start in scales or not nxt.unit:
            scale = scales[nxt.start][0] if nxt.start in scales else 1.0
        else:
            written = QUANTITY.match(text, nxt.start)
            if written is None or written.group("am") or written.group("about"):
                continue  # 1.2、1.5万人: which numbers the 万 scales is unclear; 20、30余所 is no list of amounts
            scale = UNITS[written.group("unit")][1]
        q = Quantity(m.start(), m.end(), round(float(m.group()) * scale, 6), None, nxt.unit, "", False)
        by_start[q.start] = by_end[q.end] = q
        scales[q.start] = (scale, place)
    chained: dict[int, int] = {}  # a coefficient that followed one here → its place in the list
    for m in _BARE_AFTER.finditer(text):
        prev = by_end.get(m.start() - 1)
        place = chained.get(m.start() - 1, 1) + 1
        if prev is not None and prev.unit == "" and not prev.ratio and m.start() not in by_start:
            if place > _LIST_ITEMS:
                continue
            tail = re.match(r"及以上|以上|以下|以内", text[m.end() : m.end() + 3])
            q = Quantity(
                m.start(), m.end() + (tail.end() if tail else 0), float(m.group()), None, "", "", False
            )
            q = replace(q, tail=tail.group() if tail else "")
            by_start[q.start] = by_end[q.end] = q
            chained[q.end] = place
    result = sorted(by_start.values(), key=lambda q: q.start)
    for i in range(len(result) - 2, -1, -1):
        q, nxt = result[i], result[i + 1]
        if text[q.end : nxt.start] == "、" and not q.tail and q.unit == nxt.unit:
            bound = nxt.tail if nxt.tail in _BOUNDS else nxt.bound
            if bound:
                result[i] = replace(q, bound=bound)
    return result


def _arabic(m: re.Match[str]) -> Quantity:
    unit, scale = UNITS[m.group("unit")]
    a, b = m.group("a"), m.group("b")
    placeholder = a[0] in "xX×"
    # 0.3万-1.2万人: a multiplier written only on the second number applies to both.
    am = m.group("am") or (m.group("bm") or "")
    value = _number(a, am, scale)
    vmax = _number(b, m.group("bm") or "", scale) if b else None
    return Quantity(m.start(), m.end(), value, vmax, unit, m.group("tail") or "", placeholder)
