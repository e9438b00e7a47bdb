"""Who or what a number is about: coordinated subjects written out whole, and clauses that name only what differs.

小学、初中适龄人口入学率分别为100%、100.22% has two subjects sharing a tail; 小学入学率、巩固率均达100% two sharing a head;
…比例为88.1%,八年级为67.9% names only another level and takes the rest from the clause before; 69.77%的毕业生在本地就业
names its share before the noun; 每百名学生拥有…教师数:小学、初中分别达到… names its topic before a colon.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from eduplan.text.quantities import COUNT_UNITS, Quantity

if TYPE_CHECKING:
    from eduplan.text.statements import Statement

LEVELS = (
    r"(?:普通高中|中等职业学校|初级中学|普通中学|普通小学|小学|初中|高中|中学|中职|高职|高校|大学|幼儿园|学前|义务教育|特殊教育|城区|农村|城镇|乡村|城市|"
    r"[一二三四五六七八九]年级|男生|女生)"
)
LEVEL = re.compile(rf"^{LEVELS}$")
LEVEL_WORDS = re.compile(LEVELS)
_SHARE_WORD = re.compile(r"占比|比例|比重|覆盖率|总数|总量")
INDICATOR_END = re.compile(r"(?:率|比例|占比|比重|年限)$")


def parts(core: str) -> list[str]:
    """The parts of a subject joined by 、 or 和 outside parentheses (各县(市、区) stays whole)."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(core):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if depth == 0 and ch in "、和":
            items.append(core[start:i])
            start = i + 1
    items.append(core[start:])
    return [x for x in items if x]


def share(items: list[str]) -> list[str] | None:
    """Coordinated subjects that share a head or a tail, each written out whole (None when they share nothing).

    小学、初中适龄人口入学率 → 小学适龄人口入学率, 初中适龄人口入学率 (short heads share the last item's tail);
    小学入学率、巩固率 → 小学入学率, 小学巩固率 (bare indicators share the first item's head).
    """
    if len(items) < 2:
        return None
    first, last, rest = items[0], items[-1], items[1:]
    # Shared head: the later items are bare indicators ending like the first (…率), the first names the group.
    if all(len(x) <= 5 and x[-1] == first[-1] for x in rest) and len(first) > max(len(x) for x in rest):
        head = first[: -len(rest[0])]
        if len(head) >= 2:
            return [first] + [head + x for x in rest]
    # Shared tail: short heads (小学、初中; 四年级、八年级; 高校、高中和中等职业学校的…) before the last item's tail.
    heads = items[:-1]
    if all(re.fullmatch(r"[\u4e00-\u9fff]", x) for x in [*heads, last[:1]]) and len(last) > 2:
        return [x + last[1:] for x in heads] + [
            last
        ]  # 中、西部地区 → 中部地区, 西部地区; 省、市级 → 省级, 市级
    if not all(len(x) <= 6 for x in heads):
        return None
    mark = last.find("的", 0, 9)
    if mark > 0:
        cut = mark
    elif len({len(x) for x in heads}) == 1 and len(last) > len(heads[0]) + 1:
        cut = len(heads[0])
    else:
        return None
    tail, own = last[cut:], last[:cut]
    # The heads must be parallel: school levels (小学、初中), or words of one kind (市级和县级).
    levels = all(LEVEL.match(x) for x in [*heads, own])
    alike = all(x[-1] == own[-1] for x in heads) and not _SHARE_WORD.search(tail)
    if len(tail) >= 2 and (levels or alike):
        return [x + tail for x in heads] + [last]
    return None


def split_coordinated(core: str) -> list[str]:
    """小学阶段和初中阶段毛入学率 → 小学阶段毛入学率, 初中阶段毛入学率 (parallel heads sharing a tail)."""
    items = parts(core)
    shared = share(items)
    if shared:
        return shared
    if len(items) > 1 and all(LEVEL.match(x) for x in items):
        return items  # 小学、初中均达到1人以上
    # 义务教育巩固率、高中阶段毛入学率均达到95%: whole indicators joined, each a statement.
    if len(items) > 1 and all(len(x) >= 4 and INDICATOR_END.search(x) for x in items):
        return items
    for m in re.finditer(r"[和及与、]", core):
        a = core[: m.start()]
        if not 2 <= len(a) <= 8:
            continue
        rest = core[m.end() :]
        for n in range(2, min(8, len(rest) - 2) + 1):
            b, tail = rest[:n], rest[n:]
            # Heads joined by 和/及/与 sharing their last word; joined by 、 only when both are school levels.
            shared_word = m.group(0) != "、" and len(a) >= 3 and len(b) >= 3 and a[-2:] == b[-2:]
            parallel = (shared_word and a not in b and b not in a) or (LEVEL.match(a) and LEVEL.match(b))
            # 公办和普惠性幼儿园在园幼儿数占比 is one share of the union, not two indicators.
            if parallel and len(tail) >= 2 and not _SHARE_WORD.search(tail):
                return [a + tail, b + tail]
    return [core]


PLACE = re.compile(r"^[\u4e00-\u9fff]{0,8}?(?:区|县|市|旗|镇|乡|街道)(?:\([\u4e00-\u9fff、]{1,6}\))?$")
_LEADING_PLACE = re.compile(
    r"^(?:市区|城区|城市|农村|城镇|乡村|县城|[\u4e00-\u9fff]{1,4}(?:区|县|市)(?:\([^()]{1,6}\))?)"
)
_GROUP_END = re.compile(r"(?:小学|初中|高中|儿童|少年|青年|学生|教师|幼儿|学校|阶段)$")
_DONE = re.compile(r"^(?:竣工|开工|完工|完成|建成|投用|投入使用|启动|开复工)$")


def elided_subject(core: str, q: Quantity, prev: Statement) -> tuple[str, str | None] | None:
    """A clause that names only what differs from the one before it, and so takes the rest from it.

    四年级…比例为88.1%,八年级为67.9% (another level); 新建学校9所,其中:凉州区4所 (a place: the same count there);
    实施建设项目12个,计划竣工3个 (a stage of the same things).
    """
    if re.fullmatch(r"(?:这一|这个|该|此|上述)(?:比例|比率|比重|指标|数字|数据)", core):
        return prev.indicator, prev.scope  # 2016年这一比例上升到80.53%
    if LEVEL.match(core):
        # 系数小学≤0.50、初中≤0.45 (the level closes the phrase) or 四年级…,八年级为… (it opens it)
        end = re.search(rf"{LEVELS}$", prev.indicator)
        if end:
            return prev.indicator[: end.start()] + core, None
        head = LEVEL_WORDS.match(prev.indicator)
        return (core + prev.indicator[head.end() :], None) if head else None
    if PLACE.match(core) and not INDICATOR_END.search(core):
        if q.unit == prev.unit and (q.unit in COUNT_UNITS or q.unit == "人"):
            return prev.indicator, core  # 新建学校9所,其中:凉州区4所 — the same count in a place
        # 市区学前第四年幼儿入园率达到50%以上,县(市)达到30%以上 — the same rate for another place
        lead = _LEADING_PLACE.match(prev.indicator)
        return core + prev.indicator[lead.end() if lead else 0 :], None
    if q.unit == prev.unit and _DONE.match(core):
        return core + prev.indicator, prev.scope
    # 残疾儿童、青年入学率99.9%,稳固率99%以上: a bare rate of the same group as the one before.
    if 2 <= len(core) <= 4 and core[-1] == prev.indicator[-1] and len(prev.indicator) > len(core):
        group = prev.indicator[: -len(core)]
        if _GROUP_END.search(group):
            return group + core, prev.scope
    return None


def share_of(sentence: str, q: Quantity) -> str:
    """69.77%的毕业生在本地就业, 三分之二以上的乡镇…有独立办学场所: a share written before what it is a share of."""
    if q.unit != "%":
        return ""
    m = re.match(
        r"(?:及)?(?:以上|以下|左右)?的(?!增幅|幅度|增速|速度|比例|比重|标准|水平|目标)([^,，;；。]{2,30})",
        sentence[q.end :],
    )
    return m.group(1) + "比例" if m else ""


HEADING_MARK = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+[章节]|[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、)](?!\d))"
)


def with_topic(sentence: str, q: Quantity, phrase: str, level: str | None) -> str:
    """每百名学生拥有…教师数:小学、初中分别达到4.2人以上: a level (or nothing) before the number names only part
    of the indicator, whose topic stands before the colon; under a heading that names a level (一、普通高中), an
    indicator with no level of its own is that level's."""
    colon = max(sentence.rfind(":", 0, q.start), sentence.rfind("：", 0, q.start))
    if colon > 0 and (not phrase or phrase == "未命名指标" or LEVEL.match(phrase)):
        topic = HEADING_MARK.sub("", re.split(r"[。;；,，]", sentence[:colon])[-1].lstrip("-•· "))
        topic = re.sub(r"^(?:班额与规模|具体标准|标准|要求|目标)$", "", topic) or topic
        if topic and not LEVEL.match(topic):
            phrase = (phrase if LEVEL.match(phrase) else "") + topic
        elif topic:
            phrase = topic
    elif LEVEL.match(phrase):
        phrase += _measure_before(sentence, q)
    if level and phrase and not LEVEL_WORDS.search(phrase):
        phrase = level + phrase
    return phrase


_TO_MEET = re.compile(r"(?:需|应|要|须|必须|均)?(?:达标|达到(?:国家|省)?标准|符合(?:国家|省)?(?:标准|要求))$")


def _measure_before(sentence: str, q: Quantity) -> str:
    """教室人均面积需达标,小学应达1.36平方米: a level alone measures what the clause before says must meet its standard."""
    cut = max(sentence.rfind(c, max(0, q.start - 40), q.start) for c in ",，;；")
    if cut <= 0:
        return ""
    before = re.split(r"[,，;；。:：]", sentence[max(0, cut - 40) : cut])[-1]
    topic = HEADING_MARK.sub("", before.strip())
    if re.search(r"\d", topic) or not _TO_MEET.search(topic):
        return ""
    topic = re.sub(r"^(?:全县|全市|全区|全省|全国)|(?:全部|均|都)$", "", _TO_MEET.sub("", topic))
    return topic if 2 <= len(topic) <= 16 and not LEVEL.match(topic) else ""
