"""Numbers with units in normalised plan text: 96%, 3.5万人次, 1-2名, 0.3万-1.2万人, xx%, 万分之五, 千户, 4:6."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    "倍": ("倍", 1),
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
    rf"(?:[≥≤<>≮≯]|系数(?:分别)?(?:为|达到|达|小于|低于|不高于|不超过|控制在|在)?)\s*(?P<a>\d+(?:\.\d+)?)"
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
    return kept


def _arabic(m: re.Match[str]) -> Quantity:
    unit, scale = UNITS[m.group("unit")]
    a, b = m.group("a"), m.group("b")
    placeholder = a[0] in "xX×"
    # 0.3万-1.2万人: a multiplier written only on the second number applies to both.
    am = m.group("am") or (m.group("bm") or "")
    value = _number(a, am, scale)
    vmax = _number(b, m.group("bm") or "", scale) if b else None
    return Quantity(m.start(), m.end(), value, vmax, unit, m.group("tail") or "", placeholder)
