"""The registers that are linked: their columns (the import contract), and their preparation for matching.

Personal data: these tables never join the generic `Facts` that every page loads. They hold what 控辍保学 and
资助 need and nothing more (no address, no parents' ids; 村/社区 only to send a case to the right village).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

import polars as pl

from eduplan.facts import Column, Table

SEXES = ("男", "女")
# 学籍状态 of the national student register (全国中小学生学籍信息管理系统).
STATUSES = ("在读", "休学", "转出", "毕业", "退学", "辍学", "死亡")
LEFT = ("休学", "退学", "辍学")  # in the register but not in school
# Documented special situations (一人一案): each takes a child off the suspected list.
SITUATIONS = (
    "随班就读", "送教上门", "特教学校就读", "暂缓入学", "外出就读", "因病休学", "死亡", "出国（境）", "户籍迁出",
)  # fmt: skip
NEEDY_KINDS = ("脱贫户", "防返贫监测户", "低保", "特困供养", "孤儿", "事实无人抚养", "残疾")

_BIRTH_HELP = "YYYY-MM-DD，如 2015-09-01"
NAME = Column("name", "姓名", "str", required=True)
SEX = Column("sex", "性别", "str", required=True, choices=SEXES)
BIRTH = Column("birth", "出生日期", "str", required=True, help=_BIRTH_HELP)
ID_NUMBER = Column("id_number", "身份证号", "str", help="18 位或 15 位；可空")
PERSON = Column("person_no", "人员编号", "str", required=True, help="户籍登记系统的人员编号")
STUDENT = Column("student_no", "学籍号", "str", required=True, help="全国学籍号")
TOWNSHIP = Column("township", "乡镇代码", "str", required=True, help="9 位乡镇（街道）区划代码")
YEAR = Column("year", "学年", "int", required=True, min=2000, max=2100, help="学年起始年份")

HOUSEHOLD = Table(
    "household",
    "户籍适龄儿童",
    ("person_no",),
    (PERSON, NAME, SEX, BIRTH, ID_NUMBER, TOWNSHIP, Column("village", "村社区", "str")),
    help="公安户籍（或常住人口）登记的儿童少年",
)
ENROLMENT = Table(
    "enrolment",
    "学籍",
    ("student_no",),
    (
        STUDENT, NAME, SEX, BIRTH, ID_NUMBER,
        Column("school", "学校标识码", "str", required=True, help="10 位；县外学校也可"),
        Column("grade", "年级", "str"),
        Column("status", "学籍状态", "str", required=True, choices=STATUSES),
    ),
)  # fmt: skip
SITUATION = Table(
    "situation",
    "特殊情况",
    ("person_no", "kind"),
    (
        PERSON,
        Column("kind", "类别", "str", required=True, choices=SITUATIONS),
        Column(
            "evidence", "原因或证明材料", "str", required=True, help="如 医院诊断证明、就读学校出具的在读证明"
        ),
        Column("since", "起始日期", "str", help=_BIRTH_HELP),
        Column("until", "截止日期", "str", help="空表示长期有效"),
    ),
)
NEEDY = Table(
    "needy",
    "困难家庭学生名单",
    ("year", "kind", "person_no"),
    (YEAR, Column("kind", "困难类别", "str", required=True, choices=NEEDY_KINDS), PERSON, NAME, SEX, BIRTH,
     ID_NUMBER, TOWNSHIP),
)  # fmt: skip
AID = Table(
    "aid",
    "资助发放记录",
    ("student_no", "year", "item"),
    (
        STUDENT, YEAR,
        Column("item", "资助项目", "str", required=True, help="如 义务教育家庭经济困难学生生活补助"),
        Column("amount", "金额（元）", "float", min=0, max=100_000),
        Column("paid_on", "发放日期", "str", help=_BIRTH_HELP),
    ),
)  # fmt: skip
REGISTERS: dict[str, Table] = {t.name: t for t in (HOUSEHOLD, ENROLMENT, SITUATION, NEEDY, AID)}

# The columns the matcher compares, as `prepare` makes them.
MATCH_COLUMNS = (
    "unique_id", "name", "name_py", "birth", "birth_key", "birth_year", "id_birth", "sex", "township", "id_key",
)  # fmt: skip


def _keep(char: str) -> bool:
    return unicodedata.category(char)[0] == "L"  # letters: Han characters and Latin letters


@cache
def _converter() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _simplified(char: str) -> str:
    return str(_converter().convert(char))


@cache
def _pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(char)[0].lower()


def _per_character(names: pl.Series, convert: dict[str, str], sep: str) -> pl.Series:
    return names.str.split("").list.eval(pl.element().replace(convert)).list.join(sep)


def normalise_names(names: pl.Series) -> pl.DataFrame:
    """Names as compared: NFKC, Traditional to Simplified, only letters kept (no spaces, ·, digits); and
    their toneless pinyin, syllables joined by spaces (章 and 张 both zhang, 欣 and 心 both xin).

    Work is per distinct character, so a million names take seconds."""
    nfkc = names.map_elements(lambda s: unicodedata.normalize("NFKC", s), return_dtype=pl.String)
    chars = nfkc.str.split("").explode().drop_nulls().unique().to_list()
    simple = {c: (_simplified(c) if _keep(c) else "") for c in chars}
    name = _per_character(nfkc, simple, "")
    kept = name.str.split("").explode().drop_nulls().unique().to_list()
    spoken = _per_character(name, {c: _pinyin(c) for c in kept if c}, " ")
    return pl.DataFrame({"name": name.replace("", None), "name_py": spoken.replace("", None)})


def prepare(frame: pl.DataFrame, unique_id: str, id_key: str, id_birth: str | None = None) -> pl.DataFrame:
    """A register (name, sex, birth as YYYY-MM-DD, township, and an id key: the 18-digit id or its keyed hash,
    null when unusable) in the matcher's columns. `id_birth` is the birth date the id carries (read from an
    18-digit `id_key` when not given). `birth_key` is the date with month and day in sorted order, so a date
    and its day/month swap fall in one block."""
    if id_birth is None:
        digits = pl.col(id_key).cast(pl.String)
        frame = frame.with_columns(
            pl.when(digits.str.contains(r"^\d{17}[0-9X]$"))
            .then(digits.str.slice(6, 4) + "-" + digits.str.slice(10, 2) + "-" + digits.str.slice(12, 2))
            .alias("_id_birth")
        )
        id_birth = "_id_birth"
    names = normalise_names(frame["name"].cast(pl.String))
    birth = pl.col("birth").cast(pl.String)
    month, day = birth.str.slice(5, 2), birth.str.slice(8, 2)
    return (
        frame.select(
            pl.col(unique_id).cast(pl.String).alias("unique_id"),
            birth.alias("birth"),
            pl.col("sex").cast(pl.String),
            pl.col("township").cast(pl.String),
            pl.col(id_key).cast(pl.String).alias("id_key"),
            pl.col(id_birth).cast(pl.String).alias("id_birth"),
        )
        .with_columns(names)
        .with_columns(
            birth_key=birth.str.slice(0, 5)
            + pl.min_horizontal(month, day)
            + "-"
            + pl.max_horizontal(month, day),
            birth_year=birth.str.slice(0, 4),
        )
        .select(MATCH_COLUMNS)
    )
