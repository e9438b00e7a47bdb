"""The official 基础教育基层统计报表 (教育部制表, 国家统计局批准), read as every school files them.

Two generations: sheets `基础基NNN` up to 2020/21 and `教基NNNN_办学类型` from 2021/22. Each form is read by
its own wording — 栏号 (甲, 乙, 1 … n), 行代码 and header text — through a mapping file per form and
generation in layouts/ (see layout.py), never by cell address. One workbook describes one school in one
school year: its identity form (111 / 1001) gives the school, its township, locale, type and ownership; the
学年初 line gives the year. `read_forms` turns a workbook's grids into table sheets for the validator.
"""

from __future__ import annotations

from eduplan.io.forms.grid import form_of
from eduplan.io.forms.read import FormRead, read_forms


def is_official(sheet_names: list[str]) -> bool:
    """Whether a workbook's sheets are official forms (基础基311, 教基3112_小学 …)."""
    return any(form_of(name) is not None for name in sheet_names)


__all__ = ["FormRead", "is_official", "read_forms"]
