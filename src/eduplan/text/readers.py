"""Read a plan document's text: .txt (UTF-8 or GB18030), .html/.htm, .docx, .pdf (text layer)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from eduplan.errors import DataError, NotFound

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def html_text(data: bytes) -> str:
    """Visible text of an HTML page, one block or table cell per line."""
    from bs4 import BeautifulSoup

    text = data.decode("utf-8", errors="strict") if _is_utf8(data) else decode_text(data)
    soup = BeautifulSoup(text, "lxml")
    for tag in soup(["script", "style", "noscript", "iframe", "head"]):
        tag.decompose()
    return soup.get_text("\n")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a .docx in document order, one per line."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                # Merged cells repeat in python-docx: keep each cell once per row.
                seen: list[int] = []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.append(id(cell._tc))
                    lines.append(cell.text)
    return "\n".join(lines)


_HEADING_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百\d]+[章节]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|——)"
)


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page after page, with lines wrapped by the page width joined again."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return unwrap("\n".join(page.extract_text() or "" for page in reader.pages))


def unwrap(text: str) -> str:
    """Join a long line that does not end a sentence with the next, unless the next starts a heading.

    PDF text layers break lines where the page does; a statement split over two lines would lose its
    indicator. Short lines (table cells, headings) are left alone.
    """
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if (
            out
            and len(out[-1].strip()) >= 20
            and not re.search(r"[。！？；：!?;:]\s*$", out[-1])
            and line.strip()
            and not _HEADING_START.match(line)
        ):
            out[-1] = out[-1] + line
        else:
            out.append(line)
    return "\n".join(out)


def read_bytes(data: bytes, name: str) -> str:
    """Text of a document given as bytes, by the suffix of `name`."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix in (".html", ".htm"):
            return html_text(data)
        if suffix == ".docx":
            return docx_text(data)
        if suffix == ".pdf":
            return pdf_text(data)
    except Exception as exc:  # a damaged file: tell the user which one
        raise DataError(f"无法读取文件 {name}：{exc}", english=f"cannot read {name}: {exc!r}") from exc
    if suffix in (".txt", ""):
        return decode_text(data)
    raise DataError(
        f"不支持的文件类型 {suffix}（支持 .txt .html .docx .pdf）", english=f"unsupported file type {suffix}"
    )


def read_document(path: str | Path) -> str:
    """Text of the document at `path`."""
    p = Path(path)
    if not p.is_file():
        raise NotFound(f"找不到文件 {p}", english=f"no such file {p}")
    return read_bytes(p.read_bytes(), p.name)
