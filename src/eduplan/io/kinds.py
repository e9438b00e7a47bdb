"""The kinds of file `eduplan template/import/export` know: each is one or more tables of facts.py."""

from __future__ import annotations

from eduplan.errors import NotFound
from eduplan.facts import TABLES, Table

KINDS: dict[str, tuple[str, ...]] = {
    "schools": ("schools",),
    "stats": ("school_year", "stage_year", "grade_year", "health_year"),
    "population": ("population", "births"),
    "births": ("births",),
    "reported": ("reported",),
    "memberships": ("memberships",),
    "org_units": ("org_units",),
    "finance": ("school_finance", "county_finance"),
    "teachers": ("teachers",),
    "all": tuple(TABLES),
}
KIND_LABELS = {
    "schools": "学校名录",
    "stats": "学校年度统计（年度、学段、年级、体质健康）",
    "population": "分年龄人口与出生人口",
    "births": "出生人口",
    "reported": "直报指标值",
    "memberships": "集团化学区化办学",
    "org_units": "行政区划",
    "finance": "学校经费与县级教育经费",
    "teachers": "专任教师名册（个人信息，导出留痕）",
    "all": "全部数据",
}


def tables_of(kind: str) -> list[Table]:
    """The tables of a kind; a table name (school_year …) is accepted as a kind of its own."""
    if kind in KINDS:
        return [TABLES[name] for name in KINDS[kind]]
    if kind in TABLES:
        return [TABLES[kind]]
    known = "、".join(KINDS)
    raise NotFound(f"未知的数据类型 {kind!r}，可选：{known}（或表名）", english=f"unknown kind {kind!r}")
