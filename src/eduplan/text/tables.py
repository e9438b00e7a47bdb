"""Indicator tables of plans: 主要发展指标 laid out one cell per line (as web pages and .docx readers give them)
or one row per line (as PDF text layers give them).

    指标 / 2020年 / 2025年 / 属性            学前三年毛入园率(%) 95.5 98 预期性
    学前三年毛入园率(%) / 95.5 / 98 / 预期性

The first year column is the baseline, the last the target.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from eduplan.text.codes import match_code
from eduplan.text.quantities import UNITS

if TYPE_CHECKING:
    from eduplan.text.normalise import Normalised
    from eduplan.text.statements import Statement
    from eduplan.text.structure import Structure

_YEAR_CELL = re.compile(r"^((?:19|20)\d\d)年?(?:基数|目标|目标值|预期|现状|值)?$")
_NUM_CELL = re.compile(
    r"^(?P<op>[<>≤≥]|≧|≦)?\s*[\[(]?(?P<v>\d+(?:\.\d+)?)[\])]?\s*(?P<u>%|万人|万|人|所|个|年)?$"
)
_ATTR = re.compile(r"^(?:约束性|预期性|约束|预期)$")
_INDICATOR = re.compile(r"^(?P<name>[^\d\s。;,]{2,40}?)(?:\((?P<unit>[^)]{1,6})\))?$")
_HEADER_LINE = re.compile(r"^[^。;,]{0,20}?(?:(?:19|20)\d\d年[^。;,\d]{0,6}){2,}[^。;,]{0,12}$")
_ROW = re.compile(
    r"^(?P<name>[^\d\s。;,]{2,40}?)(?:\((?P<unit>[^)]{1,6})\)|(?P<unit2>%|万人次|人次|万人|人|所|个|年|万元|元|学时))?\s*"
    r"(?P<cells>(?:[<>≤≥]?\d+(?:\.\d+)?%?)(?:\s+[<>≤≥]?\d+(?:\.\d+)?%?)+)\s*(?P<attr>约束性|预期性)?$"
)
_DOWN_WORDS = re.compile(r"近视率|大班额|辍学率|肥胖率|生师比|班额")
_UNIT_NAMES = {"%": "%", "％": "%", "万人": "人", "人": "人", "所": "所", "个": "个", "年": "年", "万元": "元",
               "亿元": "元", "元": "元", "学时": "学时", "人次": "人次", "万人次": "人次"}  # fmt: skip


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos + len(line) - len(line.lstrip()), line.strip()))
        pos += len(line) + 1
    return out


def _unit(name_unit: str | None, cell_unit: str | None) -> tuple[str, float]:
    raw = (name_unit or cell_unit or "").strip()
    if raw in UNITS:
        return UNITS[raw]
    return _UNIT_NAMES.get(raw, raw or "%"), (1e4 if raw.startswith("万") else 1.0)


def table_statements(
    norm: Normalised, struct: Structure, doc: str, taken: list[tuple[int, int]]
) -> tuple[list[Statement], list[tuple[int, int]]]:
    """Statements of every indicator table, and the spans of the table rows they came from."""
    lines = _lines(norm.text)
    years = [i for i, (_, s) in enumerate(lines) if _YEAR_CELL.match(s)]
    out: list[Statement] = []
    spans: list[tuple[int, int]] = []
    header_years: list[int] = []
    i = 0
    while i < len(lines):
        line = lines[i][1]
        if _YEAR_CELL.match(line):
            # A run of year cells is a header: remember its columns.
            run = []
            while i < len(lines) and (_YEAR_CELL.match(lines[i][1]) or lines[i][1] in ("属性", "指标属性")):
                m = _YEAR_CELL.match(lines[i][1])
                if m:
                    run.append(int(m.group(1)))
                i += 1
            if len(run) >= 2:
                header_years = run
            continue
        if _HEADER_LINE.match(line) and re.search(r"指标|属性|目标|基数|现状", line):
            header_years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", line)]
            i += 1
            continue
        if header_years:
            used = _row(norm, struct, doc, lines, i, header_years, out, spans)
            if used:
                i += used
                continue
        i += 1
    del years
    return out, spans


def _row(
    norm: Normalised,
    struct: Structure,
    doc: str,
    lines: list[tuple[int, str]],
    i: int,
    header: list[int],
    out: list[Statement],
    spans: list[tuple[int, int]],
) -> int:
    """Read one table row starting at line i; return how many lines it used (0 when it is no row)."""
    pos, line = lines[i]
    row = _ROW.match(line)
    if row:
        _emit(
            norm,
            doc,
            row.group("name"),
            row.group("unit") or row.group("unit2"),
            row.group("cells").split(),
            header,
            pos,
            pos + len(line),
            out,
            spans,
        )
        return 1
    ind = _INDICATOR.match(line)
    if not ind or _YEAR_CELL.match(line) or _ATTR.match(line):
        return 0
    cells: list[str] = []
    j = i + 1
    while j < len(lines) and len(cells) < len(header):
        cell = lines[j][1]
        if cell in ("-", "--", "/", "—"):
            cells.append("")
        elif _NUM_CELL.match(cell):
            cells.append(cell)
        elif cell in _UNIT_NAMES and not cells:
            ind = _INDICATOR.match(f"{ind.group('name')}({cell})") or ind
        else:
            break
        j += 1
    if len(cells) < 2:
        return 0
    if j < len(lines) and _ATTR.match(lines[j][1]):
        j += 1
    end = lines[j - 1][0] + len(lines[j - 1][1])
    _emit(norm, doc, ind.group("name"), ind.group("unit"), cells, header, pos, end, out, spans)
    return j - i


def _emit(
    norm: Normalised,
    doc: str,
    name: str,
    name_unit: str | None,
    cells: list[str],
    header: list[int],
    start: int,
    end: int,
    out: list[Statement],
    spans: list[tuple[int, int]],
) -> None:
    from eduplan.text.statements import Statement

    filled = [(k, c) for k, c in enumerate(cells[: len(header)]) if c]
    if not filled:
        return
    spans.append((start, end))
    code = match_code(name)
    for k, cell in (filled[0], filled[-1]) if len(filled) > 1 else filled:
        m = _NUM_CELL.match(cell)
        if not m:
            continue
        unit, scale = _unit(name_unit, m.group("u"))
        op = m.group("op") or ""
        last = k == len(header) - 1 and len(filled) > 1
        down = op in ("<", "≤", "≦") or bool(_DOWN_WORDS.search(name))
        out.append(
            Statement(
                doc=doc,
                kind="commitment" if last else "baseline",
                indicator=name,
                code=code,
                cmp=("<=" if down else ">=") if last else "=",
                value=round(float(m.group("v")) * scale, 6),
                value_max=None,
                unit=unit,
                year=header[k],
                per=None,
                placeholder=False,
                scope=None,
                quote=norm.quote(start, end),
                start=start,
                end=end,
            )
        )
