"""Drafting the 工作要点 from a template whose numbers are placeholders (20xx年, x所, xx个, xx%, xxx人, xx名 …).

Each placeholder is filled only from a figure the shell computed (`WorkplanData`): the plan's commitment for the
year, the places forecast or the projects due that year, the 优质均衡 to-do list, last year's values, the names of
the county and its city. A filled value is highlighted green with a Word comment giving its source and calculation;
a placeholder without a supporting figure stays as written, highlighted yellow, with a comment saying so. Nothing
is ever filled without a source. Which figure fills which placeholder is data: `workplan.yaml`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from docx import Document as open_docx
from docx.document import Document as DocxDocument

from eduplan.errors import DataError, NotFound
from eduplan.reports import markup
from eduplan.reports.official import blank_document

# A run of x's: 20xx, x, xx, xxx, xxxx, x.x (the ASCII letter, its capital, ×, and full-width ｘ/Ｘ).
_X = "[xX×ｘＸ]"
PLACEHOLDER = re.compile(rf"(?<![A-Za-z0-9])(?:20{_X}{{2}}|{_X}{{1,4}}(?:\.{_X})?)(?![A-Za-z0-9])")
UNITS = (
    "周年",
    "万元",
    "亿元",
    "%",
    "％",
    "个",
    "所",
    "名",
    "人",
    "节",
    "项",
    "处",
    "间",
    "班",
    "家",
    "次",
    "元",
    "年",
)
NAME_UNITS = {"县": "county_name", "区": "county_name", "市": "city_name"}
CLAUSE = re.compile(r"[，,；;。：:！？!?\n]")
AUTHOR, INITIALS = "eduplan", "EP"


@dataclass(frozen=True)
class Fact:
    """A figure that may fill a placeholder, with where it comes from and how it was calculated."""

    value: float | str
    unit: str
    source: str
    calculation: str

    def text(self) -> str:
        if isinstance(self.value, str):
            return self.value
        if self.unit in ("%", "％"):
            return f"{self.value:.2f}".rstrip("0").rstrip(".")
        return f"{self.value:,.0f}"


@dataclass(frozen=True)
class IndicatorFacts:
    """A plan indicator: its names, this year's commitment and last year's value."""

    names: tuple[str, ...]
    planned: Fact | None = None
    last_year: Fact | None = None


@dataclass(frozen=True)
class WorkplanData:
    year: int
    facts: dict[str, Fact] = field(default_factory=dict)  # year, county_name, city_name and the rules' facts
    indicators: list[IndicatorFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int  # the end of what is replaced: the x's, or the x's and 县/市 for a name
    raw: str
    unit: str  # the measure word after it, "" when none
    kind: str  # year, name, number, other


@dataclass(frozen=True)
class Outcome:
    placeholder: Placeholder
    sentence: str
    fact: Fact | None
    reason: str = ""  # why it was not filled

    def comment(self) -> str:
        if self.fact is None:
            return f"未填写：{self.reason}。请人工核实后填写。"
        return f"来源：{self.fact.source}。计算：{self.fact.calculation}。"


@dataclass(frozen=True)
class DraftResult:
    docx: bytes
    outcomes: list[Outcome]

    @property
    def filled(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.fact is not None]

    @property
    def unfilled(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.fact is None]


@cache
def rules() -> dict[str, Any]:
    text = resources.files("eduplan.reports").joinpath("workplan.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder of a paragraph, with its measure word and kind."""
    found = []
    for m in PLACEHOLDER.finditer(text):
        after = text[m.end() :]
        if any(text[m.start() :].startswith(lit) for lit in rules()["literals"]):
            continue
        unit = next((u for u in UNITS if after.lstrip("余").startswith(u)), "")
        if m.group().startswith("20") and after.startswith("年"):
            found.append(Placeholder(m.start(), m.end(), m.group(), "年", "year"))
        elif after[:1] in NAME_UNITS:
            found.append(Placeholder(m.start(), m.end() + 1, m.group() + after[0], after[0], "name"))
        elif unit and unit != "年":
            found.append(Placeholder(m.start(), m.end(), m.group(), unit.replace("％", "%"), "number"))
        else:
            found.append(Placeholder(m.start(), m.end(), m.group(), unit, "other"))
    return found


def clause(text: str, p: Placeholder, before: int = 0) -> str:
    """The phrase holding the placeholder (between punctuation marks), with `before` phrases in front of it."""
    cuts = [0] + [m.end() for m in CLAUSE.finditer(text, 0, p.start)]
    start = cuts[max(len(cuts) - 1 - before, 0)]
    stop = CLAUSE.search(text, p.end)
    return text[start : stop.start() if stop else len(text)]


def decide(text: str, p: Placeholder, data: WorkplanData) -> Outcome:
    """The figure for one placeholder, or why there is none. Rules look at the placeholder's own phrase only:
    "加大公办园教师补充力度，选聘兼职教研员x名" must not take the teachers of the phrase before."""
    near, shown = clause(text, p), clause(text, p, before=1)
    if p.kind == "year":
        return Outcome(p, shown, data.facts.get("year"), "没有工作要点年度")
    if p.kind == "name":
        key = NAME_UNITS[p.unit]
        return Outcome(
            p, shown, data.facts.get(key), f"不知道所在{'市' if key == 'city_name' else '县'}的名称"
        )
    if p.kind == "other":
        return Outcome(p, shown, None, f"“{p.raw}”不是带计量单位的数字占位（可能是名称或编号）")
    if p.unit == "%":
        fact = _indicator(near, data)
        if fact is not None:
            return Outcome(p, shown, fact)
    for rule in rules()["rules"]:
        if p.unit in rule["units"] and any(w in near for w in rule["words"]) and rule["fact"] in data.facts:
            return Outcome(p, shown, data.facts[rule["fact"]])
    return Outcome(p, shown, None, f"eduplan 的数据中没有能支持“{near.strip()}”中这一数字的来源")


def _indicator(near: str, data: WorkplanData) -> Fact | None:
    """A named plan indicator's commitment for the year; last year's value where the text asks for it (上年), or
    where it keeps a level (保持) and the plan commits to nothing for the year."""
    last = any(w in near for w in rules()["last_year_words"])
    keep = any(w in near for w in rules()["keep_words"])
    if any(w in near for w in rules()["scope_words"]):
        return None  # the indicators are county-wide
    for ind in data.indicators:
        if any(name in near for name in ind.names):
            if last:
                return ind.last_year
            return ind.planned or (ind.last_year if keep else None)
    return None


def read_template(path: Path) -> DocxDocument:
    """A .docx as it is, or a .txt laid out as an official document (一、 and （一） lines as headings)."""
    if not path.is_file():
        raise NotFound(f"找不到模板文件：{path}", english=f"no such file {path}")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            return open_docx(str(path))
        except Exception as exc:  # python-docx raises several types for a file that is not a Word document
            raise DataError(
                f"模板 {path} 不是有效的 Word（.docx）文件", english=f"bad docx {path}: {exc}"
            ) from exc
    if suffix == ".txt":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(f"模板 {path} 不是 UTF-8 编码的文本", english=f"{path}: not UTF-8") from exc
        return _from_text(text)
    raise DataError(f"模板应为 .docx 或 .txt 文件：{path}", english=f"unsupported template {path.suffix}")


HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING2 = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")


def _from_text(text: str) -> DocxDocument:
    doc = blank_document()
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        style = "公文标题1" if HEADING1.match(line) else "公文标题2" if HEADING2.match(line) else "公文正文"
        doc.add_paragraph(line, style=style)
    return doc


def draft(doc: DocxDocument, data: WorkplanData) -> DraftResult:
    """Fill `doc`'s placeholders from `data`, marking each; returns the .docx and what was done."""
    outcomes: list[Outcome] = []
    for paragraph in markup.paragraphs(doc):
        text = paragraph.text
        decided = [decide(text, p, data) for p in find_placeholders(text)]
        for outcome in reversed(decided):  # from the end: earlier offsets stay valid
            p = outcome.placeholder
            replacement = outcome.fact.text() if outcome.fact is not None else p.raw
            run = markup.replace_span(paragraph, p.start, p.end, replacement)
            markup.highlight(run, filled=outcome.fact is not None)
            doc.add_comment(run, text=outcome.comment(), author=AUTHOR, initials=INITIALS)
        outcomes += decided
    buffer = io.BytesIO()
    doc.save(buffer)
    return DraftResult(buffer.getvalue(), outcomes)
