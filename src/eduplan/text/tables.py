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


# -- Grids laid out one cell per line, with columns given roles by their header -------------------------------

_HEADER_CELL = re.compile(
    r"^(?:序号|编号|指标|指标名称|项目|主要指标|评估指标|内容|单位|计量单位|备注|属性|指标属性|类型|"
    r"(?P<year>(?:19|20)\d\d)年?(?:基数|目标|目标值|预期|现状|值|底)?|(?P<std>国家标准|省级标准|省标准|标准|标准值|"
    r"评估标准|达标要求|要求|目标值|目标)|(?P<now>现状|现状值|本县现状|本区现状|本市现状|完成情况|现有水平))$"
)
_VALUE_CELL = re.compile(
    r"^(?P<op>[≥≤<>≮≯]|不低于|不少于|不高于|不超过|大于|小于)?\s*(?P<a>\d+(?:\.\d+)?)(?:[:：](?P<b>\d+(?:\.\d+)?))?\s*"
    r"(?P<u>%|万人次|人次|万人|人|万元|亿元|元|所|个|年|平方米|㎡|间|册|项|学时|小时|班)?\s*(?P<tail>及以上|以上|以下|左右)?$"
)
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}|[一二三四五六七八九十]+[、.].{0,20})$")
_SKIP_CELL = re.compile(r"^(?:约束性|预期性|约束|预期|-|--|/|—|)$")
_OPS = {"≥": ">=", ">": ">=", "不低于": ">=", "不少于": ">=", "大于": ">=", "≮": ">=",
        "≤": "<=", "<": "<=", "不高于": "<=", "不超过": "<=", "小于": "<=", "≯": "<="}  # fmt: skip


def grid_statements(
    norm: Normalised, struct: Structure, doc: str
) -> tuple[list[Statement], list[tuple[int, int]]]:
    """Statements of every grid whose header names its columns (指标 / 2020年 / 2025年, 序号 / 指标 / 国家标准)."""
    lines = _lines(norm.text)
    out: list[Statement] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        roles, j = _header(lines, i)
        if roles:
            i = _grid_rows(norm, struct, doc, lines, j, roles, out, spans)
            continue
        names, j = _category_header(lines, i)
        if names:
            i = _category_rows(norm, struct, doc, lines, j, names, out, spans)
        else:
            i += 1
    return out, spans


_CATEGORY_COLUMN = re.compile(r"学校类别|院校类别|学校类型|类别|类型|学段")


def _category_header(lines: list[tuple[int, str]], i: int) -> tuple[list[tuple[int, str]], int]:
    """学校类别 / 生师比 / 生均图书(册/生) …: a grid whose rows are categories and whose columns are indicators.

    Returns the indicator columns and the index of the first row label (whose next line is a value)."""
    if not _CATEGORY_COLUMN.fullmatch(lines[i][1]):
        return [], i + 1
    j = i + 1
    while j + 1 < len(lines) and not _VALUE_CELL.match(lines[j + 1][1]):
        if _VALUE_CELL.match(lines[j][1]) or len(lines[j][1]) > 30 or re.search(r"[。;；,，]", lines[j][1]):
            return [], i + 1
        j += 1
    names = lines[i + 1 : j]
    return (names, j) if len(names) >= 2 else ([], i + 1)


def _category_rows(
    norm: Normalised, struct: Structure, doc: str, lines: list[tuple[int, str]], j: int,
    names: list[tuple[int, str]], out: list[Statement], spans: list[tuple[int, int]],
) -> int:  # fmt: skip
    """Rows of a category grid: a label, then one value per indicator column."""
    n = len(names)
    while j + n < len(lines) and all(_VALUE_CELL.match(lines[j + 1 + k][1]) for k in range(n)):
        lpos, label = lines[j]
        for k, (_, name) in enumerate(names):
            vpos, cell = lines[j + 1 + k]
            unit = _label_unit(name)
            if unit is None:
                # 研究生学位教师占专任教师比例(): the page lost the % sign; 生师比 is a bare number
                unit = ("%", 1.0, None) if re.search(r"(?:比例|率)\(\s*\)$", name) else ("", 1.0, None)
            indicator = label + _clean_label(re.sub(r"\(\s*\)$", "", name))
            st = _grid_statement(norm, struct, doc, indicator, unit, cell, "standard", None, [("standard", None)],
                                 (vpos, vpos + len(cell)))  # fmt: skip
            if st:
                st.kind = (
                    struct.genre.default_kind
                )  # values per category reached (a bulletin) or required (a standard)
                out.append(st)
        spans.append((lpos, lines[j + n][0] + len(lines[j + n][1])))
        j += n + 1
    return j


def _header(lines: list[tuple[int, str]], i: int) -> tuple[list[tuple[str, int | None]], int]:
    """The value columns of a header starting at line i ((role, year) each) and the first line after it."""
    j, cells = i, list[re.Match[str]]()
    while j < len(lines) and len(cells) < 12:
        m = _HEADER_CELL.match(lines[j][1])
        if not m:
            break
        cells.append(m)
        j += 1
    if len(cells) < 2 or not any(
        c.group(0).startswith(("指标", "项目", "主要指标", "评估指标", "内容")) for c in cells
    ):
        return [], i + 1
    roles: list[tuple[str, int | None]] = []
    for m in cells:
        if m.group("year"):
            roles.append(("year", int(m.group("year"))))
        elif m.group("std"):
            roles.append(("standard", None))
        elif m.group("now"):
            roles.append(("current", None))
    return (roles, j) if roles else ([], i + 1)


def _grid_rows(
    norm: Normalised, struct: Structure, doc: str, lines: list[tuple[int, str]], j: int,
    roles: list[tuple[str, int | None]], out: list[Statement], spans: list[tuple[int, int]],
) -> int:  # fmt: skip
    """Read rows after a header until the grid ends; return the index of the first line after it."""
    labels: list[tuple[int, str]] = []
    values: list[tuple[int, str]] = []
    while j < len(lines):
        pos, cell = lines[j]
        if values and labels and len(values) >= len(roles) * len(labels) and re.fullmatch(r"\d{1,3}", cell):
            _emit_grid_row(norm, struct, doc, labels, values, roles, out, spans)  # the next row's number
            labels, values = [], []
        elif _VALUE_CELL.match(cell):
            values.append((pos, cell))
        elif _SKIP_CELL.match(cell) or (not labels and not values and _ROW_NUMBER.match(cell)):
            pass
        elif len(cell) > 60 or re.search(r"[。;；]", cell):
            break
        else:
            if values:
                _emit_grid_row(norm, struct, doc, labels, values, roles, out, spans)
                labels, values = [], []
            if not _ROW_NUMBER.match(cell) or labels:
                labels.append((pos, cell))
        j += 1
    if labels and values:
        _emit_grid_row(norm, struct, doc, labels, values, roles, out, spans)
    return j


def _emit_grid_row(
    norm: Normalised, struct: Structure, doc: str, labels: list[tuple[int, str]], values: list[tuple[int, str]],
    roles: list[tuple[str, int | None]], out: list[Statement], spans: list[tuple[int, int]],
) -> None:  # fmt: skip
    """One label with a value per column; or a parent with 其中 sub-rows whose values run column by column."""
    n = len(roles)
    if not labels:
        return
    names = [_clean_label(text) for _, text in labels]
    if len(values) == n * (len(names) - 1) and len(names) > 1:
        parent = names[0]  # 4.标准班额比例(%) / 其中:小学 / 初中: the parent has no values of its own
        names = [_sub_name(parent, name) for name in names[1:]]
        labels = labels[1:]
    if len(values) != n * len(names):
        names, labels = names[-1:], labels[-1:]
        values = values[-n:] if len(values) >= n else values
        if len(values) != n:
            return
    parent_unit = _label_unit(labels[0][1])
    for k, (lpos, label) in enumerate(labels):
        name = names[k]
        for c, (role, year) in enumerate(roles):
            vpos, cell = values[c * len(names) + k]
            st = _grid_statement(norm, struct, doc, name, _label_unit(label) or parent_unit, cell, role, year,
                                 roles, (lpos, vpos + len(cell)))  # fmt: skip
            if st:
                out.append(st)
        spans.append((lpos, values[-1][0] + len(values[-1][1])))
    spans.append((labels[0][0], values[-1][0] + len(values[-1][1])))


def _sub_name(parent: str, name: str) -> str:
    """其中:小学 under 义务教育标准班额比例 → 小学义务教育标准班额比例."""
    return (
        name + parent
        if re.fullmatch(r"小学|初中|高中|普通高中|中职|幼儿园|城区|农村|城镇|乡村", name)
        else name
    )


def _clean_label(text: str) -> str:
    """1.学前三年毛入园率(%) → 学前三年毛入园率; 其中:小学 → 小学."""
    text = re.sub(r"^(?:\d{1,2}[.、]|[(]\d{1,2}[)]|其中[:：]?)", "", text)
    text = re.sub(r"[(]?(?:%|％|元/年|元|年|人|所|个|平方米|万元|册)?(?:/生|/人)?[)]$", "", text)
    return text.strip() or text


def _label_unit(text: str) -> tuple[str, float, str | None] | None:
    """The unit a label names in parentheses: (%) → %, (元/年) → 元 per year, (年) → 年."""
    m = re.search(r"[(]?(%|％|元/年|元|年|人|所|个|平方米|万元|万人|册)(?:/生|/人)?[)]$", text)
    if not m:
        return None
    raw = m.group(1)
    if raw == "元/年":
        return "元", 1.0, "year"
    unit, scale = _unit(raw.replace("％", "%"), None)
    return unit, scale, None


def _grid_statement(
    norm: Normalised, struct: Structure, doc: str, name: str, unit_info: tuple[str, float, str | None] | None,
    cell: str, role: str, year: int | None, roles: list[tuple[str, int | None]], span: tuple[int, int],
) -> Statement | None:  # fmt: skip
    from eduplan.text.statements import Statement

    m = _VALUE_CELL.match(cell)
    if not m:
        return None
    years = [y for r, y in roles if r == "year" and y]
    baseline = role == "current" or (role == "year" and len(years) > 1 and year == years[0])
    op = _OPS.get(m.group("op") or "", "")
    if m.group("b"):
        cmp, value, vmax, unit, scale, per = (
            "ratio",
            float(m.group("a")),
            float(m.group("b")),
            "ratio",
            1.0,
            None,
        )
    else:
        unit, scale, per = unit_info or (*_unit(None, m.group("u")), None)
        if m.group("u"):
            unit, scale = _unit(None, m.group("u"))
        value, vmax = float(m.group("a")), None
        tail = m.group("tail") or ""
        cmp = op or (">=" if "以上" in tail else "<=" if "以下" in tail else "")
        if not cmp:
            cmp = ("<=" if _DOWN_WORDS.search(name) else ">=") if role == "year" else "="
    kind = "baseline" if baseline else "commitment"
    if baseline and cmp not in ("ratio",):
        cmp = "="
    due = year if role == "year" else (struct.year if baseline else struct.horizon)
    return Statement(
        doc=doc, kind=kind, indicator=name, code=match_code(name), cmp=cmp, value=round(value * scale, 6),
        value_max=vmax, unit=unit, year=due, per=per, placeholder=False, scope=None,
        quote=norm.quote(*span), start=span[0], end=span[1],
        why=(f"表格列“{role_label(role, year)}”", f"表头年份{due}" if role == "year" else "表格列无年份"),
    )  # fmt: skip


def role_label(role: str, year: int | None) -> str:
    return {"year": f"{year}年", "standard": "标准", "current": "现状"}[role]


# -- Pipe tables: the column a cell sits in says whether its numbers are targets or progress ---------------------

_TARGET_COLUMN = re.compile(
    r"任务目标|目标任务|目标值|指标值|预期目标|年度目标|计划目标|目标与任务|建设内容|主要内容"
)
_PROGRESS_COLUMN = re.compile(r"完成情况|完成值|实际完成|进展情况|工作进展|进度|取得成效|现状|实际值")
_YEAR_IN_HEADER = re.compile(r"((?:19|20)\d\d)年")


def pipe_columns(norm: Normalised) -> list[tuple[int, int, str, int | None]]:
    """(start, end, role, year) of the cells of `|` tables whose header names their column's role.

    The role is "target" (2022年度任务目标, 指标值) or "progress" (1-9月份工作完成情况, 实际完成值). A row shorter than the
    header (a category cell merged from the row above) is aligned on the right.
    """
    out: list[tuple[int, int, str, int | None]] = []
    header: list[tuple[str, int | None]] | None = None
    for row in _pipe_rows(norm):
        cells = _trim(row)
        roles = [_column_role(text) for _, _, text in cells]
        if len(cells) >= 3 and any(r for r, _ in roles):
            header = roles
            continue
        if header is None or len(cells) < 2 or len(cells) > len(header):
            continue
        shift = len(header) - len(cells)
        for (start, end, _), (role, year) in zip(cells, header[shift:], strict=True):
            if role:
                out.append((start, end, role, year))
    return out


def _column_role(text: str) -> tuple[str, int | None]:
    year = _YEAR_IN_HEADER.search(text)
    if len(text) > 16:
        return "", None
    if _PROGRESS_COLUMN.search(text):
        return "progress", None
    if _TARGET_COLUMN.search(text):
        return "target", int(year.group(1)) if year else None
    return "", None


def _trim(row: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    while row and not row[-1][2]:
        row = row[:-1]
    return row


def _pipe_rows(norm: Normalised) -> list[list[tuple[int, int, str]]]:
    """Rows of the text whose cells the raw text separates with `|`, as (start, end, text) of each cell."""
    rows: list[list[tuple[int, int, str]]] = []
    if "|" not in norm.raw and "｜" not in norm.raw:
        return rows
    cells: list[tuple[int, int, str]] = []
    start = 0
    text = norm.text
    while start <= len(text):
        i = text.find("\n", start)
        i = len(text) if i < 0 else i
        raw = norm.raw[norm.offsets[i]] if i < len(text) else "\n"
        cells.append((start, i, text[start:i].strip()))
        start = i + 1
        if raw not in "|｜":
            if len(cells) > 1:
                rows.append(cells)
            cells = []
    return rows
