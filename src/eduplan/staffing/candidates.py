"""From a county's facts and the rules to a rotation problem: who may move, where to, and at what cost.

A *cell* is the posts of one subject pool in one stage of one school (required, in post, weight). A teacher
is a candidate when the rules make them eligible (years at the school, 在编, age, appraisal, not protected);
each candidate may move to a cell of their subject in a school of the other tier (城镇/优质 ↔ 乡村/薄弱),
within the distance limit, whose stage their certificate covers. A lock forces one teacher to one school.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.staffing.norms import COMPULSORY, Norms
from eduplan.staffing.posts import TOTAL, county_schools, norms_for, subject_table
from eduplan.staffing.rules import Rules

STAGE_LEVEL = {"primary": 1, "junior": 2, "senior": 3}  # 《教师资格条例》第五条：本级及其以下等级
EARTH_KM = 6371.0


@dataclass(frozen=True)
class Instance:
    """The problem in arrays, as the solver, the baseline and the brute force read it."""

    cell_school: np.ndarray  # cell -> school index
    required: np.ndarray  # cell -> posts due
    in_post: np.ndarray  # cell -> teachers in post
    weight: np.ndarray  # cell -> weight of one post of shortage
    home: np.ndarray  # candidate -> cell
    backbone: np.ndarray  # candidate -> bool
    counted: np.ndarray  # candidate -> counts toward the quota
    arc_teacher: np.ndarray  # arc -> candidate
    arc_cell: np.ndarray  # arc -> destination cell
    arc_cost: np.ndarray  # arc -> travel cost in weight units
    inflow_cap: np.ndarray  # school -> most teachers it may gain, net (inf: no limit)
    outflow_cap: np.ndarray  # school -> most teachers it may send (inf: no limit)
    quota: int
    backbone_share: float
    locked: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # arcs that must be used

    @property
    def schools(self) -> int:
        return len(self.inflow_cap)

    @property
    def cells(self) -> int:
        return len(self.required)

    @property
    def candidates(self) -> int:
        return len(self.home)


@dataclass(frozen=True)
class Problem:
    """An instance with what the people reading the plan need: names, years, reasons, kilometres."""

    instance: Instance
    schools: pl.DataFrame  # in index order: code, name, locale, tier, …
    cells: pl.DataFrame  # in index order: school, stage, pool, required, in_post, school_index, weight
    candidates: (
        pl.DataFrame
    )  # in index order: teacher, school, stage, subject, backbone, years, principal, locked
    arc_km: np.ndarray
    eligible: int  # teachers the rules make eligible
    quota_base: int  # eligible teachers the quota counts (all of them, or those of 城镇/优质 schools)
    excluded: dict[str, int]  # reason -> teachers the rules leave out
    unrecorded: list[str]  # schools without teacher records: not in the plan
    roster_year: int
    year: int
    unit: str
    rules: Rules


def haversine(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle kilometres between points (broadcasting)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def tier_expr(rules: Rules) -> pl.Expr:
    """strong (城镇学校、优质学校: they send) or weak (乡村学校、薄弱学校: they receive)."""
    code = pl.col("code")
    strong = (
        pl.col("locale").is_in(["urban", "town"]) | code.is_in(list(rules.strong_schools))
    ) & ~code.is_in(list(rules.weak_schools))
    return pl.when(strong).then(pl.lit("strong")).otherwise(pl.lit("weak")).alias("tier")


def roster_year(facts: Facts, codes: list[str], year: int) -> int:
    """The latest year up to `year` with teacher records in these schools."""
    years = facts.teachers.filter(pl.col("school").is_in(codes) & (pl.col("year") <= year))["year"]
    if years.is_empty():
        raise DataError(
            f"{year} 学年及以前没有专任教师名册：交流方案要用名册（只有汇总表时仍可计算编制与学科缺口）",
            english=f"no teacher records up to {year}",
        )
    return int(years.max())  # type: ignore[arg-type]


def build(
    facts: Facts, unit: str, year: int, rules: Rules | None = None, locks: Iterable[tuple[str, str]] = (),
    exclude: Iterable[str] = (), norms: Norms | None = None,
) -> Problem:  # fmt: skip
    """The rotation problem of `unit` in `year`: the latest roster up to `year` against the posts of `year`."""
    rules = rules or Rules()
    norms = norms or norms_for(unit)
    codes = county_schools(facts, unit, year)["code"].to_list()
    ry = roster_year(facts, codes, year)
    people = facts.teachers.filter(
        (pl.col("year") == ry) & pl.col("school").is_in(codes) & pl.col("stage").is_in(COMPULSORY)
    )
    # The roster (perhaps last year's) stands for the teachers in post in the plan year.
    planned = replace(facts, teachers=people.with_columns(pl.lit(year, pl.Int64).alias("year")))
    table = subject_table(planned, unit, year, norms)
    recorded = sorted(set(people["school"].to_list()))
    schools = facts.schools.filter(pl.col("code").is_in(recorded)).sort("code").with_columns(tier_expr(rules))
    cells = _cells(table, schools, rules)
    people = _eligibility(people, year, rules, set(exclude)).with_columns(
        pl.col("subject").replace_strict(norms.pools, default=pl.col("subject")).alias("pool"),
        pl.col("cert_subject").replace_strict(norms.pools, default=pl.col("cert_subject")).alias("cert_pool"),
    )
    return _assemble(
        facts,
        schools,
        cells,
        people,
        rules,
        list(locks),
        (unit, year, ry),
        sorted(set(codes) - set(recorded)),
    )


def _cells(table: pl.DataFrame, schools: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    index = schools.select(
        pl.col("code").alias("school"), pl.int_range(pl.len()).alias("school_index"), "locale"
    )
    cells = table.filter((pl.col("source") == "records") & (pl.col("subject") != TOTAL)).select(
        "school", "stage", pl.col("subject").alias("pool"), "required", "in_post"
    )
    cells = cells.join(index, on="school").sort("school_index", "stage", "pool")
    weight = [
        rules.subject_weight(p) * rules.locale_weight(loc)
        for p, loc in cells.select("pool", "locale").iter_rows()
    ]
    return cells.with_columns(pl.Series("weight", weight, pl.Float64)).drop("locale")


def _eligibility(people: pl.DataFrame, year: int, rules: Rules, exclude: set[str]) -> pl.DataFrame:
    """The roster with `years` at the school and `why_not`: null for an eligible teacher, else the first rule
    that leaves them out."""
    years = year - pl.col("joined_year")
    principal = pl.col("principal").fill_null(False)
    needed = pl.when(principal).then(rules.principal_terms * rules.term_years).otherwise(rules.min_years)
    age = year - pl.col("birth_year")
    checks = [
        (pl.col("teacher").is_in(sorted(exclude)), "人工排除"),
        (pl.col("teacher").is_in(list(rules.protected)), "经认定不宜交流"),
        (pl.lit(rules.only_established) & ~pl.col("established").fill_null(False), "非在编"),
        (pl.col("joined_year").is_null() | (years < needed), "任教年限未满"),
        (age.fill_null(0) >= rules.retirement_age - rules.years_before_retirement, "临近退休"),
        (pl.col("appraisal").is_in(list(rules.excluded_appraisals)), "年度考核等次"),
    ]
    why: Any = pl.when(checks[0][0]).then(pl.lit(checks[0][1]))
    for test, reason in checks[1:]:
        why = why.when(test).then(pl.lit(reason))
    return people.with_columns(years.alias("years"), why.otherwise(pl.lit(None, pl.String)).alias("why_not"))


def _assemble(
    facts: Facts, schools: pl.DataFrame, cells: pl.DataFrame, people: pl.DataFrame, rules: Rules,
    locks: list[tuple[str, str]], when: tuple[str, int, int], unrecorded: list[str],
) -> Problem:  # fmt: skip
    cell_of = {key: i for i, key in enumerate(cells.select("school", "stage", "pool").iter_rows())}
    locked = _locks(people, locks, cell_of)
    # Within a group of alike candidates the solver's moves go to the longest-serving first.
    eligible = people.filter(pl.col("why_not").is_null()).sort(
        "school", "stage", "pool", "years", "teacher", descending=[False, False, False, True, False]
    )
    movers = pl.concat([
        eligible.filter(~pl.col("teacher").is_in(list(locked))),
        people.filter(pl.col("teacher").is_in(list(locked))),
    ]).with_columns(pl.col("teacher").is_in(list(locked)).alias("locked"))  # fmt: skip
    home = np.array([cell_of[k] for k in movers.select("school", "stage", "pool").iter_rows()], np.int64)
    strong = schools["tier"].to_numpy()[cells["school_index"].to_numpy()[home]] == "strong"
    counted = np.ones(len(home), bool) if rules.quota_scope == "all" else strong
    base = (
        eligible.height if rules.quota_scope == "all" else int(np.sum(strong & ~movers["locked"].to_numpy()))
    )
    teacher, cell, km, fixed = _arcs(facts, schools, cells, movers, home, rules, locked)
    present = np.bincount(cells["school_index"], cells["in_post"].cast(pl.Float64), len(schools))
    posts = np.bincount(cells["school_index"], cells["required"], len(schools))
    instance = Instance(
        cell_school=cells["school_index"].to_numpy(), required=cells["required"].to_numpy(),
        in_post=cells["in_post"].to_numpy().astype(float), weight=cells["weight"].to_numpy(), home=home,
        backbone=movers["backbone"].is_not_null().to_numpy(), counted=counted, arc_teacher=teacher, arc_cell=cell,
        arc_cost=km * rules.travel_per_km + rules.move_cost,
        inflow_cap=np.maximum(0.0, np.ceil(posts - 1e-9) - present) if rules.capacity else np.full(len(present), np.inf),
        outflow_cap=np.floor(rules.max_out_share * present + 1e-9), quota=math.ceil(rules.quota_rate * base - 1e-9),
        backbone_share=rules.backbone_share, locked=fixed,
    )  # fmt: skip
    excluded = dict(
        people.filter(pl.col("why_not").is_not_null()).group_by("why_not").len().sort("why_not").iter_rows()
    )
    candidates = movers.select(
        "teacher", "school", "stage", "subject", "backbone", "years", "principal", "locked", "qualification"
    )
    unit, year, ry = when
    return Problem(
        instance,
        schools,
        cells,
        candidates,
        km,
        eligible.height,
        base,
        excluded,
        unrecorded,
        ry,
        year,
        unit,
        rules,
    )


def _locks(
    people: pl.DataFrame, locks: list[tuple[str, str]], cell_of: dict[tuple[str, str, str], int]
) -> dict[str, int]:
    """teacher -> the cell a lock sends them to; a lock naming an unknown teacher or a school without the
    teacher's subject is refused with the reason."""
    by_id = {r["teacher"]: r for r in people.iter_rows(named=True)}
    out: dict[str, int] = {}
    for teacher, school in locks:
        person = by_id.get(teacher)
        if person is None:
            raise DataError(
                f"锁定的教师 {teacher} 不在该县当年的名册中", english=f"locked teacher {teacher} unknown"
            )
        if school == person["school"]:
            raise DataError(
                f"锁定的去向 {school} 就是教师 {teacher} 现在的学校", english=f"lock {teacher} to own school"
            )
        stages = [person["stage"], *(s for s in COMPULSORY if s != person["stage"])]
        found = [
            cell_of[(school, s, person["pool"])] for s in stages if (school, s, person["pool"]) in cell_of
        ]
        if not found:
            raise DataError(
                f"锁定的去向 {school} 没有教师 {teacher} 所教学科的岗位（或不是本县有名册的义务教育学校）",
                english=f"lock {teacher} -> {school}: no such post",
            )
        out[teacher] = found[0]
    return out


def _origins(facts: Facts, schools: pl.DataFrame, movers: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where each mover travels from: the centre of their home township's schools when given, else their school."""
    centre = facts.schools.group_by("township").agg(pl.col("longitude").mean(), pl.col("latitude").mean())
    at_school = schools.select(
        pl.col("code").alias("school"), pl.col("longitude").alias("lon"), pl.col("latitude").alias("lat")
    )
    frame = (
        movers.select("school", "home_township")
        .with_row_index("i")
        .join(at_school, on="school", how="left")
        .join(centre, left_on="home_township", right_on="township", how="left")
        .sort("i")
    )
    lon = frame.select(pl.coalesce("longitude", "lon")).to_series().to_numpy().astype(float)
    lat = frame.select(pl.coalesce("latitude", "lat")).to_series().to_numpy().astype(float)
    return lon, lat


def _arcs(
    facts: Facts, schools: pl.DataFrame, cells: pl.DataFrame, movers: pl.DataFrame, home: np.ndarray, rules: Rules,
    locked: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """(mover, cell, km) of every move the rules allow, and the indices of the locked ones."""
    lon, lat = _origins(facts, schools, movers)
    km = haversine(
        lon[:, None],
        lat[:, None],
        schools["longitude"].to_numpy()[None, :],
        schools["latitude"].to_numpy()[None, :],
    )
    km = np.nan_to_num(km, nan=0.0)  # a school without coordinates: distance unknown, no limit applied
    strong = schools["tier"].to_numpy() == "strong"
    cell_school = cells["school_index"].to_numpy()
    posts = cells.with_row_index("i").group_by("stage", "pool").agg(pl.col("i"))
    by_post = {(stage, pool): np.array(i, np.int64) for stage, pool, i in posts.iter_rows()}
    out_t, out_c, fixed, count = [], [], [], 0
    for m, r in enumerate(movers.iter_rows(named=True)):
        if r["teacher"] in locked:
            cand = np.array([locked[r["teacher"]]], np.int64)
            fixed.append(count)
        else:
            mine = cell_school[home[m]]
            allowed = (strong != strong[mine]) & (km[m] <= rules.max_km) & (strong[mine] | rules.allow_up)
            found = [by_post.get((s, r["pool"]), np.zeros(0, np.int64)) for s in _stages(r, rules)]
            cand = np.concatenate(found) if found else np.zeros(0, np.int64)
            cand = cand[allowed[cell_school[cand]]]
        out_t.append(np.full(len(cand), m, np.int64))
        out_c.append(cand)
        count += len(cand)
    teacher = np.concatenate(out_t) if out_t else np.zeros(0, np.int64)
    cell = np.concatenate(out_c) if out_c else np.zeros(0, np.int64)
    return teacher, cell, km[teacher, cell_school[cell]], np.array(fixed, np.int64)


def _stages(r: dict[str, object], rules: Rules) -> list[str]:
    """The stages a mover may teach at their destination: those their certificate covers, in their subject."""
    if not rules.require_certificate:
        return [str(r["stage"])]
    if r["cert_stage"] is None or r["cert_pool"] != r["pool"]:
        return []
    level = STAGE_LEVEL.get(str(r["cert_stage"]), 0)
    return [s for s in COMPULSORY if STAGE_LEVEL[s] <= level]
