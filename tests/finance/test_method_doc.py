"""The method page and docs/finance.md are the same text; it states the national floors the data file holds."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from eduplan.finance.rules import _national, resolve

DOC = Path(__file__).parents[2] / "docs" / "finance.md"


def test_docs_copy_matches_packaged_method() -> None:
    packaged = resources.files("eduplan.finance").joinpath("method.md").read_text("utf-8")
    assert DOC.read_text("utf-8") == packaged


def test_method_states_each_national_floor() -> None:
    text = DOC.read_text("utf-8")
    west, east = resolve(_national(), "990101"), resolve(_national(), "440282")
    for key, name in (("primary", "普通小学"), ("junior", "普通初中")):
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} "))
        assert f"中西部 {west.amount(key, 2016).value:g}，东部 {east.amount(key, 2016).value:g}" in row  # type: ignore[union-attr]
    for key, label in (("special", "特殊教育学校"), ("boarding", "寄宿生"), ("preschool", "公办幼儿园")):
        row = next(line for line in text.splitlines() if line.startswith(f"| {label}"))
        assert f"| {west.amount(key, 2024).value:g} |" in row  # type: ignore[union-attr]
