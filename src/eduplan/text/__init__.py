"""Reading plan documents: normalise (offsets kept), structure, and every quantified statement.

from eduplan.text import extract_path
result = extract_path("plan.docx")      # Extraction: normalised text, structure, statements
rows = [s.gold() for s in result.statements]   # the gold schema of ../shared/gold/README.md
"""

from __future__ import annotations

from pathlib import Path

from eduplan.text.readers import read_bytes, read_document
from eduplan.text.statements import Extraction, Statement, extract

__all__ = ["Extraction", "Statement", "extract", "extract_path", "read_bytes", "read_document"]


def extract_path(path: str | Path) -> Extraction:
    """Read the document at `path` (.txt/.html/.docx/.pdf) and extract it; `doc` is the file's name."""
    return extract(read_document(path), Path(path).name)
