"""Text that crosses the edge: values shown in messages, and cells written to or read from spreadsheets.

- `shown(value)`: a value as a message may print it — control characters (terminal escapes, NUL, line
  breaks) written as visible escapes, long values cut.
- `neutralise` / `restore`: the OWASP rule against CSV and formula injection. A text cell beginning with
  = + - @ tab or CR is written with a leading apostrophe; reading drops exactly one apostrophe before such a
  character, so export → import gives the original text back (a text that already began with apostrophes
  before such a character gains one more, and loses it again on import).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = r"^'+[=+\-@\t\r]"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SHOWN_CHARS = 60


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """`value` safe to print in a terminal or page: control and direction characters escaped, cut at `limit`."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + f"…（共 {len(text)} 字）"
    return _CONTROL.sub(_escape, text)


def neutralise(value: Any) -> Any:
    """A text cell as written to CSV or Excel: never starting with a formula character."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore(column: pl.Expr) -> pl.Expr:
    """Column-wise inverse of `neutralise` for text read back from a file."""
    return pl.when(column.str.contains(_QUOTED)).then(column.str.slice(1)).otherwise(column)


def restore_text(value: str) -> str:
    return value[1:] if re.match(_QUOTED, value) else value


_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralise_cell(value: Any) -> Any:
    """`neutralise` for a cell of unknown column: a plain number such as -5 stays a number."""
    if isinstance(value, str) and _PLAIN_NUMBER.match(value.strip()):
        return value
    return neutralise(value)


def neutralise_csv(text: str) -> str:
    """Every text cell of a CSV document neutralised (a byte-order mark at the start is kept)."""
    import csv
    import io

    bom = "\ufeff" if text.startswith("\ufeff") else ""
    rows = csv.reader(io.StringIO(text[len(bom) :], newline=""))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return bom + out.getvalue()


def neutralise_workbook(book: Any) -> None:
    """Every formula and every text cell beginning with a formula character of an openpyxl workbook written
    as text with a leading apostrophe (exports carry no formulas)."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type in ("s", "f") and isinstance(cell.value, str):
                    safe = neutralise(cell.value)
                    if safe is not cell.value:
                        cell.value = safe
                        cell.data_type = "s"


def neutralise_xlsx(data: bytes) -> bytes:
    """An .xlsx file's bytes with `neutralise_workbook` applied."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    neutralise_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
