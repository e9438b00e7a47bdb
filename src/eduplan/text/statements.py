"""Every quantified statement of a plan: commitments (targets, rules) and baselines (values reached).

The extractor works sentence by sentence on the normalised text. Each quantity found there is kept or
dropped by rules about what surrounds it (a year, a rank, a definition, a name), then given an indicator
phrase, a comparator, a year, a recurrence and a scope. Quotes come from the raw text through the offset map.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from eduplan.text.codes import dice, fold, match_code
from eduplan.text.modality import COMPARISON, FUTURE, GAP, NORM, PAST, QUOTED, clause_kind, section_kind
from eduplan.text.normalise import Normalised, normalise
from eduplan.text.projects import ProjectRow, find_projects
from eduplan.text.quantities import COUNT_UNITS, UNITS, Quantity, find_quantities
from eduplan.text.structure import Heading, Structure, structure
from eduplan.text.subjects import (
    HEADING_MARK,
    INDICATOR_END,
    LEVEL,
    PLACE,
    elided_subject,
    parts,
    share,
    share_of,
    split_coordinated,
    with_topic,
)
from eduplan.text.tables import grid_statements, pipe_columns, table_statements

# Comparator classes the gold scorer treats alike (a plain amount of a target is reached or passed).
CMP_CLASS = {">=": "up", ">": "up", "=": "up", "<=": "down", "<": "down"}
_SENTENCE_END = re.compile(r"[。!?！？\n]")
_CLAUSE_END = re.compile(r"[,，;；:：。!?\n]")
_YEAR = re.compile(r"(?<![\d.])(?P<a>(?:19|20)\d\d)(?:[-至到](?P<b>(?:19|20)\d\d))?年")

# What an indicator starts with after a place name (济宁市学前教育毛入学率, 南陵县公办园在园幼儿占比).
_HEADS = r"(?:学前|义务|九年|小学|初中|高中|普通|普惠|公办|民办|幼儿|中小学|中职|职业|高等|教育|特殊|残疾|随迁|学生|教师|专任|适龄)"
_LEAD = re.compile(
    r"^(?:[、,和及与并且?]|[①-⑳■●◆▲□]|"
    # list marks: (2), 2), 2., 2、, (二), 二、, a)
    r"\(?\d{1,2}\)|\d{1,2}[、.](?!\d)|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、|[a-z][.)]|[一二三四五六七八九十]是|其中|但|另外|同时|全国|全市|全县|全区|全省|全州|全旗|全镇|我国|我省|我市|我县|我区|本市|本县|本区|"
    rf"[\u4e00-\u9fff]{{2,4}}(?:省|自治区)(?![份会级内外属直])|提出|明确|指出|(?:[^\W\d_城县市区镇乡全各本我该新老主]{{2,3}}|[xX]{{1,4}})(?:市|县|区|镇|乡)(?={_HEADS})|"
    # a news agency's dateline (新华社南宁2月28日电, 本报讯(记者 …)) opens the first sentence of a report
    r"(?:新华社|中新社|中新网|人民网|央视网|本报)?[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电(?:\([^()]{0,20}\))?|"
    r"本报讯(?:\([^()]{0,20}\))?|"
    r"县域内|区域内|市域内|今年|明年|年内|全年|年底前|年底|年末|目前|力争|确保|争取|努力|计划|预计|保持|"
    r"实现|保证|基本|逐步|进一步|持续|到(?:19|20)\d\d年(?:底|末)?|(?:19|20)\d\d(?:-(?:19|20)\d\d)?年(?:底|末)?|"
    r"每年|年均|每学年|每学期|每两年|每天|每日|原则上|要|将|使|让|要求|达到|"
    # the category columns of a 绩效目标表 (一级/二级指标) run into the indicator's own name
    r"(?:产出|效益|满意度|数量|质量|时效|成本|社会效益|经济效益|生态效益|可持续影响|社会公众或服务对象满意度|服务对象满意度)指标)+"
)
_TRAIL = re.compile(
    r"(?:保持在|保持|巩固在|巩固|稳定在|控制在|提高到|提升到|提高|提升|增长|降低|下降|减少|达到|达|为|在|"
    r"超过|高于|不低于|不少于|不超过|不高于|低于|至少|力争|确保|争取|(?<![人生])均|分别|占|约|仅|只有|累计|共|有|要|须|需|应|"
    r"不得|不能|不可|不宜|不准|从|由|应保证|保证|[大小]于或?等于|不小于|不大于|不多于|小于|大于|多于|少于|应有|应达|应为|"
    r"年降幅|年增幅|年|在|再|将|新增|增加|新创建|新建|改扩建|扩建|建成|建有|建设|创建|打造|培育|培养|支持建设|办好|建好|开展|补充|"
    r"安排|按|每|总数的?|总量的?|的|全员|以上|目标值|预计值|标准值|上升到|上升至|增至|降至|降到|下降到|下降至|降低到|降低至|"
    r"提高至|提升至|增加到|增加至|减少到|减少至|[≥≤><≮≯=])+$"
)
# 在2018年的基础上每年降低0.5个百分点: the year a change is counted from.
_BASE_YEAR = re.compile(r"在(?:19|20)\d\d年(?:的)?基础上|在基线(?:数据)?(?:的)?基础上")
_YEAR_ANYWHERE = re.compile(
    r"(?:到|至|在|于)?(?:19|20)(?:\d\d|[xX]{2})(?:-(?:19|20)\d\d)?年(?:底|末|秋季|春季)?"
)
_SCOPE_WORD = re.compile(r"^(?:农村|城区|城镇|乡村|城市|县城|镇区)$")
_EACH = re.compile(r"(?:每(?:个|所)?|各)(?:乡镇|乡\(镇\)|县\(市、区\)|县|镇|村|行政村|学校|幼儿园|学区)")
_PER = (("每两年", "2years"), ("每学期", "semester"), ("每天", "day"), ("每日", "day"), ("每学年", "year"),
        ("每年", "year"), ("年均", "year"), ("年生均", "year"), ("全年", "year"), ("年降幅", "year"),
        ("年增幅", "year"))  # fmt: skip
_DOWN = re.compile(r"不超过|不高于|控制在|低于|小于|以内|以下|减少到|降至|降到|压缩到")
_UP = re.compile(
    r"以上|不低于|不少于|至少|超过|高于|达到|达(?![标成])|力争|确保|保持|巩固|稳定在|提高到|提升到|争创"
)
_CHANGE = re.compile(r"(?:提升|提高|增长|增加|降低|下降|减少|递增|递减|降幅|增幅)[≥>≮]?$")
_FALL = re.compile(r"降低|下降|减少|递减|降幅")


@dataclass
class Statement:
    """One quantified statement, in the gold schema plus its span in the normalised text."""

    doc: str
    kind: str
    indicator: str
    code: str | None
    cmp: str
    value: float | None
    value_max: float | None
    unit: str
    year: int | None
    per: str | None
    placeholder: bool
    scope: str | None
    quote: str
    start: int = 0
    end: int = 0
    why: tuple[str, str] = ("", "")  # the cues that decided kind and year (eduplan extract --explain)

    def gold(self) -> dict[str, object]:
        """The row as the gold file writes it (no spans, no explanation)."""
        row = asdict(self)
        del row["start"], row["end"], row["why"]
        for key in ("value", "value_max"):
            v = row[key]
            if isinstance(v, float) and v.is_integer():
                row[key] = int(v)
        return row


@dataclass(frozen=True)
class Extraction:
    """A document read: its normalised text, structure and statements."""

    doc: str
    normalised: Normalised
    structure: Structure
    statements: list[Statement]
    projects: list[ProjectRow] = field(default_factory=list)


def extract(raw: str, doc: str = "") -> Extraction:
    """Normalise `raw`, read its structure and extract its statements."""
    norm = normalise(raw)
    struct = structure(norm)
    found: list[Statement] = []
    pos = 0
    for line in norm.text.split("\n"):
        found.extend(_line_statements(norm, struct, doc, line, pos))
        pos += len(line) + 1
    rows, spans = grid_statements(norm, struct, doc)
    if not rows:
        rows, spans = table_statements(norm, struct, doc, [(s.start, s.end) for s in found])
    # A table row read as a row replaces what the sentence reader made of its cells.
    found = [s for s in found if not any(a <= s.start < b for a, b in spans)] + rows
    found.sort(key=lambda s: s.start)
    _column_kinds(found, pipe_columns(norm))
    return Extraction(doc, norm, struct, _once(norm, found), find_projects(norm, struct.horizon))


def _column_kinds(found: list[Statement], cells: list[tuple[int, int, str, int | None]]) -> None:
    """In a `|` table, a number in a target column is a commitment, one in a progress column a value reached."""
    if not cells:
        return
    for s in found:
        cell = next((c for c in cells if c[0] <= s.start < c[1]), None)
        if cell is None:
            continue
        _, _, role, year = cell
        if role == "target":
            s.kind, s.why = "commitment", ("表格列为任务目标", s.why[1])
            if s.year is None and year:
                s.year, s.why = year, (s.why[0], f"表头年份{year}")
        elif s.kind != "baseline":
            s.kind, s.cmp, s.why = (
                "baseline",
                "=" if s.cmp not in ("range", "ratio") else s.cmp,
                ("表格列为完成情况", s.why[1]),
            )


def _once(norm: Normalised, found: list[Statement]) -> list[Statement]:
    """A statement repeated on one page (a headline and its body, a tag footer) counts once.

    Repeats are the same kind, value, unit and comparator with the same indicator (or, where one is in a headline,
    a like one); a repeat that lacks the year its twin names is the same statement too. The fuller one is kept.
    """
    out: list[Statement] = []
    index: dict[tuple[object, ...], int] = {}
    heads: list[int] = []
    for s in found:
        key = _repeat_key(s)
        i = index.get((*key, s.code or fold(s.indicator)))
        headline = _in_headline(norm, s)
        if i is None and not s.placeholder:
            pool = range(len(out)) if headline else heads
            i = next((j for j in pool if _repeat_key(out[j]) == key and _alike(out[j], s)), None)
        # Subjects split from one number (视力、听力、智力残疾儿童…入学率) are not repeats of each other.
        if i is None or s.placeholder or not _years_agree(out[i], s) or out[i].start == s.start:
            index[(*key, s.code or fold(s.indicator))] = len(out)
            if headline:
                heads.append(len(out))
            out.append(s)
        elif (out[i].year is None and s.year is not None) or (i in heads and not headline):
            out[i] = s  # the body's statement, or the one that names its year
            heads = [j for j in heads if j != i] + ([i] if headline else [])
    return out


def _repeat_key(s: Statement) -> tuple[object, ...]:
    commitment = s.kind == "commitment"
    return (s.kind, s.value, s.value_max, s.unit, CMP_CLASS.get(s.cmp, s.cmp) if commitment else "", s.scope)


def _years_agree(a: Statement, b: Statement) -> bool:
    return a.kind != "commitment" or a.year == b.year or a.year is None or b.year is None


def _alike(a: Statement, b: Statement) -> bool:
    x, y = fold(a.indicator), fold(b.indicator)
    return bool(x and y) and (x in y or y in x or dice(x, y) >= 0.5)


def _in_headline(norm: Normalised, s: Statement) -> bool:
    """A short line with no clause marks (a title or headline), or a 原标题 line."""
    start = norm.text.rfind("\n", 0, s.start) + 1
    end = norm.text.find("\n", s.start)
    line = norm.text[start : end if end >= 0 else len(norm.text)]
    if _VALUE_LINE.match(line.strip()):
        return False  # a table cell, not a headline
    return line.startswith("原标题") or (len(line) <= 45 and not re.search(r"[。,，;；]", line))


@dataclass(frozen=True)
class _Context:
    """What a sentence's statements inherit: the document, its section and its paragraph."""

    norm: Normalised
    struct: Structure
    doc: str
    section: tuple[str | None, str]  # the kind the section's role gives, and the cue
    para_year: int | None  # the topic year a paragraph opens with (2023年，… / 到2025年，…)
    reported: int | None = (
        None  # where the paragraph starts relaying what a plan sets out (方案明确…, 规划提出…)
    )
    label: str | None = None  # the label cell above a line that holds only a value
    level: str | None = None  # the school level the innermost heading names (一、普通高中)
    list_label: str | None = None  # the label line a list of items (- 小学:≥26平方米/人) stands under
    measure: str | None = (
        None  # what the heading above key:value lines measures (一、班级的规模 / 小班:20~25人)
    )
    listed: list[list[str]] = field(default_factory=list)  # the subjects of the paragraph's last 分别 list
    para: str = ""  # the paragraph (line) the sentence is in
    para_base: int = 0  # where that paragraph starts in the normalised text

    @property
    def now(self) -> int | None:
        """The year the document speaks from: a plan's first year, else the year it was written."""
        if self.struct.genre.has_horizon and self.struct.period:
            return self.struct.period[0]
        return self.struct.year


# A paragraph of a report or news story that relays a plan's content: its statements are the plan's targets.
_REPORTED = re.compile(
    r"(?:总|主要|具体)目标(?:是|为|如下)|(?:方案|规划|计划|意见|办法|纲要|通知|决定|要点)[”》]?[^。;；]{0,16}?(?:提出|明确|要求|指出|规定|部署|确定)(?!的)"
)
# A paragraph that opens by announcing what will be done (2023年,蕲春将加快…): its sentences are plans.
_PLANS_AHEAD = re.compile(
    r"^(?:(?:19|20)\d\d年|今年|明年|下一步)[,，]?[\u4e00-\u9fff]{0,8}?将(?![\u4e00-\u9fff]{0,3}(?:纳入|列入|作为))"
)
# (计划 as the end of a programme's name — 营养改善计划, 三年行动计划 — names no plan figure; nor does a task done.)
_PLANNED = re.compile(
    r"^(?!.*完成)(?:.*[^善动岗培升坚养助划])?(?:规划|计划|任务)(?!量|的|数的|完成|执行|指标)(?:总)?(?:投资|新增|新建|新改扩建|改扩建|建设|为|面积)?"
)
# A clause that opens on the present (目前, 如今, 截至…) sets the tense of what follows in its paragraph.
_PRESENT_OPENS = re.compile(r"(?:^|[。;；,，:：])(目前|如今|当前|现阶段|截至|截止|现有)")
# 国家卫健委2022年监测显示,…近视率达53.6%: what a survey showed, until a target is named.
_FINDING = re.compile(r"((?:监测|统计|调查|数据|结果|报告)显示)")
_PARA_YEAR = re.compile(
    r"^(?:--)?(?:[一二三四五六七八九十\d]+[、.])?(?:力争|争取)?(?:到|至|截至|截止)?((?:19|20)\d\d)年(?:底|末|度)?[,，]"
)


def _line_statements(norm: Normalised, struct: Structure, doc: str, line: str, base: int) -> list[Statement]:
    if not re.search(r"[\dxX十百千万分一二两三]", line):
        return []
    path = struct.path_at(base)
    para = _PARA_YEAR.match(line.strip())
    para_year = int(para.group(1)) if para else _heading_year(path)
    ahead = _PLANS_AHEAD.match(line.strip())
    if not para and ahead:
        # 2024年福州将着力扩优提质…。新改扩建公办幼儿园25所: the year a paragraph of plans opens on.
        named = re.match(r"(?:19|20)\d\d", ahead.group(0))
        para_year = int(named.group(0)) if named else _relative_year(ahead.group(0), struct) or para_year
    cue = _REPORTED.search(line) or _PLANS_AHEAD.match(line.strip())
    reported = base + line.find(cue.group(0)) if cue else None
    label = _cell_label(norm.text, base, line)
    level = next((h.text for h in reversed(path) if LEVEL.match(HEADING_MARK.sub("", h.text))), None)
    ctx = _Context(
        norm,
        struct,
        doc,
        section_kind([h.text for h in path if h.rank <= 5], struct.genre.default_kind == "baseline"),
        para_year,
        reported,
        label,
        HEADING_MARK.sub("", level) if level else None,
        _list_label(norm.text, base, line),
        _measure(path, line),
        para=line,
        para_base=base,
    )
    out: list[Statement] = []
    start = 0
    line = _mask_items(line)
    ctx = replace(ctx, para=line)
    for m in _SENTENCE_END.finditer(line + "\n"):
        out.extend(_sentence(ctx, line[start : m.start()], base + start))
        start = m.end()
    return out


# A table cell of its own line: an optional sign, a number, a unit (元/平方米) or none, a bound.
_VALUE_LINE = re.compile(
    r"^[≥≤<>≮≯]?\s*\d+(?:\.\d+)?\s*[%‰]?[\u4e00-\u9fff㎡]{0,4}(?:/[\u4e00-\u9fff]{1,3})?(?:以上|以下|左右)?$"
)
_LABEL_LINE = re.compile(r"^[^\d。，,;；:：]{2,40}$")


def _labelled_number(cell: str, label: str) -> list[Quantity]:
    """项目预算金额(万元) / 193.8: a bare number whose unit the label names in parentheses."""
    m = re.search(r"\((%|万元|元|亿元|万人|人|所|个|平方米|万平方米)\)$", label)
    n = re.match(r"\s*(\d+(?:\.\d+)?)\s*$", cell)
    if n and not m and re.search(r"数量$", label):
        # 重点建设工程安排数量 / 2: a count whose label names no unit
        return [Quantity(n.start(1), n.end(1), float(n.group(1)), None, "", "", False)]
    if not (m and n):
        return []
    unit, scale = UNITS[m.group(1)]
    return [Quantity(n.start(1), n.end(1), round(float(n.group(1)) * scale, 6), None, unit, "", False)]


def _clean_label(label: str) -> str:
    """项目预算金额(万元) → 项目预算金额: the label without its unit and numbering."""
    text = re.sub(r"\((?:%|万元|元|亿元|万人|人|所|个|平方米|万平方米|元/年)\)$", "", label)
    return _LEAD.sub("", re.sub(r"^(?:\d{1,2}[.、]|\(\d{1,2}\))", "", text)) or text


def _cell_label(text: str, base: int, line: str) -> str | None:
    """The label on the line above a line that is only a value (补贴发放合规率 / ≥95%): the cell it fills."""
    if len(line) > 40 or not _VALUE_LINE.match(line.strip()):
        return None
    end = max(0, base - 1)
    while end > 0 and text[end - 1] == "\n":
        end -= 1  # 资金总额 / (blank) / 10000万元: cells a blank line apart
    above = text.rfind("\n", 0, end)
    label = re.split(r"[:：]", text[above + 1 : end].strip().rstrip(":："))[-1]  # 其中:财政拨款
    return label if _LABEL_LINE.match(label) and re.search(r"[\u4e00-\u9fff]{2}", label) else None


_ITEM = re.compile(r"(?:^|(?<=[;；。]))\s*(\d{1,2})([、.](?!\d))?(?=[\u4e00-\u9fff])")


def _mask_items(line: str) -> str:
    """1、绿化美化好;2幼儿人均活动场地在4平米以上;3大型玩教具…: the numbers of a list run into one line are no
    quantities; they are blanked (same length, so offsets hold) when at least two follow in sequence."""
    spans: list[tuple[int, int]] = []
    last = 0
    for m in _ITEM.finditer(line):
        n = int(m.group(1))
        if (n == 1 and m.group(2)) or (last and n == last + 1):
            spans.append((m.start(1), m.end(2) if m.group(2) else m.end(1)))
            last = n
    if len(spans) < 2:
        return line
    for a, b in spans:
        line = line[:a] + "、" * (b - a) + line[b:]
    return line


def _measure(path: list[Heading], line: str) -> str | None:
    """一、班级的规模 / 小班(三至四岁):20~25人: a heading that names a measure, over lines that give it per key."""
    if not path or not re.match(r"[\u4e00-\u9fff]{1,8}(?:\([^()]{1,8}\))?[:：]", line.strip()):
        return None
    text = HEADING_MARK.sub("", path[-1].text).strip("。.:： ")
    if len(text) > 12 or not re.search(r"(?:规模|比例|面积|配置|配备|标准|人数|班额)$", text):
        return None
    return text.replace("的", "")


def _staffing(sentence: str, q: Quantity, phrase: str) -> str | None:
    """园长:三个班以下的幼儿园设一人: a post named before the colon, the people a place sets for it after."""
    if q.unit != "人":
        return None
    key = re.match(r"\s*([\u4e00-\u9fff]{2,6})[:：]", sentence)
    if not key or LEVEL.match(key.group(1)):
        return None
    # 炊事员:…每40~45名幼儿配一人: how many one of them serves.
    per = re.match(r"名?([\u4e00-\u9fff]{1,4}?)(?:配|设)", sentence[q.end :])
    if sentence[: q.start].endswith("每") and per:
        return key.group(1) + "配备" + per.group(1) + "数"
    return key.group(1) + "配备" if re.search(r"(?:设|配|配备|配设|配置)$", phrase) else None


def _list_label(text: str, base: int, line: str) -> str | None:
    """生均用地 / - 普通高中:≥31平方米/人 / - 小学:≥26平方米/人: the label the items of a list stand under."""
    if not re.match(r"\s*[-•·]\s*[\u4e00-\u9fff]{1,8}[:：]", line):
        return None
    end = max(0, base - 1)
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        above = text[start:end].strip()
        if not re.match(r"[-•·]", above):
            return above if re.fullmatch(r"[\u4e00-\u9fff]{2,10}", above) else None
        end = max(0, start - 1)
    return None


def _heading_year(path: list[Heading]) -> int | None:
    """一、2024年度主要工作成效: a section named after a year speaks of that year."""
    for h in reversed(path):
        m = re.search(r"((?:19|20)\d\d)年", h.text)
        if m:
            return int(m.group(1))
    return None


def _sentence(ctx: _Context, sentence: str, base: int) -> list[Statement]:
    qs = [q for q in find_quantities(sentence) if _counts(sentence, q)]
    if ctx.label and not qs:
        qs = _labelled_number(sentence, ctx.label)
    qs = _drop_norm_placements(sentence, qs)
    out: list[Statement] = []
    prev_end = 0
    subjects = _respectively(sentence, qs, ctx.listed)
    swaps = _swapped_groups(sentence, qs)
    group_refs: list[Statement] = []
    prev: Statement | None = None
    asides = [m.span() for m in re.finditer(r"\([^()]*\)", sentence)] if qs else []
    for i, q in enumerate(qs):
        prefix = _prefix(sentence, q, prev_end)
        kind, why = _kind(ctx, sentence, base, q, prefix)
        if (
            prev is not None
            and why.startswith("文件类型为")
            and not prev.why[0].startswith("文件类型为")
            and prev.why[0] not in (QUOTED, NORM)
        ):
            # 共有32个项目未开工,其中嘉祥县18个: a clause with no cue of its own goes on in the tense of the one before
            # (not of a standard: 未达到0.9人的标准;8所学校…不达标).
            kind, why = prev.kind, prev.why[0] + "(承前)"
        compared = _compared(sentence, q)
        if compared and kind == "baseline":
            prev_end = q.end
            continue  # 比上年增长1.4%: a change of a value reached, not a level
        year, year_why = _statement_year(ctx, sentence, base, q, kind, why)
        cmp = "change" if compared and q.unit in ("%", "pp") else _cmp(sentence, q, prefix)
        if kind == "baseline" and cmp not in ("range", "ratio"):
            cmp = "="  # a value reached is a plain amount
        phrases = [
            (with_topic(sentence, q, p, ctx.level), sc)
            for p, sc in _indicators(sentence, q, prefix, subjects.get(i), _main_before(asides, q, out, base))
        ]
        if (
            ctx.label
            and len(qs) == 1
            and not _core(prefix)
            and not re.match(r"[\u4e00-\u9fff]{2}", sentence[q.end :])
        ):
            phrases = [(_clean_label(ctx.label), None)]
        if i in swaps:
            # 女生视力中度不良和重度不良比例分别为18.6%、10.4%,男生分别为16.4%、9%: the same measures for another group.
            word, j, n = swaps[i]
            if j == 0:
                group_refs = out[-n:] if len(out) >= n else []
            if group_refs:
                ref = group_refs[j]
                phrases = [(_swap_group(ref.indicator, word), ref.scope)]
        if ctx.measure and not _core(prefix) and re.search(r"[:：]", sentence[: q.start]):
            phrases = [(re.sub(r"\([^()]*\)", "", p) + ctx.measure, sc) for p, sc in phrases]
        staffed = [(_staffing(sentence, q, p), p, sc) for p, sc in phrases]
        phrases = [(st or p, sc if not st else (sc or p)) for st, p, sc in staffed]
        if ctx.list_label:
            # - 普通高中:≥31平方米/人 under 生均用地: the item names the level, the list's label the measure.
            phrases = [
                (
                    (p if LEVEL.fullmatch(p) else "") + ctx.list_label
                    if LEVEL.fullmatch(p) or p == "未命名指标"
                    else p,
                    sc,
                )
                for p, sc in phrases
            ]
        whole = _share_of_counts(sentence, asides, q, out, base)
        if whole:
            phrases = [(whole, None)]
        if (
            why in (QUOTED, NORM)
            and prev is not None
            and (not INDICATOR_END.search(phrases[0][0]) or "目标" in phrases[0][0])
        ):
            # 低出生体重发生率为3.13%,较好控制在4%的《纲要》目标之内: the target quoted is for the same indicator;
            # 婴儿死亡率为6.1‰,5岁以下儿童死亡率为8.4‰,均低于10‰和13‰的《纲要》目标: each for one of them in turn.
            # 小学、初中…系数分别为0.41、0.33,均达到…小于或等于0.50、0.45的要求: so is each standard compared with.
            unit = "[%‰]" if why == QUOTED else "[%‰]?"
            norms = _NORM_LIST.match(sentence, q.end)
            after = sentence[q.end : q.end + 40] if why == QUOTED or norms is None else norms.group()
            listed = re.findall(rf"[和、及与](\d+(?:\.\d+)?){unit}", after)
            earlier = re.findall(
                rf"(?:\d+(?:\.\d+)?{unit}[和、及与])+$", sentence[max(0, q.start - 30) : q.start]
            )
            place = len(re.findall(r"[和、及与]", earlier[0])) if earlier else 0
            n = place + len(listed) + 1
            reached = [st for st in out if st.why[0] not in (QUOTED, NORM)]
            ref = reached[len(reached) - n + place] if len(reached) >= n else prev
            phrases = [(ref.indicator, ref.scope)]
        for phrase, scope in phrases:
            # 各县(市、区)省级乡村温馨校园: the scope is a field of its own, not part of the indicator.
            each = _EACH.match(phrase)
            indicator = phrase[each.end() :] if each and len(phrase) - each.end() >= 2 else phrase
            st = Statement(
                doc=ctx.doc, kind=kind, indicator=indicator, code=None, cmp=cmp,
                value=_value(q, cmp, prefix), value_max=q.value_max, unit=q.unit,
                year=year, per=_per(sentence, q, prefix), placeholder=q.placeholder,
                scope=scope or _scope(prefix), quote="", start=base + q.start, end=base + q.end,
                why=(why, year_why),
            )  # fmt: skip
            st.code = match_code(indicator)
            if not st.code and prev is not None and indicator.endswith(prev.indicator):
                st.code = prev.code
            qa, qb = _quote_span(sentence, q, prev_end)
            st.quote = ctx.norm.quote(base + qa, base + qb)
            out.append(st)
        if out:
            prev = out[-1]
        prev_end = q.end
    return out


_Spans = list[tuple[int, int]]


def _in_aside(asides: _Spans, pos: int) -> bool:
    i = bisect.bisect_right(asides, (pos, pos)) - 1  # the spans do not nest: the last one opened before pos
    return i >= 0 and asides[i][0] < pos < asides[i][1]


def _main_before(asides: _Spans, q: Quantity, before: list[Statement], base: int) -> Statement | None:
    """The statement before `q`, passing over one made in an aside (…2767个县(注:因区划调整减少19个)通过认定,占比95.32%)
    when `q` itself stands outside it. `asides`: the sentence's parentheses."""
    if _in_aside(asides, q.start):
        return before[-1] if before else None
    return next((st for st in reversed(before) if not _in_aside(asides, st.start - base)), None)


def _share_of_counts(
    sentence: str, asides: _Spans, q: Quantity, before: list[Statement], base: int
) -> str | None:
    """有中等职业学校347所(其中技工学校63所)、在校生56.6万人,分别占全省的55%、59.1%: each share is of the count in the
    same place (not of a count in parentheses)."""
    if q.unit != "%":
        return None
    m = re.search(
        r"分别占([^,，;；。:：]{1,8}?)的(?:\d+(?:\.\d+)?%、)*$",
        sentence[_clause_start(sentence, q.start) : q.start],
    )
    if not m:
        return None
    place = m.group(0).count("、")
    following = re.match(r"(?:、\d+(?:\.\d+)?%)*", sentence[q.end :])
    n = place + 1 + (following.group().count("、") if following else 0)
    counts = [st for st in before if st.unit not in ("%", "pp") and not _in_aside(asides, st.start - base)]
    if len(counts) < n:
        return None
    return f"{counts[len(counts) - n + place].indicator}占{m.group(1)}比例"


_NORM_LIST = re.compile(r"(?:[和、及与]\d+(?:\.\d+)?[%‰]?){0,8}")
_CHANGE_VERB = re.compile(r"^(?:分别)?(?:增长|下降|提高|降低|增加|减少|上升|回落)")


def _compared(sentence: str, q: Quantity) -> bool:
    """比上年增加75人，增长1.4%: the number follows a comparison, in its clause or the one it continues."""
    start = _clause_start(sentence, q.start)
    if COMPARISON.search(sentence[start : q.start]):
        return True
    if q.unit in ("pp", "%") and GAP.search(sentence[start : q.start]):
        return True
    before = _clause_start(sentence, max(0, start - 1))
    if _CHANGE_VERB.match(sentence[start : q.start]) and COMPARISON.search(sentence[before:start]):
        return True
    # 生产总值**亿元,增长13.6%: a clause that is only a growth rate follows the amount it changes.
    return bool(
        re.fullmatch(r"(?:同比|分别)?(?:增长|下降|增加|减少|上升|回落)(?:了|约)?", sentence[start : q.start])
    )


def _kind(ctx: _Context, sentence: str, base: int, q: Quantity, prefix: str) -> tuple[str, str]:
    """commitment or baseline, and the cue that decided: quoted target, clause tense, the number's precision,
    date, section, genre."""
    clause = sentence[_clause_start(sentence, q.start) : q.start]
    kind, why = clause_kind(clause, sentence[q.end : q.end + 60])
    if kind == "baseline" or why in (QUOTED, NORM):
        return kind or "baseline", why
    decimals = _decimals(sentence, q)
    if kind is None and decimals >= 2:
        # 毛入园率达到89.72%: a rate measured to two decimals is a value reached; targets are set in round numbers.
        return "baseline", f"数值精确到{decimals}位小数(实测值)"
    if kind is None:
        kind, why = _target_before(sentence, q.start)
    if kind is None and _PLANNED.search(clause):
        # 2020年度…建设任务为新建6栋校舍, 规划总投资2452万元: a figure named as planned is the target set for its
        # year, even when a later report relays it (not 占规划量的30.8%, 完成年度目标任务的99%: shares of a plan).
        return "commitment", "计划用语"
    if kind is None:
        # 目前,全区有学校1195所。在校学生570413人: the present a clause opened with goes on until a target.
        opened = _present_before(ctx.para, base - ctx.para_base + q.start)
        if opened:
            return "baseline", f"前文现状用语“{opened}”"
    explicit = _year(sentence, q.start)
    if explicit is None:
        explicit = _relative_year(sentence[: q.start], ctx.struct)
    early = explicit is not None and ctx.now is not None and explicit < ctx.now
    # 到2005年… in a 发展成就 section of a 2006 plan reports a value reached; elsewhere 到2019年 is a target.
    if early and (kind is None or ctx.section[0] == "baseline"):
        return "baseline", f"所述年份{explicit}早于文件年份{ctx.now}"
    # A year after the one the document was written in (“十四五”期间 in a 2022 news report) is not yet reached.
    written = ctx.struct.year
    if kind is None and explicit is not None and written is not None and explicit > written:
        return "commitment", f"所述年份{explicit}晚于成文年份{written}"
    if kind is None:
        kind, why = ctx.section
    if kind is None and ctx.reported is not None and ctx.reported < base + q.start:
        kind, why = "commitment", "段落转述规划或方案的目标"
    if kind is None:
        kind, why = _by_default(ctx, sentence, q, prefix, clause, decimals)
    return kind, why


_Marks = tuple[list[int], list[str]]  # where each mark ends, and its word


@lru_cache(maxsize=4)
def _tense_marks(para: str) -> tuple[_Marks, _Marks, list[int], list[int]]:
    """A paragraph's present openings (目前, 截至 …), findings (监测显示) and target words (their starts and ends),
    found once per paragraph: a long paragraph then costs no more per number than a short one."""
    opens = [(m.end(), m.group(1)) for m in _PRESENT_OPENS.finditer(para)]
    findings = [(m.end(), m.group(1)) for m in _FINDING.finditer(para)]
    future = [m.span() for m in FUTURE.finditer(para)]
    return (
        ([e for e, _ in opens], [w for _, w in opens]),
        ([e for e, _ in findings], [w for _, w in findings]),
        [a for a, _ in future],
        [b for _, b in future],
    )


@lru_cache(maxsize=4)
def _sentence_marks(sentence: str) -> tuple[list[int], list[int], list[str], list[int], list[int]]:
    """A sentence's target words (ends, starts, words) and past words (ends, starts), found once per sentence."""
    future = list(FUTURE.finditer(sentence))
    past = list(PAST.finditer(sentence))
    return (
        [m.end() for m in future], [m.start() for m in future], [m.group(0) for m in future],
        [m.end() for m in past], [m.start() for m in past],
    )  # fmt: skip


def _target_before(sentence: str, pos: int) -> tuple[str | None, str]:
    """The sentence's words before `pos` make a target when its last tense word there looks ahead (the clause_kind of
    sentence[:pos], without reading the sentence again for every number in it)."""
    f_ends, f_starts, words, p_ends, p_starts = _sentence_marks(sentence)
    i = bisect.bisect_right(f_ends, pos) - 1
    j = bisect.bisect_right(p_ends, pos) - 1
    if i < 0 or (j >= 0 and p_starts[j] > f_starts[i]):
        return None, ""
    return "commitment", f"目标用语“{words[i]}”"


def _present_before(para: str, pos: int) -> str | None:
    """The present opening (else finding) last before `pos` in its paragraph, unless a target word follows it."""
    opens, findings, starts, ends = _tense_marks(para)
    for marks, words in (opens, findings):
        i = bisect.bisect_right(marks, pos) - 1
        if i >= 0:
            j = bisect.bisect_left(starts, marks[i])
            return words[i] if j == len(starts) or ends[j] > pos else None
    return None


def _by_default(
    ctx: _Context, sentence: str, q: Quantity, prefix: str, clause: str, decimals: int
) -> tuple[str, str]:
    """The kind of a number nothing in its clause, paragraph or section dates: the genre's default, weighed.

    A target needs evidence. Where only the genre speaks for one, a measured rate (a decimal: 83.4%) or a plain
    amount that nothing bounds, makes or rules (为83%, 有学校1195所 — not 以上, 不低于, 1-2名, 每年, 新建, 按) is what the text
    states as it stands. In a document whose genre is unknown that is the default; bounds still set targets
    (a standard read without its title)."""
    genre = ctx.struct.genre
    if genre.default_kind != "commitment":
        return genre.default_kind, f"文件类型为{genre.label}"
    if genre.code in _TITLE_TARGETS:
        # a work plan, task table or standard names its targets as bare amounts: its title says so
        return "commitment", f"文件类型为{genre.label}"
    if q.unit == "%" and decimals == 1:
        return "baseline", f"文件类型为{genre.label}，但数值带小数(实测值)"
    cmp = _cmp(sentence, q, prefix)
    clause_end = _CLAUSE_END.search(sentence, q.end)
    rest = sentence[q.end : clause_end.start() if clause_end else len(sentence)]
    # 新建…所, 千户小区配建…, 按100人拨付: a number something is made or ruled by
    ruled = _ACTS.search(clause + rest) or re.search(r"按(?!时|期|需)", clause)
    if cmp == "=" and not q.placeholder and not _per(sentence, q, prefix) and not ruled:
        return "baseline", f"文件类型为{genre.label}，但数值无目标用语、无界限"
    return "commitment", f"文件类型为{genre.label}"


# Verbs that make, equip or serve: the number they govern is work to do in a plan (新建, 配建, 培训, 资助 …).
_ACTS = re.compile(
    r"新改扩建|改扩建|扩建|新建|新增|新创建|创建|建成|认定|培育|打造|招聘|培训|满足|解决|资助|惠及|配设|配备|配置|配齐|聘用"
    r"|建设|配建|设置|开设"
)
# Genres whose title makes every bare amount of theirs a target or threshold.
_TITLE_TARGETS = frozenset({"workplan", "tasks", "standard", "template"})


def _decimals(sentence: str, q: Quantity) -> int:
    """How many decimals the number is written with (89.72% → 2; 6.1‰ → 1)."""
    m = re.match(r"\d+(?:\.(\d+))?", sentence[q.start : q.end])
    return len(m.group(1)) if m and m.group(1) and q.unit == "%" else 0


@lru_cache(maxsize=4)
def _first_citation(sentence: str) -> int | None:
    m = re.search(r"(?:标准|规范|办法)》|规定[,，:：]", sentence)
    return m.end() if m else None


def _cited_before(sentence: str, pos: int) -> bool:
    """《…标准》规定, … before `pos` (the sentence searched once, not once per number)."""
    end = _first_citation(sentence)
    return end is not None and end <= pos


@lru_cache(maxsize=4)
def _paragraph_aims(para: str) -> tuple[list[int], list[int]]:
    """Where each 到2020年 of a paragraph ends, and its year (found once per paragraph)."""
    found = list(re.finditer(r"到((?:19|20)\d\d)年(?!的)", para))
    return [m.end() for m in found], [int(m.group(1)) for m in found]


def _statement_year(
    ctx: _Context, sentence: str, base: int, q: Quantity, kind: str, why: str
) -> tuple[int | None, str]:
    """The year due (commitments) or described (baselines), and where it came from."""
    struct = ctx.struct
    if why == QUOTED:
        # The quoted plan's last year (《纲要(2011—2020年)》, 第十三个五年规划); the year of the value it is
        # compared with is not its due year.
        due = struct.horizon
        five = re.search(r"十([一二三四五六七])个?五", sentence)
        period = re.search(r"\((?:19|20)\d\d\s*[-—~至]\s*((?:19|20)\d\d)年?\)", ctx.norm.text)
        if due is None and five:
            due = _FIVE_YEAR_END[five.group(1)]
        if due is None and period:
            due = int(period.group(1))
        return due, f"引用目标取规划期末{due}" if due else "引用目标的规划期未写明"
    if why == NORM and struct.genre.default_kind == "baseline":
        return None, "报告对照的标准不限年份"
    explicit = _year(sentence, q.start)
    if explicit is not None:
        return explicit, f"句中年份{explicit}"
    relative = _relative_year(sentence[: q.start], struct)
    if relative is not None:
        return relative, f"相对时间折算为{relative}"
    if ctx.para_year is not None:
        return ctx.para_year, f"段首或章节年份{ctx.para_year}"
    ends, years = _paragraph_aims(ctx.para)
    i = bisect.bisect_right(ends, base - ctx.para_base + q.start) - 1
    if kind == "commitment" and i >= 0:
        # 总目标是:到2020年,…。■一是…毛入学率均达到90%以上: the target year the paragraph set goes on.
        return years[i], f"段内目标年{years[i]}"
    # 省财政还将下拨…: what a dated news report announces is for its year; criteria it relays (督导评估方案要求
    # …达到80%) stay without one.
    news = struct.genre.code == "news" and struct.date is not None and struct.horizon is None
    # 《…标准》规定,…应保证10小时; 小学应达1.36平方米, 不得高于50db: a rule a report relays holds in any year.
    cited = _cited_before(sentence, q.start) or _NORMATIVE.search(
        sentence[_clause_start(sentence, q.start) : q.start]
    )
    if kind == "commitment" and news and not cited and not _CRITERIA.search(ctx.norm.text):
        return struct.year, f"新闻日期年份{struct.year}"
    # 第三季度工作总结 … 三、第四季度工作打算 / 招聘补充教师450名 (dated 2024-10-10): what a dated report plans with no
    # year of its own is for the year it was written in (a 2023 summary dated January 2024 plans 2024).
    dated = (
        struct.date is not None and struct.horizon is None and struct.genre.code in ("summary", "monitoring")
    )
    if kind == "commitment" and dated and not cited and not _CRITERIA.search(ctx.norm.text):
        return struct.year, f"报告日期年份{struct.year}"  # (its date's year: the date is known)
    if kind == "commitment":
        return struct.horizon, f"文件目标年{struct.horizon}" if struct.horizon else "文件未写明目标年"
    year = struct.report_year or _review_year(struct)
    return year, f"文件所述年份{year}" if year else "文件未写明年份"


_NORMATIVE = re.compile(r"(?<![相供适反对响答效])应(?!用|急|对)|须|不得|不宜|一般(?=[应配设为不在以])|一律")
_CRITERIA = re.compile(r"督导评估|评估认定|评估指标|评估标准|认定标准|验收标准")


# 今年/明年 against the document's year; 年内 (within this year) but not 5年内 (within five years).
_RELATIVE = re.compile(r"明年|下一年|今年|本年|(?<![\d一二两三四五六七八九十几])年内|(?<![\d学])年(?:底|末)")
_FIVE_YEAR_END = {"一": 2010, "二": 2015, "三": 2020, "四": 2025, "五": 2030, "六": 2035, "七": 2040}


def _relative_year(before: str, struct: Structure) -> int | None:
    """今年/明年 against the document's year; 十四五末, 十五五期间 as that plan period's last year."""
    ends = re.findall(r"十([一二三四五六七])五[”\"]?(?:末|期末|期间|时期)", before)
    if ends:
        return _FIVE_YEAR_END[ends[-1]]
    if struct.year is None:
        return None
    found = _RELATIVE.findall(before)
    if found:
        return struct.year + (1 if found[-1] in ("明年", "下一年") else 0)
    return None


def _review_year(struct: Structure) -> int | None:
    """The year a review describes: its period's end for a review document, the year before for a plan."""
    if not struct.period:
        return None
    return struct.period[1] if not struct.genre.has_horizon else struct.period[0] - 1


def _counts(sentence: str, q: Quantity) -> bool:
    """Whether quantity `q` is a statement's number rather than a date, a rank, a name or a definition."""
    before, after = sentence[max(0, q.start - 4) : q.start], sentence[q.end : q.end + 3]
    if q.unit == "年" and (
        (q.value or 0) >= 1900
        or re.match(r"[内来间前后底末级度制]|至少|以来|期间|基础|义务|一贯|行动|规划|计划|教育|免费", after)
        or before.endswith("近")
    ):
        return False
    if before.endswith(("第", "前", "后", "近", "/", "·")) or (re.match(r"[.\d]", after) and q.unit != "%"):
        return False
    if q.unit == "倍":
        return False  # 是2010年的2.5倍: a comparison, not a level
    if q.unit in ("米", "公里") and re.match(r"[跑赛游栏跳]|往返|折返|半径|范围", after):
        return False  # 50米跑, 800米赛: an event's name; 3公里半径: a catchment that defines
    if q.unit == "个" and after.startswith("月"):
        return False  # 0-6个月婴儿: a span of months, not a count
    if q.unit == "班" and re.match(r"规模|以下规模|以上规模", sentence[q.end - len(q.tail) : q.end + 4]):
        return False  # 3-6个班规模的占地面积: the size that says which schools a rule is for
    if q.unit == "年" and before.endswith("满"):
        return False  # 连续任教满6年的教师, 任职满10年则…: a tenure that says who, not a statement
    # 浏览:2153次, 点击量 318: the page's counter, not the document's.
    if re.search(
        r"(?:浏览|点击|阅读|访问)(?:次数|量|数)?[:：]?\s*$", sentence[max(0, q.start - 6) : q.start]
    ):
        return False
    # 未来5年, 今后三年: a span of time; 以下5个方面: the layout of a speech.
    if q.unit == "年" and re.search(
        r"(?:未来|今后|过去|此后|最近|连续)$", sentence[max(0, q.start - 4) : q.start]
    ):
        return False
    if q.unit == "个" and re.match(r"方面|层面|维度|阶段|部门|单位", after):
        return False
    # 由58%上升到79.6%: the level a change starts from, unless its year is named (从2015年的69.3%).
    if re.search(r"[由从]$", sentence[max(0, q.start - 1) : q.start]) and re.match(
        r"(?:上升|提高|提升|增加|增长|下降|降低|减少)(?:到|至)", sentence[q.end : q.end + 4]
    ):
        return False
    if re.search(r"(?:以下|如下|下列|上述|以上|这|这些)$", before) and q.unit in ("个", "项", "条", "类"):
        return False
    if _inside_brackets(sentence, q.start):
        return False
    # 56人以上大班额, 2000人以下的小村: a head count that defines a group, not a target for it.
    # 1000人以上的中小学校…: a size that defines the schools a rule is for.
    if (
        q.unit == "人"
        and q.tail in ("以上", "及以上")
        and re.match(r"的?" + _GROUP_OF_SCHOOLS, after + sentence[q.end + 3 : q.end + 8])
    ):
        return False
    if q.unit in ("人", "户") and (
        re.match(r"(?:及)?以上[\u4e00-\u9fff]", sentence[q.end - len(q.tail) : q.end + 6])
        and not re.match(
            r"(?:及)?以上(?:的|建|新建|规划|必须|设置|配建|配置)", sentence[q.end - len(q.tail) : q.end + 6]
        )
    ):
        return False
    # 达10小时及以上的比例, 45岁以下的校长: a bound that defines the group measured, not a statement.
    # (Head counts and households before 以上的 open a planning norm instead: see _norm_indicator.)
    below = q.tail in ("以下", "以内")
    if (
        after.startswith("的")
        and q.unit != "%"
        and (below or (q.tail in ("以上", "及以上") and q.unit not in ("人", "户")))
    ):
        return False
    # 低于85%的县(区)按从高到低排序: a rate that sorts out places or schools names a group, not a level.
    if re.search(
        r"(?<!不)(?:低于|高于|超过|不足|未达到)$", sentence[max(0, q.start - 4) : q.start]
    ) and re.match(r"的(?:县|区|市|乡镇|学校|地区|单位)", sentence[q.end : q.end + 4]):
        return False
    # 还需提高0.5个百分点: the gap to a target, not a statement; 0.7个千分点 is no count of things.
    if re.search(
        r"(?:还需|还差|尚需|仍需|差距)[\u4e00-\u9fff]{0,4}$", sentence[max(0, q.start - 8) : q.start]
    ):
        return False
    if q.unit == "个" and after.startswith("千分"):
        return False
    # 祁连路小学、第一幼儿园、…天祝县华藏寺村幼儿园6所学校: a tally of the schools just named (each a project).
    clause = sentence[_clause_start(sentence, q.start) : q.start]
    if q.unit == "所" and clause.count("、") >= 2 and _NAMED.search(clause):
        return False
    if re.search(r"(?:不足|不满|少于|超过)$", before) and after.startswith("的"):
        return False
    # "两个一百年", "三所学校": numbers inside a short quoted name.
    return not (q.placeholder and re.match(r"[\u4e00-\u9fff]*县", after))


@lru_cache(maxsize=8)
def _brackets(sentence: str) -> tuple[tuple[int, int], ...]:
    """Spans of 《…》 (titles) and of parentheses that name a period or a 文号, computed once per sentence."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"《[^《》]*》|\([^()]*\)", sentence):
        inner = m.group(0)
        if inner[0] == "《" or re.search(r"(?:19|20)\d\d", inner) or "号" in inner:
            spans.append(m.span())
    return tuple(spans)


def _inside_brackets(sentence: str, pos: int) -> bool:
    """Inside 《…》 (a title) or a parenthesis that names a period."""
    spans = _brackets(sentence)
    i = bisect.bisect_right(spans, (pos, len(sentence) + 1)) - 1
    return i >= 0 and spans[i][0] < pos < spans[i][1]


def _drop_norm_placements(sentence: str, qs: list[Quantity]) -> list[Quantity]:
    """In a planning norm (1万人以上建设1所完全小学) the threshold is the statement, not the one school placed."""
    kept: list[Quantity] = []
    for q in qs:
        if (
            kept
            and q.unit == "人"
            and q.value == 1
            and kept[-1].unit == "人"
            and sentence[: kept[-1].start].endswith("每")
            and re.fullmatch(r"名?[\u4e00-\u9fff]{0,4}(?:配|设)", sentence[kept[-1].end : q.start])
        ):
            continue  # 每40~45名幼儿配一人: the one placed per group is no statement of its own
        if (
            kept
            and q.unit == "所"
            and q.value == 1
            and kept[-1].unit in ("人", "户")
            and kept[-1].tail in ("以上", "及以上")
            and q.start - kept[-1].end < 20
        ):
            continue
        kept.append(q)
    return kept


def _respectively(sentence: str, qs: list[Quantity], listed: list[list[str]] | None = None) -> dict[int, str]:
    """学前三年普及率、普惠率、公办园幼儿占比分别达86.8%、87.6%、50.6%: pair subjects with values in order.

    A 分别 with no subject of its own (…;2020年分别达到98%、99%、95%) takes the subjects of the list before it."""
    out: dict[int, str] = {}
    if "分别" not in sentence:
        return out
    for i, q in enumerate(qs):
        clause_start = _clause_start(sentence, q.start)
        head = sentence[clause_start : q.start]
        if "分别" not in head:
            continue
        subject = head.split("分别")[0]
        # 小学入学、巩固、毕业和普及这“四率”: the items are rates the tail names by their count.
        rates = re.search(r"(?:这|等)?[“\"]?[两二三四五六七八]率[”\"]?$", subject)
        items = parts(_core(subject[: rates.start()] if rates else subject) or subject)
        if rates:
            items = [x if x.endswith("率") else x + "率" for x in items]
        subjects = share(items) or items
        group = [i]
        while group[-1] + 1 < len(qs) and re.fullmatch(
            r"[、和及,]", sentence[qs[group[-1]].end : qs[group[-1] + 1].start]
        ):
            group.append(group[-1] + 1)
        if not _core(subject) and listed and len(listed[-1]) == len(group) > 1:
            subjects = listed[-1]
        if len(group) == len(subjects) > 1:
            out.update(dict(zip(group, subjects, strict=True)))
            if listed is not None:
                listed.append(subjects)
    return out


_GROUP_KINDS = (
    r"男生|女生",
    r"[一二三四五六七八九]年级",
    r"城区|农村|城镇|乡村|城市",
    r"小学|初中|高中|幼儿园",
)


def _swapped_groups(sentence: str, qs: list[Quantity]) -> dict[int, tuple[str, int, int]]:
    """男生分别为16.4%、9%: a group word alone before 分别 and a list of values (index → word, place, size)."""
    out: dict[int, tuple[str, int, int]] = {}
    if "分别" not in sentence:
        return out
    for i, q in enumerate(qs):
        head = sentence[_clause_start(sentence, q.start) : q.start]
        m = re.fullmatch(r"(?:其中)?([\u4e00-\u9fff]{2,3}?)分别(?:为|是|达到|达)", head)
        if not m or not any(re.fullmatch(k, m.group(1)) for k in _GROUP_KINDS):
            continue
        group = [i]
        while group[-1] + 1 < len(qs) and re.fullmatch(
            r"[、和及,]", sentence[qs[group[-1]].end : qs[group[-1] + 1].start]
        ):
            group.append(group[-1] + 1)
        if len(group) > 1:
            out.update({g: (m.group(1), j, len(group)) for j, g in enumerate(group)})
    return out


def _swap_group(indicator: str, word: str) -> str:
    """四年级女生视力中度不良比例, 男生 → 四年级男生视力中度不良比例 (the word of the same kind swapped)."""
    for kind in _GROUP_KINDS:
        if re.fullmatch(kind, word):
            swapped, n = re.subn(kind, word, indicator, count=1)
            return swapped if n else word + indicator
    return word + indicator


_CLAUSE_CHARS = frozenset(",，;；:：。!?\n")
_CLAUSE_REACH = 300  # an indicator phrase is never longer: bounds the work on text without punctuation


def _clause_start(sentence: str, pos: int) -> int:
    """Just after the last clause mark before `pos` (looking back at most _CLAUSE_REACH characters)."""
    floor = max(0, pos - _CLAUSE_REACH)
    last = max(sentence.rfind(c, floor, pos) for c in _CLAUSE_CHARS)
    if (
        last >= 0
        and sentence.rfind(")", last, pos) >= 0
        and sentence.rfind("(", floor, last) > sentence.rfind(")", floor, last)
    ):
        # 达到及格标准的比例(达标率,下同)为98.1%: a comma inside parentheses ends no clause.
        return _clause_start(sentence, sentence.rfind("(", floor, last))
    return last + 1 if last >= 0 else floor


def _prefix(sentence: str, q: Quantity, prev_end: int) -> str:
    start = max(_clause_start(sentence, q.start), prev_end)
    if prev_end > _clause_start(sentence, q.start):
        # 建有3所以上…幼儿园、千户小区…: after an earlier quantity, the list item starts after the last 、.
        cut = sentence.rfind("、", start, q.start)
        start = cut + 1 if cut >= 0 else start
    return sentence[start : q.start]


def _quote_span(sentence: str, q: Quantity, prev_end: int) -> tuple[int, int]:
    start = q.start - len(_prefix(sentence, q, prev_end))
    while start < q.start and sentence[start] in "、,和及与":
        start += 1
    end = q.end
    m = re.match(r"[^,，;；。、]{0,16}", sentence[end:])
    if m and (q.unit in COUNT_UNITS or m.group(0).startswith(("的", "与"))):
        end += len(m.group(0))
    return start, end


def _core(prefix: str) -> str:
    """The indicator words of a prefix: years, leading scope words and trailing verbs removed."""
    text = COMPARISON.sub("", _BASE_YEAR.sub("", prefix))
    text = _YEAR_ANYWHERE.sub("", text)
    text = re.sub(r"每[一二两三四五六七八九十\d]*(?:年|学年|学期|天|日|周|月)", "", text)
    # 毛入园率由58%上升到79.6%: the level a change starts from is no part of the indicator.
    text = re.sub(
        r"(?:由|从)[^由从,，;；。]{0,12}?(?=(?:上升|提高|提升|增加|增长|下降|降低|减少)(?:到|至))", "", text
    )
    text = re.sub(r"\((?:如|例如|比如|包括|含)[^()]*\)", "", text)  # 骨干教师(如学科带头人…)占比: examples
    text = re.sub(
        r"^(?:实现了|了)?《[^《》]*》(?=[\u4e00-\u9fff]{2})", "", text
    )  # 《…实施方案》近视率: the plan cited
    text = re.sub(r"^.*\((?:如|例如|比如)", "", text)  # 可适当扩大班型(如小学≤30班: the example named
    # 学历合格率…,本科学历占19.6%; …教师占教师总数的89.60%: the share is 占比, whatever it is taken of.
    # (not 占地面积: 占 there is part of a noun); 占规划量的89.33% keeps the whole's name (占规划量比例).
    whole = re.search(r"(?:约)?占([\u4e00-\u9fff]{2,10}?)的$", text)
    if whole and not re.search(r"总数|总量|总额|总人数|全[国省市县区]|本[省市县区]", whole.group(1)):
        text = text[: whole.start()] + "占" + whole.group(1) + "比例"
    text = re.sub(
        r"(?:约)?占(?:[\u4e00-\u9fff]{0,10}?(?:总数|总量|总额|总人数)的?|[\u4e00-\u9fff]{0,10}?的)?$",
        "占比",
        text,
    )
    for _ in range(3):
        text = _LEAD.sub("", text.removeprefix("(") if ")" not in text else text)  # (其中技工学校63所)
        text = _TRAIL.sub("", text)
    return text.strip('、,和及与的“”"')


_VERB_END = re.compile(
    r"(?:完成|建有|建成|新建|改扩建|扩建|建设|创建|培育|打造|办好|新增|共|与|和|及|有|掌握|每天|每日|全员|设置|组织|"
    r"至少|不低于|不少于|新创建|支持建设|支持|选聘|遴选|配齐配强|配齐|配强|配备|配设|培训|招聘|满足|培养|实现|举办|输送|的|等|按每|按|每|再新建|包括|建好|办|解决|资助|惠及|帮助|"
    r"达|达到)$"
)
_MAKE = re.compile(
    r"(?:新改扩建|新建改扩建|新建、改扩建|改扩建|新增|新建|扩建|新创建|创建|建成|认定|培育|打造|招聘|培训|满足|解决|资助|惠及|"
    r"配设|配备|配置|配齐|聘用)$"
)
_MADE_IN = re.compile(_MAKE.pattern.removesuffix("$"))
_FACILITY = re.compile(
    r"(?:建设|新建|改扩建成|改扩建|建成|配建|建)[^,，;；。]{0,8}?([\u4e00-\u9fff]{0,6}?(?:小学|初中|中学|高中|幼儿园|学校))"
)


def _suffix(sentence: str, q: Quantity) -> str:
    """The noun phrase right after a quantity (建成7所“大兴式”示范学校 → “大兴式”示范学校)."""
    m = re.match(
        r"(?:的)?((?:\([^()]{0,8}\)|[^,，;；。、:(|]){0,24}?)"
        r"(?=进行|开展|实现|发挥|覆盖|达到|并|,|，|;|；|。|、|[和及与][\d一二两三四五六七八九十]|\s*\||$)",
        sentence[q.end :],
    )
    text = re.sub(r"^/[\u4e00-\u9fff]{1,3}", "", m.group(1) if m else "")  # 31平方米/人: per pupil
    # 规划建设一所规模不低于6个班的幼儿园: a further requirement inside the phrase is a statement of its own.
    text = re.sub(r"[一二两三\d]+(?:所|个)[^的]{0,10}的", "", text)
    return text.strip('“”"')


def _last_item(text: str, separators: str) -> str:
    """The text after the last separator that is not inside parentheses (各县(市、区)城市… keeps 县(市、区))."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            return text[i + 1 :]
    return text


def _norm_indicator(sentence: str, q: Quantity, prefix: str) -> str | None:
    """1万人以上建设1所完全小学: a planning norm's threshold is the population (or households) per facility."""
    if (
        q.unit == "人"
        and prefix.endswith("每")
        and re.match(r"(?:设置|建设|配置|配建|设|建)", sentence[q.end :])
    ):
        # 每6000-12000人设置6-12班: the population each facility (or set of classes) serves.
        m = _FACILITY.search(sentence[q.end : q.end + 24])
        return (re.sub(r"^[所个]", "", m.group(1)) if m else "") + "设置服务人口"
    if q.unit not in ("人", "户") or q.tail not in ("以上", "及以上"):
        return None
    after = sentence[q.end : q.end + 24]
    if not re.match(r"的|建|新建|规划|必须|设置|配建|配置", after) or re.match(
        r"的?" + _GROUP_OF_SCHOOLS, after
    ):
        return None
    m = _FACILITY.search(after)
    what = re.sub(r"^[所个]", "", m.group(1)) if m else _core(prefix)
    return what + ("建设人口门槛" if q.unit == "人" else "建设户数门槛")


def _standard_object(sentence: str, q: Quantity) -> str:
    """按户籍人均1-2元的标准安排社区教育经费: the fund the standard applies to."""
    m = re.match(r"的?标准(?:安排|拨付|增加|提高|核拨|落实)?([^,，;；。]{2,12})", sentence[q.end :])
    return m.group(1) if m else ""


def _indicators(
    sentence: str, q: Quantity, prefix: str, subject: str | None, prev: Statement | None
) -> list[tuple[str, str | None]]:
    """The indicator phrase(s) of `q` with a scope when the phrase names one (其中农村 …)."""
    if subject:
        return [(_core(subject) or subject, None)]
    norm = _norm_indicator(sentence, q, prefix)
    if norm:
        return [(norm, None)]
    core = _core(prefix)
    share = share_of(sentence, q)
    if share and (
        not core
        or PLACE.match(core)
        or re.fullmatch(r"[\u4e00-\u9fff]{0,4}(?:县域|全市|全县|全区|全省)", core)
    ):
        return [(share, None)]
    counted = q.unit in COUNT_UNITS or q.unit in ("人", "年")
    stem = _YEAR_ANYWHERE.sub("", prefix).rstrip('“"')
    if len(core) < 2 or (counted and _VERB_END.search(stem)):
        suffix = _suffix(sentence, q)
        if suffix and not re.fullmatch(r"[\u4e00-\u9fff]{0,2}(?:的|和|及|或)", suffix):
            # 各县(市、区)城市…: a 、 inside parentheses separates nothing.
            lead = _last_item(core, "、和与及的”") if counted else ""
            # 公办幼儿园新增1万个学位 → 公办幼儿园新增学位: a count keeps the verb that makes what it counts.
            verb = _MAKE.search(stem) if counted else None
            if verb and lead.endswith(verb.group(0)):
                lead = lead[: -len(verb.group(0))]
            # 2717个县实现义务教育基本均衡发展: what a bare noun counted does names which of them are counted.
            does = re.match(
                r"(?:\([^()]{0,30}\))?((?:实现|通过|达到)[^,，;；。、]{2,16})(?=[,，;；。])",
                sentence[q.end + len(suffix) :] if len(suffix) <= 2 else "",
            )
            if does:
                suffix = does.group(1) + "的" + suffix
            core = _LEAD.sub("", _TRAIL.sub("", lead) + (verb.group(0) if verb else "") + suffix)
            made = [m for m in _MADE_IN.finditer(prev.indicator)] if prev is not None and counted else []
            listed = prev is not None and (
                re.fullmatch(r"[、和及与]?", prefix) is not None
                or (prefix[-1:] in ("、", "和", "及", "与") and prev.indicator.endswith(prefix[:-1]))
            )
            if made and listed and prev is not None and prev.unit == q.unit:
                # 每班应配设2名教师、1名保育员: the next item of the list is made by the same verb, for the same whole.
                core = prev.indicator[: made[-1].end()] + suffix
    elif q.unit == "元" and re.fullmatch(r"(?:计划|规划|累计|共)?(?:投资|投入|资金|经费)", core):
        # 投资6亿元实施职业教育基础能力建设: a sum named by what it pays for.
        purpose = re.match(
            r"(?:用于|重点用于)?(?:实施|建设|支持|开展)([^,，;；。、]{2,20})", sentence[q.end :]
        )
        if purpose:
            core = purpose.group(1) + core
    elif q.unit in COUNT_UNITS:
        core = _last_item(core, "、")
        tail = core.rsplit("的", 1)[-1]
        core = tail if len(tail) >= 2 else core
    core += _standard_object(sentence, q)
    if prev is not None and (not core or _SCOPE_WORD.match(core)):
        return [(core + prev.indicator, core or prev.scope)]
    if prev is not None and re.match(r"占(?:比|[\u4e00-\u9fff]{1,20}的(?:比例|比重))$", core):
        # 有普惠性幼儿园4747所,占总数的68.08%: the share is of the thing just counted.
        return [(re.sub(r"^(?:有|共有|获|现有)", "", prev.indicator) + core, prev.scope)]
    if prev is not None:
        taken = elided_subject(core, q, prev)
        if taken:
            return [taken]
    if prefix.lstrip("、,").startswith("其中") and core:
        core = _subject_before(sentence, q.start) + core
    if re.fullmatch(r"人均|生均|校均|班均|每班|每校|每生|每人", core):
        # 适合婴幼儿的图书,人均4本以上: what each has is named in the clause before.
        start = _clause_start(sentence, q.start)
        earlier = sentence[_clause_start(sentence, max(0, start - 1)) : max(0, start - 1)]
        noun = _LEAD.sub("", earlier.rsplit("的", 1)[-1])
        if re.fullmatch(r"[\u4e00-\u9fff]{2,8}", noun):
            core += noun
    if not core and prev is None:
        # 教室噪声要控制,不得高于50db: a clause that is only a bound is about what the clause before it names.
        start = _clause_start(sentence, q.start)
        earlier = HEADING_MARK.sub(
            "", sentence[_clause_start(sentence, max(0, start - 1)) : max(0, start - 1)]
        )
        if not re.search(r"\d", earlier):
            core = _core(
                re.sub(r"(?:要|应|须|必须)?(?:严格)?(?:控制|达标|合格|符合要求|符合标准)$", "", earlier)
            )
    if not core:
        core = prefix.strip(" ≥≤<>≮≯=~-") or "未命名指标"
    return [(text, None) for text in split_coordinated(core)]


_GROUP_OF_SCHOOLS = r"(?:[\u4e00-\u9fff]{0,4}(?:学校|中小学|小学|初中|中学|幼儿园|学生|班))"
_NAMED = re.compile(r"[\u4e00-\u9fff]{2,}(?:小学|中学|幼儿园|学校|校区)$")


def _subject_before(sentence: str, pos: int) -> str:
    """其中研究生学历占10%: the subject of the clause before (小学教师达到…学历) that 其中 narrows."""
    clause_start = _clause_start(sentence, pos)
    earlier = sentence[_clause_start(sentence, max(0, clause_start - 1)) : max(0, clause_start - 1)]
    m = re.match(
        r"^(?:全县|全市|全区)?(.{2,10}?)(?:全部|均|都|要|应|须)?(?:达到|达|为|保持|具有|具备)", earlier
    )
    return m.group(1) if m else ""


def _cmp(sentence: str, q: Quantity, prefix: str) -> str:
    if q.ratio:
        return "ratio"
    if q.value_max is not None:
        return "range"
    after = q.tail + sentence[q.end : q.end + 4]
    near = prefix[-8:]
    if q.unit == "pp" or (q.unit == "%" and re.match(r"的?增幅|的?幅度", sentence[q.end : q.end + 4])):
        return "change"
    if _CHANGE.search(near) and (q.unit == "pp" or (q.unit == "%" and re.search(r"年均|每年|逐年", near))):
        return "change"
    if q.unit == "%" and re.search(r"(?:增长|增幅|下降|降幅|递增|递减)(?:约|达)?$", near):
        return "change"
    # 控制在95%、96%以上: the bound written after the number (or after the list it stands in) decides.
    tail = q.tail or q.bound
    if tail in ("以上", "及以上") and not re.search(r"不超过|不高于|低于|小于", near):
        return ">="
    if tail in ("以下", "以内"):
        return "<="
    # 优秀率≥42%, 低分率≤3%: a comparison sign written in the sentence.
    # 低于10‰和13‰: the comparator before a list of numbers governs each of them.
    listed = re.search(
        r"(低于|不超过|不高于|控制在|高于|超过|达到|不低于|[小大]于或?等于)"
        r"(?:\d+(?:\.\d+)?(?:[%‰]|[\u4e00-\u9fff]{1,3})?[和、及与])+$",
        sentence[max(0, q.start - 40) : q.start],
    )
    if listed:
        return (
            "<="
            if listed.group(1) in ("低于", "不超过", "不高于", "控制在") or listed.group(1)[0] == "小"
            else ">="
        )
    if re.search(r"(?:[≥>≮]|大于或?等于)$", near):
        return ">="
    if re.search(r"(?:[≤<≯]|小于或?等于)$", near):
        return "<="
    # 不低于应交流人数的10%: the comparator governs a share "of" a base named between it and the number.
    # 不小于0.6米, 不得低于1:15, 不宜少于: a negated "less" is a floor; 不大于, 不得多于: a ceiling.
    if re.search(r"不[得能可应宜准]?(?:小于|少于|低于)$", near):
        return ">="
    if re.search(r"不[得能可应宜准]?(?:大于|多于)$", near):
        return "<="
    if re.search(r"(?:不低于|不少于)$", near) or re.search(
        r"(?:不低于|不少于)[^，。；,;]{1,8}的$", prefix[-16:]
    ):
        return ">="
    if re.search(r"(?:不超过|不高于)[^，。；,;]{1,8}的$", prefix[-16:]):
        return "<="
    if _DOWN.match(after) or re.search(
        r"(?:不超过|不高于|控制在|低于|小于|降至|降到|不[得能可应宜准](?:超过|高于|多于|大于))$", near
    ):
        return "<="
    if q.tail in ("以上", "及以上") or _UP.search(near):
        return ">="
    return "="


def _value(q: Quantity, cmp: str, prefix: str) -> float | None:
    """Falling changes (每年降低0.5个百分点) carry a negative value."""
    if cmp == "change" and q.value is not None and _FALL.search(prefix[-8:]):
        return -q.value
    return q.value


def _per(sentence: str, q: Quantity, prefix: str) -> str | None:
    window = prefix + re.split(r"[,，;；。]", sentence[q.end : q.end + 6])[0]
    for word, per in _PER:
        if word in window:
            return per
    if re.match(r"^年[\u4e00-\u9fff]", prefix):
        return "year"
    return None


def _scope(prefix: str) -> str | None:
    m = _EACH.search(prefix)
    if m:
        return (
            re.sub(r"^(?:每所|每|各)", "每个", m.group(0))
            if not m.group(0).startswith("每个")
            else m.group(0)
        )
    return None


@lru_cache(maxsize=8)
def _years(sentence: str) -> tuple[tuple[int, int], ...]:
    """(position, year) of every year a statement may take, once per sentence: not 从…开始, not in brackets."""
    found: list[tuple[int, int]] = []
    for m in _YEAR.finditer(sentence):
        after = sentence[m.end() : m.end() + 4]
        before = sentence[max(0, m.start() - 2) : m.start()]
        # 从2020年起, 2010年以来, and the base of a comparison (比2020年提高, not 占比2025年达到) are not the year
        # a statement is due.
        if (
            (
                before
                and before[-1] in "从比较与同"
                and before not in ("占比", "之比", "对比")
                and not (before[-1] in "从由" and after.startswith("的"))
            )
            or re.match(r"以来|开始|起|相比|的?基础上", after)
            or _inside_brackets(sentence, m.start())
        ):
            continue
        found.append((m.start(), int(m.group("b") or m.group("a"))))
    return tuple(found)


def _year(sentence: str, pos: int) -> int | None:
    """The latest year named before `pos` in the sentence."""
    years = _years(sentence)
    i = bisect.bisect_left(years, (pos, 0)) - 1
    return years[i][1] if i >= 0 else None


def extract_file_text(raw: str, doc: str) -> list[dict[str, object]]:
    """The gold-schema rows of one document's text."""
    return [s.gold() for s in extract(raw, doc).statements]
