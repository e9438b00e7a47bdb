"""Marking up a Word document in place: isolate a span of a paragraph in its own run, replace it, highlight it."""

from __future__ import annotations

import copy
from collections.abc import Iterator

from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run


def paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    """Every paragraph of the body, including those in tables (and tables in tables)."""
    yield from doc.paragraphs
    for table in doc.tables:
        yield from _table_paragraphs(table)


def _table_paragraphs(table: Table) -> Iterator[Paragraph]:
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from _table_paragraphs(inner)


def _split(run: Run, at: int) -> Run:
    """Split `run` after `at` characters; the new run (the rest) keeps the same formatting and is returned."""
    text = run.text
    twin = copy.deepcopy(run._r)
    run._r.addnext(twin)
    rest = Run(twin, run._parent)
    run.text, rest.text = text[:at], text[at:]
    return rest


def replace_span(paragraph: Paragraph, start: int, end: int, text: str) -> Run:
    """Replace characters [start, end) of the paragraph's text by `text`, in one run (returned) that keeps the
    formatting of the run where the span began."""
    pos, inside = 0, []
    for run in list(paragraph.runs):
        length = len(run.text)
        lo, hi = pos, pos + length
        pos = hi
        if hi <= start or lo >= end or length == 0:
            continue
        if lo < start:
            run = _split(run, start - lo)
            lo = start
        if hi > end:
            _split(run, end - lo)
        inside.append(run)
    if not inside:
        raise ValueError(f"span {start}-{end} is outside the paragraph")
    first, *rest = inside
    first.text = text
    for run in rest:
        run._r.getparent().remove(run._r)
    return first


def highlight(run: Run, filled: bool) -> None:
    """Green for a value filled from data, yellow for a placeholder left for a person."""
    run.font.highlight_color = WD_COLOR_INDEX.BRIGHT_GREEN if filled else WD_COLOR_INDEX.YELLOW
