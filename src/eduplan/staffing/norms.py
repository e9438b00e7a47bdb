"""编制 and subject demand: the staffing norms of data/norms.yaml applied to a county's schools.

- `establishment`: 教职工编制 due per school (中央编办发〔2014〕72号 ratios; small rural schools by 班师比 too;
  boarders; special schools; kindergartens by 教师〔2013〕1号) against 教职工 in post.
- `subject_demand`: 专任教师 posts per school, stage and subject = Σ grades weekly periods × classes ÷ the
  standard weekly load of a teacher of that subject (义务教育课程方案（2022年版）and the province's loads).

A province's file (data/provinces/<省代码>.yaml, or $EDUPLAN_STAFFING_DIR/<省代码>.yaml) overrides any value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import polars as pl

from eduplan.errors import ConfigError
from eduplan.standards.loader import province_file, read_yaml

COMPULSORY = ("primary", "junior")
FIRST_GRADE = {"primary": 1, "junior": 7}  # the curriculum numbers grades 1-9 through both stages
SHARED = "shared"
WHAT = "编制标准文件"  # the pool of subjects taught by teachers of any subject (劳动, 综合实践, 地方与校本)


@dataclass(frozen=True)
class Norms:
    ratio: dict[str, float]  # stage -> pupils per member of staff (教职工)
    preschool_children_per_staff: float
    preschool_teachers_per_class: float
    small_max_pupils: int
    small_locales: tuple[str, ...]
    small_method: str  # mean | max
    small_staff_per_class: dict[str, float]
    boarders_per_staff: float
    special_children_per_staff: float
    periods: dict[str, tuple[int, ...]]  # curriculum subject -> weekly periods of grades 1-9
    pools: dict[str, str]  # teacher subject or curriculum subject -> demand pool
    loads: dict[str, dict[str, float]]  # stage -> pool -> weekly periods of one full-time teacher
    homeroom_posts: float  # posts per class for its 班主任, shared evenly by `homeroom_pools`
    homeroom_pools: tuple[str, ...]
    sources: dict[str, str]
    province_file: str | None = None

    def pool(self, subject: str) -> str:
        return self.pools.get(subject, subject)

    def load(self, stage: str, pool: str) -> float:
        loads = self.loads[stage]
        return loads.get(pool, loads["default"])


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` laid over a copy of `base`, mappings key by key (a province may set any value, up or down)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


@cache
def load_norms(province: str = "") -> Norms:
    """The norms as they apply in `province` (two-digit code; "" for the national file with its defaults)."""
    raw = read_yaml(resources.files(__package__).joinpath("data", "norms.yaml"), WHAT)
    path = province_file(province, __package__, "EDUPLAN_STAFFING_DIR") if province else None
    if path is not None:
        raw = merged(raw, read_yaml(path, WHAT))
    where = path.name if path else "norms.yaml"
    try:
        norms = _build(raw, str(path) if path else None)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"编制标准文件 {where} 格式错误：缺少或错误的项 {exc}", english=f"bad {where}: {exc}"
        ) from exc
    check_curriculum(raw["curriculum"], where)
    return norms


def _build(raw: dict[str, Any], path: str | None) -> Norms:
    e, c = raw["establishment"], raw["curriculum"]
    small = e["small_school"]
    loads = {stage: {k: float(v) for k, v in raw["teaching_load"][stage].items()} for stage in COMPULSORY}
    return Norms(
        ratio={k: float(v) for k, v in e["ratio"].items() if k != "source"},
        preschool_children_per_staff=float(e["preschool"]["children_per_staff"]),
        preschool_teachers_per_class=float(e["preschool"]["teachers_per_class"]),
        small_max_pupils=int(small["max_pupils"]),
        small_locales=tuple(small["locales"]),
        small_method=str(small["method"]),
        small_staff_per_class={k: float(v) for k, v in small["staff_per_class"].items()},
        boarders_per_staff=float(e["boarding"]["boarders_per_staff"]),
        special_children_per_staff=float(e["special"]["children_per_staff"]),
        periods={s: tuple(int(p) for p in v) for s, v in c["periods"].items()},
        pools={str(k): str(v) for k, v in raw.get("pools", {}).items()},
        loads=loads,
        homeroom_posts=float(raw["homeroom"]["posts_per_class"]),
        homeroom_pools=tuple(raw["homeroom"]["pools"]),
        sources={
            "ratio": e["ratio"]["source"],
            "preschool": e["preschool"]["source"],
            "small_school": small["source"],
            "boarding": e["boarding"]["source"],
            "special": e["special"]["source"],
            "curriculum": c["source"],
            "teaching_load": raw["teaching_load"]["source"],
            "homeroom": raw["homeroom"]["source"],
        },
        province_file=path,
    )


def check_curriculum(c: dict[str, Any], where: str) -> None:
    """Each grade's periods add up to its weekly total, and each subject group's nine-year share lies within
    the national plan's range (义务教育课程方案（2022年版）)."""
    periods: dict[str, list[int]] = c["periods"]
    weeks, totals = c["weeks"], c["weekly_total"]
    for g, total in enumerate(totals):
        given = sum(p[g] for p in periods.values())
        if given != total:
            raise ConfigError(
                f"{where}：{g + 1} 年级各科周课时合计 {given}，应为 {total}",
                english=f"grade {g + 1}: {given} != {total}",
            )
    whole = sum(t * w for t, w in zip(totals, weeks, strict=True))
    for group in c["shares"]:
        hours = sum(periods[s][g] * weeks[g] for s in group["subjects"] for g in range(len(weeks)))
        low, high = group["range"]
        if not low - 1e-9 <= hours / whole <= high + 1e-9:
            raise ConfigError(
                f"{where}：{'、'.join(group['subjects'])} 九年课时占 {hours / whole:.2%}，不在国家课程方案的 "
                f"{low:.0%}–{high:.0%} 之内",
                english=f"share of {group['subjects']} {hours / whole:.4f} outside [{low}, {high}]",
            )


# ---------------------------------------------------------------------------------------------- demand


def curriculum_frame(norms: Norms) -> pl.DataFrame:
    """stage, grade, pool, periods: weekly periods of each demand pool in each grade of the compulsory stages."""
    rows = []
    for stage, first in FIRST_GRADE.items():
        grades = 6 if stage == "primary" else 3
        for subject, by_grade in norms.periods.items():
            for grade in range(1, grades + 1):
                periods = by_grade[first + grade - 2]
                if periods:
                    rows.append((stage, grade, norms.pool(subject), periods))
    frame = pl.DataFrame(
        rows,
        schema={"stage": pl.String, "grade": pl.Int64, "pool": pl.String, "periods": pl.Int64},
        orient="row",
    )
    return frame.group_by("stage", "grade", "pool").agg(pl.col("periods").sum())


def load_frame(norms: Norms, pools: list[str]) -> pl.DataFrame:
    rows = [(stage, pool, norms.load(stage, pool)) for stage in COMPULSORY for pool in pools]
    return pl.DataFrame(
        rows, schema={"stage": pl.String, "pool": pl.String, "load": pl.Float64}, orient="row"
    )


def subject_demand(classes: pl.DataFrame, norms: Norms) -> pl.DataFrame:
    """school, stage, pool, periods, load, homeroom, required: posts needed from classes (school, stage, grade,
    classes).

    required = Σ_grades periods(pool, grade) × classes(grade) ÷ load(stage, pool), plus for the homeroom pools
    their share of the 班主任 posts (classes × 0.5 ÷ 2 each). E.g. a primary school with one class in each of
    grades 1-6 needs (4+4+3+3+3+3) ÷ 16 = 20/16 = 1.25 PE posts.
    """
    compulsory = classes.filter(pl.col("stage").is_in(COMPULSORY)).with_columns(
        pl.col("classes").fill_null(0)
    )
    curriculum = curriculum_frame(norms)
    demand = (
        compulsory.join(curriculum, on=["stage", "grade"])
        .group_by("school", "stage", "pool")
        .agg((pl.col("periods") * pl.col("classes")).sum().alias("periods"))
    )
    share = norms.homeroom_posts / len(norms.homeroom_pools)
    homeroom = (
        compulsory.group_by("school", "stage")
        .agg((pl.col("classes").sum() * share).alias("homeroom"))
        .join(pl.DataFrame({"pool": list(norms.homeroom_pools)}), how="cross")
    )
    loads = load_frame(norms, curriculum["pool"].unique().to_list())
    return (
        demand.join(loads, on=["stage", "pool"])
        .join(homeroom, on=["school", "stage", "pool"], how="left")
        .with_columns(pl.col("homeroom").fill_null(0.0))
        .with_columns((pl.col("periods") / pl.col("load") + pl.col("homeroom")).alias("required"))
        .sort("school", "stage", "pool")
    )


# ---------------------------------------------------------------------------------------------- 编制


ESTABLISHMENT_SCHEMA = {
    "school": pl.String,
    "stage": pl.String,
    "pupils": pl.Int64,
    "classes": pl.Int64,
    "boarders": pl.Int64,
    "by_ratio": pl.Float64,
    "by_class": pl.Float64,
    "boarding": pl.Float64,
    "due": pl.Float64,
    "basis": pl.String,
}


def establishment(stages: pl.DataFrame, norms: Norms) -> pl.DataFrame:
    """One row per school and stage with its 编制 due (教职工) and how it was reached.

    `stages`: school, stage, locale, pupils, classes, boarders, school_pupils (the school's compulsory pupils,
    for the small-school rule). Stages no national or provincial norm covers (中职) get a null `due`.
    """
    rows = [_stage_due(r, norms) for r in stages.iter_rows(named=True)]
    return pl.DataFrame(rows, schema=ESTABLISHMENT_SCHEMA, orient="row")


def _stage_due(r: dict[str, Any], norms: Norms) -> tuple[Any, ...]:
    stage, pupils, classes = r["stage"], r["pupils"] or 0, r["classes"] or 0
    boarders = r["boarders"] or 0
    by_class = None
    if stage == "preschool":
        by_ratio, text = (
            pupils / norms.preschool_children_per_staff,
            f"幼儿 {pupils} ÷ {norms.preschool_children_per_staff:g}",
        )
    elif stage == "special":
        by_ratio, text = (
            pupils / norms.special_children_per_staff,
            f"学生 {pupils} ÷ {norms.special_children_per_staff:g}",
        )
    elif stage in norms.ratio:
        by_ratio, text = pupils / norms.ratio[stage], f"学生 {pupils} ÷ {norms.ratio[stage]:g}"
    else:
        return (r["school"], stage, pupils, classes, boarders, None, None, None, None, "无编制标准")
    text += f" = {by_ratio:.2f}"
    due = by_ratio
    if _small(r, norms):
        by_class = classes * norms.small_staff_per_class[stage]
        text += f"；小规模学校班师比 {classes} 班 × {norms.small_staff_per_class[stage]:g} = {by_class:.2f}"
        due = (by_ratio + by_class) / 2 if norms.small_method == "mean" else max(by_ratio, by_class)
        text += "，两者平均" if norms.small_method == "mean" else "，两者取大"
    extra = boarders / norms.boarders_per_staff if boarders else 0.0
    if extra:
        text += f"；寄宿生 {boarders} ÷ {norms.boarders_per_staff:g} = {extra:.2f}"
    if stage == "preschool":  # 教师〔2013〕1号: two 专任教师 a class, within the staff due
        text += f"；其中专任教师每班 {norms.preschool_teachers_per_class:g} 名，应有 {classes * norms.preschool_teachers_per_class:g} 名"
    return (r["school"], stage, pupils, classes, boarders, by_ratio, by_class, extra, due + extra, text)


def _small(r: dict[str, Any], norms: Norms) -> bool:
    return (
        r["stage"] in norms.small_staff_per_class
        and r["locale"] in norms.small_locales
        and (r["school_pupils"] or 0) <= norms.small_max_pupils
    )
