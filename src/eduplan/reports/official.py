"""A `Document` laid out as a Chinese official document (GB/T 9704-2012 《党政机关公文格式》) in Word.

A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (so 26 mm right, 35 mm bottom); 22 lines of 3号 (16 pt) text a page;
title 2号小标宋, body 3号仿宋, headings 3号黑体 (一、) and 3号楷体 (（一）); paragraphs indented two characters;
page numbers 4号 with a dash either side, odd pages right and even pages left, one character in; the 发文机关署名
and 成文日期 at the end (日期 in Arabic numerals, 右空四字). Tables repeat their header row on every page and keep
each row on one page. Fonts are named as a bureau's Word has them; `pdf` maps them to Noto CJK when absent.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from eduplan.reports.document import Document, Figure, Heading, Paragraph, Table

FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
BODY_PT, TITLE_PT, TABLE_PT, SMALL_PT, PAGE_NUMBER_PT = 16, 22, 10.5, 9, 14  # 3号, 2号, 5号, 小5号, 4号
CELL_MARGIN_CM = 0.1
LINE_PT = 28.9  # 22 lines in the 225 mm text block
TEXT_WIDTH_CM = 15.6
FigureRenderer = Callable[[Figure], bytes]


def blank_document() -> DocxDocument:
    """An empty Word document with the official page, page numbers and styles (公文正文, 公文标题1/2 …)."""
    word = new_document()
    _page(word)
    _styles(word)
    return word


def write_docx(doc: Document, render_figure: FigureRenderer | None = None) -> bytes:
    """The .docx bytes of `doc`; figures are drawn by `render_figure` (PNG bytes), left out without it."""
    word = blank_document()
    _title(word, doc.title)
    figures = tables = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_paragraph(block.text, style=f"公文标题{block.level}")
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text, style="公文正文")
        elif isinstance(block, Table):
            tables += 1
            _table(word, block, tables)
        elif isinstance(block, Figure) and render_figure is not None:
            figures += 1
            _figure(word, block, figures, render_figure(block))
    _signature(word, doc)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page(word: DocxDocument) -> None:
    section = word.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.right_margin, section.bottom_margin = Mm(26), Mm(35)
    section.footer_distance = Mm(23)  # the number's top lies 7 mm below the text block
    word.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(p: DocxParagraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """— 7 —, one character in from the outer edge."""
    p.alignment = align
    indent = Pt(PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = indent
    else:
        p.paragraph_format.left_indent = indent
    p.add_run("— ")
    _page_field(p.add_run())
    p.add_run(" —")
    for r in p.runs:
        _font(r.font.element.get_or_add_rPr(), SONGTI)
        r.font.size = Pt(PAGE_NUMBER_PT)


def _page_field(run: object) -> None:
    """A PAGE field (shown as 1 until Word or LibreOffice fills in each page's number)."""
    for tag, value in (("w:fldChar", "begin"), ("w:instrText", " PAGE "), ("w:fldChar", "separate"),
                       ("w:t", "1"), ("w:fldChar", "end")):  # fmt: skip
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)  # type: ignore[attr-defined]


def _font(rpr: object, name: str) -> None:
    """Set every script's font of a run or style (theme fonts removed: they would win over a named font)."""
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def _styles(word: DocxDocument) -> None:
    defaults = word.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))  # type: ignore[union-attr]
    _font(rpr, FANGSONG)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = word.styles["Normal"]
    _font(normal.element.get_or_add_rPr(), FANGSONG)
    normal.font.size = Pt(BODY_PT)
    _style(word, "公文正文", FANGSONG, BODY_PT, indent=True)
    _style(word, "公文标题1", HEITI, BODY_PT, indent=True, outline=0)
    _style(word, "公文标题2", KAITI, BODY_PT, indent=True, outline=1)
    title = _style(word, "公文大标题", XIAOBIAOSONG, TITLE_PT, outline=None)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.5)
    _style(word, "表格文字", FANGSONG, TABLE_PT, exact=False)
    _style(
        word, "表头文字", HEITI, TABLE_PT, exact=False
    ).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = _style(word, "图表题", HEITI, 14, exact=False)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(6)
    _style(word, "表注", FANGSONG, 12, exact=False)


def _style(
    word: DocxDocument,
    name: str,
    font: str,
    size: float,
    *,
    indent: bool = False,
    exact: bool = True,
    outline: int | None = None,
) -> ParagraphStyle:
    style: ParagraphStyle = word.styles.add_style(name, 1)  # type: ignore[assignment]  # 1: paragraph
    style.base_style = word.styles["Normal"]
    style.quick_style = True
    _font(style.element.get_or_add_rPr(), font)
    style.font.size = Pt(size)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
    else:
        fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    fmt.widow_control = True
    if outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(level)
        fmt.keep_with_next = True
    return style


def _title(word: DocxDocument, text: str) -> None:
    word.add_paragraph(text, style="公文大标题")
    word.add_paragraph("", style="公文正文")


def _table(word: DocxDocument, block: Table, number: int) -> None:
    word.add_paragraph(f"表{number}  {block.caption}", style="图表题").paragraph_format.keep_with_next = True
    table = word.add_table(rows=1, cols=len(block.header))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    size = Pt(SMALL_PT if block.small else TABLE_PT)
    _cells(table.rows[0].cells, block.header, "表头文字", size)
    _repeat_header(table)
    _cell_margins(table)
    for row in block.rows:
        _cells(table.add_row().cells, row, "表格文字", size)
    for column, width in zip(table.columns, block.widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice reads
    for row in table.rows:
        _keep_row_together(row._tr)
        for cell, width in zip(row.cells, block.widths, strict=True):
            cell.width = Cm(width)  # each cell, which Word reads
    if block.note:
        word.add_paragraph(block.note, style="表注")
    word.add_paragraph("", style="表注")


def _cells(cells: list[object], texts: tuple[str, ...], style: str, size: Pt) -> None:
    for cell, text in zip(cells, texts, strict=True):
        p = cell.paragraphs[0]  # type: ignore[attr-defined]
        p.style = style
        for i, line in enumerate(str(text).split("\n")):
            if i:
                p.add_run().add_break()
            p.add_run(line).font.size = size


def _cell_margins(table: DocxTable) -> None:
    """Narrow left and right cell margins: the columns of table 1 hold numbers like 102.15% on one line."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(CELL_MARGIN_CM / 2.54 * 1440)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.append(margins)


def _repeat_header(table: DocxTable) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _keep_row_together(tr: object) -> None:
    trpr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    trpr.append(cant)


def _figure(word: DocxDocument, block: Figure, number: int, png: bytes) -> None:
    p = word.add_paragraph(style="表格文字")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(png), width=Cm(TEXT_WIDTH_CM))
    word.add_paragraph(f"图{number}  {block.caption}", style="图表题")


def _signature(word: DocxDocument, doc: Document) -> None:
    """发文机关署名 and 成文日期 after one empty line: the date in Arabic numerals 右空四字, the signature placed so
    that the date's first character stands two characters right of the signature's."""
    date = f"{doc.issued.year}年{doc.issued.month}月{doc.issued.day}日"
    signature_indent = max(0.0, 4 + _width(date) + 2 - _width(doc.signature))
    word.add_paragraph("", style="公文正文")
    for text, chars in ((doc.signature, signature_indent), (date, 4.0)):
        p = word.add_paragraph(text, style="公文正文")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(BODY_PT * chars)


def _width(text: str) -> float:
    """Width in characters: half-width digits and letters count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)
