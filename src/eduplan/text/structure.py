"""The structure of a normalised plan: heading tree, title, issuing body, 文号, date, plan period and horizon."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from eduplan.text.genre import Genre, detect
from eduplan.text.normalise import Normalised
from eduplan.text.quantities import chinese_number

_CN = "一二三四五六七八九十百零两"
# Heading markers, outermost first; the rank orders the tree.
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^第[{_CN}\d]+[章篇]")),
    (2, re.compile(rf"^第[{_CN}\d]+节")),
    (3, re.compile(rf"^[{_CN}]+[、.]")),
    (4, re.compile(rf"^\([{_CN}]+\)")),
    (5, re.compile(r"^\d{1,2}[.、](?!\d)")),
    (6, re.compile(r"^\(\d{1,2}\)")),
    (7, re.compile(r"^--(?!-)")),
)
# Words that mark a section reviewing what was achieved (its numbers are baselines, not targets).
REVIEW = re.compile(r"成就|成绩|回顾|现状|进展|总结|发展基础|工作基础|现有基础|主要成效")
_FIVE_YEAR = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020),
              "十四五": (2021, 2025), "十五五": (2026, 2030), "十六五": (2031, 2035)}  # fmt: skip
_PERIOD = re.compile(r"((?:19|20)\d\d)\s*[-至到]\s*((?:19|20)\d\d)年?")
_TARGET_YEAR = re.compile(r"到((?:19|20)\d\d)年")
_DOC_NO = re.compile(r"^[\u4e00-\u9fff]{1,10}[\[(]\s*(?:19|20)\d\d\s*[\])]\s*\d{1,4}\s*号$")
_DATE = re.compile(r"((?:19|20)\d\d)(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})日?")
_ISSUER = re.compile(
    r"(?:中共)?[\u4e00-\u9fff]{2,16}?(?:人民政府办公室|人民政府办公厅|人民政府|教育和体育局|教育体育局|教体局|"
    r"教育局|教育厅|教育委员会|县委|市委|区委)"
)
_TITLE_WORD = re.compile(
    r"规划|方案|意见|计划|要点|纲要|实施办法|办法|总结|报告|汇报|公报|统计数据|基本情况|分解表|标准|指标体系|讲话|"
    r"绩效目标表|绩效指标表|评价指标表|目标责任制"
)
# A date in a URL: /2019/0221/, /202303/t20230324_, /2021-06/02/, /20230315/.
_CN_DATE = re.compile(r"((?:19|20)\d\d)年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[-/]?(\d\d)[-/]?(\d\d)?(?=[/_.]|$)")


@dataclass(frozen=True)
class Heading:
    """One heading: its rank (1 = 第一章 … 7 = —— 段首), text, and span in the normalised text."""

    rank: int
    text: str
    start: int
    end: int
    parent: int | None  # index of the enclosing heading in `Structure.headings`


@dataclass(frozen=True)
class Structure:
    """What a plan says about itself."""

    title: str | None
    issuer: str | None
    doc_number: str | None
    date: str | None  # ISO yyyy-mm-dd
    period: tuple[int, int] | None
    horizon: int | None
    headings: list[Heading] = field(default_factory=list)
    genre: Genre = field(default_factory=lambda: Genre("plan", ()))
    report_year: int | None = None  # the year a report, bulletin or summary describes (its title's year)

    @property
    def year(self) -> int | None:
        """The year the document was written: its date's year, else its title's."""
        return int(self.date[:4]) if self.date else self.report_year

    def path_at(self, pos: int) -> list[Heading]:
        """The headings enclosing normalised position `pos`, outermost first."""
        current: int | None = None
        for i, h in enumerate(self.headings):
            if h.start > pos:
                break
            current = i
        path: list[Heading] = []
        while current is not None:
            path.append(self.headings[current])
            current = self.headings[current].parent
        return path[::-1]


def starts_heading(line: str) -> bool:
    """Whether a line opens with a heading marker (第一章, 一、, (一), 1., (1), ——)."""
    return any(pat.match(line) for _, pat in _HEADINGS)


def headings(text: str) -> list[Heading]:
    """Every heading line of `text` with its parent, by the marker's rank."""
    found: list[Heading] = []
    stack: list[int] = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        line = line.strip()
        rank = next((r for r, pat in _HEADINGS if pat.match(line)), 0)
        if not rank:
            continue
        # A heading line may run on into its first paragraph: the heading is its first sentence.
        head = re.split(r"[。;]", line, maxsplit=1)[0][:60]
        while stack and found[stack[-1]].rank >= rank:
            stack.pop()
        found.append(Heading(rank, head, start, start + len(head), stack[-1] if stack else None))
        stack.append(len(found) - 1)
    return found


def _meta(furniture: list[str], key: str) -> str | None:
    for line in furniture:
        m = re.search(
            rf"{key}[:：]([^:：]*?)(?=(?:分类|成文日期|发布日期|文号|主题词|名称|浏览次数)[:：]|$)", line
        )
        if m and m.group(1).strip():
            return m.group(1).strip()
    return None


def _title(doc: Normalised, lines: list[str]) -> str | None:
    named = _meta(doc.furniture, "名称")
    if named:
        return named
    for i, line in enumerate(lines[:40]):
        if len(line) < 60 and _TITLE_WORD.search(line) and not re.search(r"^[《根为按]|[。,;:>]", line):
            prev = lines[i - 1] if i else ""
            # A title broken over two lines; not a date, byline or list line above it.
            if (
                prev
                and len(prev) < 30
                and not re.search(r"[。,;:号日]$", prev)
                and not _TITLE_WORD.search(prev)
                and not re.search(r"\d{4}-\d\d|发布|来源|^[-•·]", prev)
            ):
                return prev + line
            # 绩效目标表 / (2020年度): the year a table is for, on the line below its title.
            below = lines[i + 1] if i + 1 < len(lines) else ""
            return line + below if re.fullmatch(r"\((?:19|20)\d\d年度?\)", below) else line
    # A title run on into its first paragraph (…工作总结和2023年工作计划2022年,我局…): its first clause.
    first = re.split(r"[,，。;；:：]", lines[0], maxsplit=1)[0][:40] if lines else ""
    # …but not a clause that only cites another document (实施《第二期特殊教育提升计划》).
    if _TITLE_WORD.search(re.sub(r"《[^》]*》", "", first)) and not first.startswith(("《", "根据", "为")):
        return first
    # Else a short first line that is no sentence (武威2021年新建哪些学校?) heads the page.
    return lines[0] if lines and len(lines[0]) <= 30 and not re.search(r"[。,，;；:：]", lines[0]) else None


# 2025—2026学年 (a school year), also with the dash lost (20252026学年度).
_SCHOOL_YEAR = re.compile(r"((?:19|20)\d\d)\s*[-至到]?\s*((?:19|20)\d\d)\s*学年")


def _period(title: str | None, text: str) -> tuple[int, int] | None:
    """The plan period from the title, else from the most mentioned five-year plan, else None."""
    if title:
        m = _SCHOOL_YEAR.search(title) or _PERIOD.search(title)
        if m:
            return int(m.group(1)), int(m.group(2))
        for name, span in _FIVE_YEAR.items():
            if name in title:
                return span
        # 某县2023年教育工作要点: a one-year work plan.
        m = re.search(
            r"((?:19|20)\d\d)年(?:度)?[\u4e00-\u9fff]{0,12}(?:工作要点|工作计划|工作方案|行动计划|实施方案)",
            title,
        )
        if m:
            return int(m.group(1)), int(m.group(1))
    counts = Counter({name: text.count(name) for name in _FIVE_YEAR if name in text})
    if counts:
        best = max(counts.items(), key=lambda kv: (kv[1], _FIVE_YEAR[kv[0]][0]))[0]
        return _FIVE_YEAR[best]
    return None


def _horizon(period: tuple[int, int] | None, text: str) -> int | None:
    """The plan's target year: the period's end, else the most named 到YYYY年 (the later on a tie)."""
    if period:
        return period[1]
    counts = Counter(int(y) for y in _TARGET_YEAR.findall(text))
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _iso(m: re.Match[str]) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _date(doc: Normalised, lines: list[str]) -> str | None:
    """成文/发布日期 of the metadata, else a date line near the top or at the end, else the page address's."""
    for key in ("成文日期", "发文日期", "发布日期", "发布时间", "日期", "时间"):
        m = _DATE.match(_meta(doc.furniture, key) or "")
        if m:
            return _iso(m)
    for line in doc.furniture:  # 来源:教育体育局 发布时间:2020-03-02 15:00 累计次数:
        m = re.search(r"(?:发布|更新)(?:日期|时间)[:：]?\s*" + _DATE.pattern, line)
        if m:
            return _iso(m)
    for line in lines[:15]:
        m = re.search(r"(?:发布|更新|添加)?(?:日期|时间)[:：]?\s*" + _DATE.pattern, line)
        if m:
            return _iso(m)
    for line in lines[:15]:
        # a news page's byline: 2019-02-28 来源: 新华社, 来源:新华社 2019-02-28
        if len(line) <= 60 and re.search(r"来源|作者|浏览|点击|字号", line):
            m = _DATE.search(line)
            if m:
                return _iso(m)
    for line in lines[:60] + lines[-8:]:
        m = _DATE.fullmatch(line) or re.fullmatch(_DATE.pattern + r"\s*\d\d:\d\d(?::\d\d)?", line)
        if m:
            return _iso(m)
        m = _CN_DATE.fullmatch(line)  # 二〇二四年十月十日 (its year already in digits)
        month, day = (chinese_number(m.group(2)), chinese_number(m.group(3))) if m else (None, None)
        if m and month and day and month <= 12 and day <= 31:
            return f"{m.group(1)}-{month:02d}-{day:02d}"
    for line in doc.furniture + lines[:3]:
        m = _URL_DATE.search(line) if "//" in line else None
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{m.group(1)}-{m.group(2)}-{m.group(3) or '01'}"
    return None


def _issuer(doc: Normalised, lines: list[str]) -> str | None:
    named = _meta(doc.furniture, "发布机构") or _meta(doc.furniture, "发文机关")
    if named:
        return named
    for line in lines[:30]:
        if len(line) <= 40 and not re.search(r"[。,;]", line):
            m = _ISSUER.match(line)
            if m:
                return m.group(0)
    return None


def _doc_number(doc: Normalised, lines: list[str]) -> str | None:
    named = _meta(doc.furniture, "文号")
    if named:
        return named
    return next((line for line in lines[:40] if _DOC_NO.match(line)), None)


def _title_year(title: str | None) -> int | None:
    """山西省2018年教育事业发展统计公报 → 2018: the first year of the title outside parentheses and quotes."""
    if not title:
        return None
    m = re.search(r"\(((?:19|20)\d\d)年度\)", title)  # 绩效目标表(2020年度)
    if m:
        return int(m.group(1))
    bare = re.sub(r"\([^()]*\)|《[^《》]*》", "", title)
    m = re.search(r"(?<!\d)((?:19|20)\d\d)(?:年|[“\"\u4e00-\u9fff])", bare)
    return int(m.group(1)) if m else None


def _plan_period(
    title: str | None, text: str, genre: Genre, year: int | None
) -> tuple[tuple[int, int] | None, int | None]:
    """The period and horizon a genre can have: a standard has none; a yearly work plan has its title's year."""
    if genre.code == "standard":
        return None, None
    period = _period(title, "")
    if period is None and genre.code in ("workplan", "tasks"):
        period = (year, year) if year else None
    if period is None and genre.code not in ("workplan", "tasks", "bulletin", "monitoring"):
        period = _period(None, text)
    if period:
        return period, period[1]
    horizon = _horizon(None, text) if genre.has_horizon else None
    # A plan that names no period or target year but a single year in its title (2021年新建…) is for that year.
    if horizon is None and genre.has_horizon and year:
        return (year, year), year
    return None, horizon


def structure(doc: Normalised) -> Structure:
    """Read title, issuer, 文号, date, genre, period, horizon and heading tree from a normalised document."""
    lines = [line.strip() for line in doc.text.split("\n") if line.strip()]
    title = _title(doc, lines)
    date = _date(doc, lines)
    genre = detect(title, doc.text, int(date[:4]) if date else None)
    report_year = _title_year(title) or _table_year(lines)
    if date is None and report_year is None and genre.default_kind == "baseline":
        # An undated report speaks from the latest year it names that is not a target.
        report_year = _news_year(doc.text)
    period, horizon = _plan_period(title, doc.text, genre, report_year)
    # A template (20xx年) names no year: its horizon is unknown rather than guessed.
    template = bool(re.search(r"20[xX]{2}年", doc.text[:2000])) and not _TARGET_YEAR.search(doc.text)
    return Structure(
        title=title,
        issuer=_issuer(doc, lines),
        doc_number=_doc_number(doc, lines),
        date=date,
        period=None if template else period,
        horizon=None if template else horizon,
        headings=headings(doc.text),
        genre=genre,
        report_year=report_year,
    )


def _news_year(text: str) -> int | None:
    """An undated report speaks from the latest year it names that is not a target (到2025年)."""
    # 到2020年的11019人 names a year whose value was reached; 到2025年 alone is a target.
    found = re.finditer(
        r"(?<![到至\d])((?:19|20)\d\d)年(?!以来|前|起)|(?<=[到至])((?:19|20)\d\d)年(?=的)", text
    )
    years = [int(m.group(1) or m.group(2)) for m in found]
    return max(years) if years else None


def _table_year(lines: list[str]) -> int | None:
    """(2020年度) on a line of its own near the top: the year a table or report is for."""
    for line in lines[:15]:
        m = re.fullmatch(r"[(]?((?:19|20)\d\d)年度[)]?", line)
        if m:
            return int(m.group(1))
    return None
