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
