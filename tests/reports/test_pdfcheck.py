"""The PDF checks the report tests rely on can fail. No database: this runs once, not again on PostgreSQL."""

from __future__ import annotations

from . import pdfcheck


def test_the_tofu_check_finds_a_missing_glyph() -> None:
    # A plane-15 private-use character: no font draws it, so the check must report it (and not 中).
    assert pdfcheck.missing_glyphs({"中", "\U000f0000"}) == {"\U000f0000"}
