"""Every import setting is documented with its default (sqlite-utils' rule: no undocumented setting)."""

from __future__ import annotations

from pathlib import Path

from eduplan.io.limits import SETTINGS

DOC = Path(__file__).resolve().parents[2] / "docs" / "foundation.md"


def test_every_setting_is_in_the_docs_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"| `{setting.env}` | {setting.default} |" in text, setting.env
