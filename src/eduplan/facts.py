"""The shape of every input table: the contract between importers, the store, the demo and the core.

Each table is a list of columns with their Chinese header, type and plausible range. Importers validate
against it, the Django models mirror it, the demo generator produces it, and the core computes on Polars
frames with exactly these column names. Missing values are null, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Kind = Literal["str", "int", "float", "bool"]

STAGES = ("preschool", "primary", "junior", "senior", "vocational", "special")
STAGE_NAMES = {
    "preschool": "学前",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "vocational": "中职",
    "special": "特教",
}
# Grades are numbered from 1 within each stage: preschool 1-3 = 小班/中班/大班, primary 1-6, junior 1-3.
STAGE_GRADES = {"preschool": 3, "primary": 6, "junior": 3, "senior": 3, "vocational": 3, "special": 9}

SCHOOL_TYPES = {
    "kindergarten": ("幼儿园", ("preschool",)),
    "primary": ("小学", ("primary",)),
    "teaching_point": ("教学点", ("primary",)),
    "junior": ("初级中学", ("junior",)),
    "nine_year": ("九年一贯制学校", ("primary", "junior")),
    "twelve_year": ("十二年一贯制学校", ("primary", "junior", "senior")),
    "complete_secondary": ("完全中学", ("junior", "senior")),
    "senior": ("高级中学", ("senior",)),
    "vocational": ("中等职业学校", ("vocational",)),
    "special": ("特殊教育学校", ("special",)),
}
OWNERSHIPS = {"public": "公办", "private_inclusive": "民办普惠", "private": "民办非普惠"}
LOCALES = {"urban": "城区", "town": "镇区", "rural": "乡村"}
LEVELS = {"province": "省", "city": "市", "county": "县", "township": "乡镇", "school": "学校"}
MEMBERSHIP_KINDS = {"group": "教育集团", "district": "学区"}


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: Kind
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    help: str = ""
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: POLARS[c.kind] for c in self.columns}

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema())

    def frame(self, rows: Iterable[Mapping[str, object]]) -> pl.DataFrame:
        """`rows` as a frame of this table: every column, in order; a column a row leaves out is null."""
        full = [{c.name: r.get(c.name) for c in self.columns} for r in rows]
        return pl.DataFrame(full, schema=self.polars_schema(), orient="row") if full else self.empty()


POLARS: dict[str, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
}


def _count(name: str, label: str, hi: float = 100_000, **kw: object) -> Column:
    return Column(name, label, "int", min=0, max=hi, **kw)  # type: ignore[arg-type]


def _amount(name: str, label: str, hi: float, **kw: object) -> Column:
    return Column(name, label, "float", min=0, max=hi, **kw)  # type: ignore[arg-type]


YEAR = Column(
    "year", "学年", "int", required=True, min=1990, max=2100, help="学年起始年份，如 2024 表示 2024-2025 学年"
)
SCHOOL = Column("school", "学校标识码", "str", required=True, help="10 位学校标识码")

ORG_UNITS = Table(
    "org_units",
    "行政区划",
    ("code",),
    (
        Column("code", "区划代码", "str", required=True, help="省 2 位、市 4 位、县 6 位、乡镇 9 位"),
        Column("name", "名称", "str", required=True),
        Column("level", "层级", "str", required=True, choices=tuple(k for k in LEVELS if k != "school")),
        Column("parent", "上级代码", "str"),
    ),
)

SCHOOLS = Table(
    "schools",
    "学校名录",
    ("code",),
    (
        Column("code", "学校标识码", "str", required=True, help="10 位学校标识码"),
        Column("name", "学校名称", "str", required=True),
        Column("township", "所属乡镇代码", "str", required=True, help="9 位乡镇（街道）区划代码"),
        Column("school_type", "办学类型", "str", required=True, choices=tuple(SCHOOL_TYPES)),
        Column("ownership", "办别", "str", required=True, choices=tuple(OWNERSHIPS)),
        Column("locale", "城乡分类", "str", required=True, choices=tuple(LOCALES)),
        Column("urban_rural_code", "统计用城乡划分代码", "str", help="3 位，如 111、121、210、220"),
        Column("boarding", "是否寄宿制", "bool"),
        Column("zone", "学区（招生片区）", "str"),
        Column("longitude", "经度", "float", min=73, max=136),
        Column("latitude", "纬度", "float", min=3, max=54),
        Column("opened_year", "建校年份", "int", min=1800, max=2100),
        Column("closed_year", "撤并年份", "int", min=1990, max=2100),
        Column("declared_capacity", "核定学位数", "int", min=0, max=20_000),
    ),
)

SCHOOL_YEAR = Table(
    "school_year",
    "学校年度统计",
    ("school", "year"),
    (
        SCHOOL,
        YEAR,
        _count("teachers", "专任教师数", 5_000),
        _count("teachers_postgrad", "研究生学历专任教师", 5_000),
        _count("teachers_bachelor", "本科学历专任教师", 5_000),
        _count("teachers_college", "专科学历专任教师", 5_000),
        _count("teachers_secondary", "高中及以下学历专任教师", 5_000),
        _count("teachers_backbone", "县级及以上骨干教师", 5_000),
        _count("teachers_pe", "体育专任教师", 1_000),
        _count("teachers_arts", "艺术（音乐、美术）专任教师", 1_000),
        _count("teachers_rotation_eligible", "应交流轮岗教师数", 5_000),
        _count("teachers_rotated", "本年交流轮岗教师数", 5_000),
        _count("backbone_rotated", "本年交流轮岗骨干教师数", 5_000),
        _count("teachers_certified", "持教师资格证专任教师", 5_000),
        _count("teachers_dual_qualified", "双师型专任教师", 5_000),
        _count("staff", "教职工数", 10_000),
        Column("principal_age", "校长年龄", "int", min=20, max=75),
        Column("principal_rotated", "校长本年是否交流", "bool"),
        _amount("area_building", "校舍建筑面积（平方米）", 1_000_000),
        _amount("area_teaching", "教学及辅助用房面积（平方米）", 1_000_000),
        _amount("area_sports", "体育运动场馆面积（平方米）", 1_000_000),
        _amount("equipment_value", "教学仪器设备值（元）", 1e10),
        _count("multimedia_classrooms", "网络多媒体教室数", 2_000),
        _count("computers", "教学用计算机台数", 20_000),
        _count("books", "图书册数", 5_000_000),
        _count("music_rooms", "音乐专用教室数", 200),
        _count("art_rooms", "美术专用教室数", 200),
        _amount("public_funds_per_pupil", "生均公用经费（元）", 100_000),
        _amount("budget", "年度经费预算（元）", 1e11),
    ),
)

STAGE_YEAR = Table(
    "stage_year",
    "学校分学段统计",
    ("school", "year", "stage"),
    (
        SCHOOL,
        YEAR,
        Column("stage", "学段", "str", required=True, choices=STAGES),
        _count("entrants", "招生数", 20_000),
        _count("graduates", "毕业生数", 20_000),
        _count("transfers_in", "转入学生数", 20_000),
        _count("transfers_out", "转出学生数", 20_000),
        _count("disabled", "残疾学生数", 5_000),
        _count("migrant", "进城务工人员随迁子女数", 20_000),
        _count(
            "migrant_purchased",
            "政府购买学位的随迁子女数",
            20_000,
            help="在民办学校就读、由政府购买学位的随迁子女",
        ),
        _count("boarders", "寄宿生数", 20_000),
    ),
)

GRADE_YEAR = Table(
    "grade_year",
    "学校分年级统计",
    ("school", "year", "stage", "grade"),
    (
        SCHOOL,
        YEAR,
        Column("stage", "学段", "str", required=True, choices=STAGES),
        Column(
            "grade",
            "年级",
            "int",
            required=True,
            min=1,
            max=9,
            help="学段内年级序号：幼儿园 1=小班 2=中班 3=大班",
        ),
        _count("enrollment", "在校生数", 10_000),
        _count("enrollment_female", "其中女生", 10_000),
        _count("classes", "班数", 200),
        _count("classes_56_65", "56-65人班数", 200),
        _count("classes_66_plus", "66人及以上班数", 200),
    ),
)

HEALTH_YEAR = Table(
    "health_year",
    "学生体质健康与视力",
    ("school", "year"),
    (
        SCHOOL,
        YEAR,
        _count("health_tested", "体质健康测试人数", 20_000),
        _count("health_passed", "测试合格人数", 20_000),
        _count("health_good", "测试优良人数", 20_000, help="良好与优秀合计"),
        _count("vision_screened", "视力筛查人数", 20_000),
        _count("myopic", "近视人数", 20_000),
    ),
)

MEMBERSHIPS = Table(
    "memberships",
    "集团化学区化办学",
    ("school", "year", "kind"),
    (
        SCHOOL,
        YEAR,
        Column("kind", "类型", "str", required=True, choices=tuple(MEMBERSHIP_KINDS)),
        Column("name", "集团（学区）名称", "str", required=True),
    ),
)

POPULATION = Table(
    "population",
    "分年龄人口",
    ("township", "year", "age"),
    (
        Column("township", "乡镇代码", "str", required=True),
        YEAR,
        Column("age", "年龄（周岁）", "int", required=True, min=0, max=18),
        _count("population", "人口数", 1_000_000, required=True),
    ),
)

BIRTHS = Table(
    "births",
    "出生人口",
    ("township", "year"),
    (
        Column("township", "乡镇代码", "str", required=True),
        Column("year", "年份", "int", required=True, min=1990, max=2100),
        _count("births", "出生人数", 1_000_000, required=True),
    ),
)

REPORTED = Table(
    "reported",
    "直报指标值",
    ("unit", "year", "indicator"),
    (
        Column("unit", "单位代码", "str", required=True, help="区划代码或学校标识码"),
        YEAR,
        Column("indicator", "指标代码", "str", required=True),
        Column("value", "指标值", "float"),
        Column("numerator", "分子", "float", min=0),
        Column("denominator", "分母", "float", min=0),
        Column("source", "数据来源", "str"),
    ),
)

SCHOOL_FINANCE = Table(
    "school_finance",
    "学校经费",
    ("school", "year"),
    (
        SCHOOL,
        YEAR,
        _amount("allocated", "公用经费拨付额（元）", 1e10, help="本学年财政实际拨付给学校的公用经费总额"),
        _amount("budget_personnel", "人员经费预算（元）", 1e11),
        _amount("budget_public", "公用经费预算（元）", 1e10),
        _amount("budget_project", "项目经费预算（元）", 1e11),
    ),
    help="学年与学校年度统计相同：2024 表示按 2024-2025 学年在校生核定的经费",
)

COUNTY_FINANCE = Table(
    "county_finance",
    "县级教育经费",
    ("county", "year"),
    (
        Column("county", "县级区划代码", "str", required=True, help="6 位县级区划代码"),
        Column("year", "年度", "int", required=True, min=1990, max=2100, help="财政年度（自然年）"),
        _amount("education_spending", "一般公共预算教育支出（万元）", 1e9),
        _amount("education_surcharge", "教育费附加和地方教育附加（万元）", 1e9),
        _count("students", "在校学生数（人）", 10_000_000, help="一般公共预算教育支出覆盖的各级各类在校学生"),
        _amount("teacher_pay", "义务教育教师年平均工资收入（元）", 10_000_000),
        _amount("civil_servant_pay", "当地公务员年平均工资收入（元）", 10_000_000),
        _amount("total_spending", "一般公共预算支出（万元）", 1e10),
        _amount("gdp", "地区生产总值（万元）", 1e11),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        ORG_UNITS,
        SCHOOLS,
        SCHOOL_YEAR,
        STAGE_YEAR,
        GRADE_YEAR,
        HEALTH_YEAR,
        MEMBERSHIPS,
        POPULATION,
        BIRTHS,
        REPORTED,
        SCHOOL_FINANCE,
        COUNTY_FINANCE,
    )
}


@dataclass
class Facts:
    """Every input table of one region as Polars frames, as the core receives them."""

    org_units: pl.DataFrame
    schools: pl.DataFrame
    school_year: pl.DataFrame
    stage_year: pl.DataFrame
    grade_year: pl.DataFrame
    health_year: pl.DataFrame
    memberships: pl.DataFrame
    population: pl.DataFrame
    births: pl.DataFrame
    reported: pl.DataFrame
    school_finance: pl.DataFrame = field(default_factory=SCHOOL_FINANCE.empty)
    county_finance: pl.DataFrame = field(default_factory=COUNTY_FINANCE.empty)

    @classmethod
    def empty(cls) -> Facts:
        return cls(**{name: table.empty() for name, table in TABLES.items()})

    def frames(self) -> dict[str, pl.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


def stages_of(school_type: str) -> tuple[str, ...]:
    return SCHOOL_TYPES[school_type][1]
