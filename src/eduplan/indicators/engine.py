"""Compute every catalogue indicator for every org unit and year, from sums of numerators and denominators.

How: each distinct formula term (a fact column under filters) becomes one column of a wide frame per school and
year, summed once; the wide frame is summed up the hierarchy (school → township → county → city → province),
population terms join at the township; each indicator is then numerator ÷ denominator on each level's frame.
A ratio at any level is therefore a ratio of sums, never an average of school ratios. Every term carries a count
of the null inputs it met, so a missing input yields a null value with a reason instead of a silent 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from eduplan.facts import SCHOOL_TYPES, Facts
from eduplan.indicators.catalogue import LEVEL_ORDER, Indicator, load_catalogue
from eduplan.indicators.formula import (
    GRADE_COLUMNS,
    HEALTH_COLUMNS,
    STAGE_COLUMNS,
    Term,
    parse_side,
)
from eduplan.indicators.split import NOT_SPLIT, shares

OUTPUT_SCHEMA = {
    "code": pl.String,
    "unit": pl.String,
    "level": pl.String,
    "year": pl.Int64,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "reason": pl.String,
}
AREA_LEVELS = ("township", "county", "city", "province")
# Polars' in-memory engine: on these frames its group-bys cost less CPU than the streaming engine "auto" picks
# (measured), and the streaming engine of Polars 2.1 panics on pl.format over a filtered frame.
ENGINE: Final = "in-memory"
MISS = "__miss"
# Below this, a school counts as a 乡村小规模学校 (国办发〔2018〕27号: 不足100人).
SMALL_SCHOOL_PUPILS = 100
# 45岁以下 includes 45 ("以下"包括本数).
PRINCIPAL_AGE_LIMIT = 45


# ─── terms ──────────────────────────────────────────────────────────────────────────────────────────────────


def sides(ind: Indicator) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """The numerator and denominator terms of a computed indicator."""
    num = parse_side(ind.numerator, ind.where, ind.code)
    den = parse_side(ind.denominator, ind.where, ind.code) if ind.denominator else ()
    return num, den


def _grade_column(term: Term) -> str:
    """The stage-frame column a grade_year term reads: the stage total, or a per-grade subtotal."""
    grades = term.filter("grade")
    return f"{term.column}|grade={','.join(grades)}" if grades else term.column


def _mask(term: Term, masks: dict[tuple[tuple[str, tuple[str, ...]], ...], str]) -> pl.Expr:
    """The term's row filter (grade excluded: grades are pre-summed) as a column computed once per filter set."""
    filters = tuple((k, v) for k, v in term.filters if k != "grade")
    name = masks.setdefault(filters, f"__mask{len(masks)}")
    return pl.col(name)


def _mask_columns(masks: dict[tuple[tuple[str, tuple[str, ...]], ...], str]) -> list[pl.Expr]:
    return [Term("", filters).predicate().fill_null(False).alias(name) for filters, name in masks.items()]


# ─── integer keys ───────────────────────────────────────────────────────────────────────────────────────────

SCHOOL_TABLES = ("school_year", "stage_year", "grade_year", "health_year", "memberships")


@dataclass(frozen=True)
class Coded:
    """The school tables keyed by one Int64 `k` = school id × span + (year − first) instead of (code, year).

    Joins and group-bys on one integer run several times faster than on a 10-character code plus a year, and
    every table is encoded once here rather than hashed again at each of the dozen joins below.
    """

    schools: pl.DataFrame  # (sid, school, township, school_type, ownership, locale, boarding)
    first: int
    span: int
    tables: dict[str, pl.DataFrame]

    def sid(self) -> pl.Expr:
        return (pl.col("k") // self.span).alias("sid")

    def decode(self, frame: pl.DataFrame) -> pl.DataFrame:
        """(school, year, …) back from (k, sid, …)."""
        year = (pl.col("k") % self.span + self.first).cast(pl.Int64).alias("year")
        codes = self.schools.select("sid", "school")
        out = frame.join(codes, on="sid", how="left", maintain_order="left").with_columns(year)
        return out.select("school", "year", pl.exclude("school", "year", "k", "sid"))


def _years(facts: Facts) -> tuple[int, int]:
    lows, highs = [], []
    for name in SCHOOL_TABLES:
        year = getattr(facts, name)["year"]
        if year.len() > year.null_count():
            lows.append(int(year.min()))  # type: ignore[arg-type]
            highs.append(int(year.max()))  # type: ignore[arg-type]
    return (min(lows), max(highs) - min(lows) + 1) if lows else (0, 1)


def _encode(facts: Facts, ids: pl.DataFrame, first: int, span: int) -> dict[str, pl.DataFrame] | None:
    """Each school table with `k` in place of (school, year); None when a table names a school not in `ids`."""
    out = {}
    for name in SCHOOL_TABLES:
        table = getattr(facts, name)
        coded = table.join(ids, on="school", how="left", maintain_order="left")
        if coded["sid"].null_count() > table["school"].null_count():
            return None
        key = pl.col("sid") * span + (pl.col("year") - first)
        out[name] = coded.with_columns(key.alias("k")).drop("school", "year", "sid")
    return out


def encode(facts: Facts) -> Coded:
    first, span = _years(facts)
    attrs = facts.schools.select(
        pl.col("code").alias("school"), "township", "school_type", "ownership", "locale", "boarding"
    )
    schools = attrs.filter(pl.col("school").is_not_null()).unique("school", keep="first", maintain_order=True)
    schools = schools.with_row_index("sid").with_columns(pl.col("sid").cast(pl.Int64))
    tables = _encode(facts, schools.select("school", "sid"), first, span)
    if tables is None:  # a fact row of a school missing from the schools table: still counted, as before
        every = pl.concat([getattr(facts, n)["school"] for n in SCHOOL_TABLES]).drop_nulls().unique()
        extra = pl.DataFrame({"school": every}).join(schools, on="school", how="anti").sort("school")
        extra = extra.with_columns((pl.int_range(pl.len()) + schools.height).cast(pl.Int64).alias("sid"))
        schools = pl.concat([schools, extra], how="diagonal")
        tables = _encode(facts, schools.select("school", "sid"), first, span)
        assert tables is not None
    return Coded(schools, first, span, tables)


# ─── the school frame ───────────────────────────────────────────────────────────────────────────────────────


def _attrs(facts: Facts, coded: Coded) -> pl.DataFrame:
    """(sid, township, school_type, ownership, locale, boarding) of every coded school."""
    return coded.schools.drop("school")


def _grade_sums(coded: Coded, terms: Sequence[Term]) -> pl.DataFrame:
    """Per (k, stage): pupils, and each grade_year term column summed over grades with its miss count.

    grade_year is the largest table: it is grouped once, and everything else works on this smaller frame.
    Each filtered column is made whole-column first so that the group-by only sums plain columns (its fast
    path) instead of evaluating a filter expression per group.
    """
    columns: dict[str, pl.Expr] = {
        "pupils": pl.col("enrollment"),
        "_known": pl.col("enrollment").is_not_null().cast(pl.Int64),
    }
    for t in (t for t in terms if t.column in GRADE_COLUMNS):
        grades = t.filter("grade")
        keep = pl.col("grade").is_in([int(g) for g in grades]) if grades else pl.lit(True)
        name = _grade_column(t)
        columns[name] = pl.when(keep).then(pl.col(t.column)).otherwise(0)
        columns[name + MISS] = (keep & pl.col(t.column).is_null()).cast(pl.Int64)
    grade_year = coded.tables["grade_year"].lazy()
    summed = grade_year.select("k", "stage", **columns).group_by("k", "stage").agg(pl.all().sum())
    floats = [c for c in columns if c not in ("pupils", "_known") and not c.endswith(MISS)]
    return (
        summed.with_columns(
            pl.when(pl.col("_known") > 0).then(pl.col("pupils")).alias("pupils"),
            pl.col(floats).cast(pl.Float64),
        )
        .drop("_known")
        .collect(engine=ENGINE)
    )


def _school_keys(coded: Coded, grades: pl.DataFrame) -> pl.DataFrame:
    frames = [coded.tables[n] for n in ("school_year", "stage_year", "health_year")]
    return pl.concat([f.select("k") for f in (*frames, grades)]).unique().sort("k").with_columns(coded.sid())


def _derived(coded: Coded, keys: pl.DataFrame, grades: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """Per k: school_year columns, health columns (with their own miss counts), derived columns."""
    pupils = grades.group_by("k").agg(
        pl.when(pl.col("pupils").is_not_null().any()).then(pl.col("pupils").sum()).alias("pupils")
    )
    groups = coded.tables["memberships"].select("k").unique().with_columns(pl.lit(1).alias("in_group"))
    # A school without a health row was not tested: it adds nothing and lacks nothing.
    health = coded.tables["health_year"].with_columns(
        pl.col(c).is_null().cast(pl.Int64).alias(c + MISS) for c in HEALTH_COLUMNS
    )
    school_year = coded.tables["school_year"]
    # Only the school_year columns the terms read, plus those the derived columns are made from.
    wanted = {*columns, "principal_age", "principal_rotated", "public_funds_per_pupil"} & set(
        school_year.columns
    )
    frame = (
        keys.join(school_year.select("k", *sorted(wanted)), on="k", how="left")
        .join(pupils, on="k", how="left")
        .join(groups, on="k", how="left")
        .join(health, on="k", how="left")
    )
    return frame.with_columns(
        pl.lit(1).alias("schools"),
        pl.col("in_group").fill_null(0),
        pl.col([c + MISS for c in HEALTH_COLUMNS]).fill_null(0),
        (pl.col("pupils") < SMALL_SCHOOL_PUPILS).cast(pl.Int64).alias("small_school"),
        (pl.col("principal_age") <= PRINCIPAL_AGE_LIMIT).cast(pl.Int64).alias("principal_le45"),
        pl.col("principal_rotated").cast(pl.Int64),
        (pl.col("public_funds_per_pupil") * pl.col("pupils")).alias("funds_total"),
    )


def _stage_rows(coded: Coded, terms: Sequence[Term], grades: pl.DataFrame) -> pl.DataFrame:
    """Per (k, stage): grade sums, stage_year, and the split school resources, each with a miss column."""
    stage_cols = sorted({t.column for t in terms if t.column in STAGE_COLUMNS})
    split_cols = sorted(
        {t.column for t in terms if t.column not in GRADE_COLUMNS and t.column not in STAGE_COLUMNS}
    )
    frame = grades.lazy()
    if split_cols:
        # The stage's weighted share (split.py), then the school's resources times that share. A school of one
        # stage has share 1 (as split.py says): only the few multi-stage schools need the group-by and join.
        several = pl.col("k").is_duplicated()
        single = frame.filter(~several).with_columns(pl.lit(1.0).alias("share"))
        shared = pl.concat([single, shares(frame.filter(several), ["k"])])
        resources = coded.tables["school_year"].lazy().select("k", *split_cols)
        frame = shared.join(resources, on="k", how="left").with_columns(
            *((pl.col(c) * pl.col("share")).alias(c) for c in split_cols if c not in NOT_SPLIT),
            *(pl.col(c).is_null().cast(pl.Int64).alias(c + MISS) for c in split_cols),
        )
    if stage_cols:
        # Misses are counted after the join: a stage with pupils but no stage_year row lacks these values
        # (it is missing, never 0).
        stage = coded.tables["stage_year"].lazy().select("k", "stage", *stage_cols)
        frame = frame.join(stage, on=["k", "stage"], how="full", coalesce=True).with_columns(
            pl.col(c).is_null().cast(pl.Int64).alias(c + MISS) for c in stage_cols
        )
    return frame.with_columns(pl.col(f"^.*{MISS}$").fill_null(0)).collect(engine=ENGINE)


def _dirty(frame: pl.DataFrame, columns: Iterable[str]) -> set[str]:
    """The miss columns with at least one miss: a source without a single null needs no miss column downstream."""
    cols = [c for c in dict.fromkeys(columns) if c in frame.columns]
    if not cols:
        return set()
    sums = frame.select(pl.col(cols).sum()).row(0, named=True)
    return {c for c, v in sums.items() if v}


def _stage_agg(
    coded: Coded, terms: Sequence[Term], grades: pl.DataFrame, attrs: pl.DataFrame
) -> pl.DataFrame:
    masks: dict[tuple[tuple[str, tuple[str, ...]], ...], str] = {}
    columns: dict[str, pl.Expr] = {}
    rows = _stage_rows(coded, terms, grades).with_columns(coded.sid())
    dirty = _dirty(rows, (c for c in rows.columns if c.endswith(MISS)))
    for t in terms:
        col, mask = (_grade_column(t) if t.column in GRADE_COLUMNS else t.column), _mask(t, masks)
        columns[t.key] = pl.when(mask).then(pl.col(col)).otherwise(0)
        if col + MISS in dirty:
            columns[t.key + MISS] = pl.when(mask).then(pl.col(col + MISS)).otherwise(0)
    # Masked whole columns first, then a group-by over plain columns (see _grade_sums).
    masked = _with_masks(rows.lazy(), masks, attrs).select("k", **columns)
    # Most schools teach one stage: their single row is already the sum (a null sums to 0), so only the
    # few multi-stage schools go through the group-by.
    several = pl.col("k").is_duplicated()
    one = masked.filter(~several).with_columns(pl.exclude("k").fill_null(0))
    summed = pl.concat([one, masked.filter(several).group_by("k").agg(pl.all().sum())])
    return summed.with_columns(
        pl.col(c).cast(pl.Int64 if c.endswith(MISS) else pl.Float64) for c in columns
    ).collect(engine=ENGINE)


def _with_masks(
    rows: pl.LazyFrame, masks: dict[tuple[tuple[str, tuple[str, ...]], ...], str], attrs: pl.DataFrame
) -> pl.LazyFrame:
    """Stage rows with each mask column: its school-attribute part is worked out once per school and joined
    as a boolean (rather than joining the attribute strings onto every stage row), then and-ed with the stage."""
    flags: dict[tuple[tuple[str, tuple[str, ...]], ...], str] = {}
    exprs = []
    for filters, name in masks.items():
        own = tuple((k, v) for k, v in filters if k != "stage")
        pred = pl.col(flags.setdefault(own, f"__school{len(flags)}"))
        if stages := dict(filters).get("stage"):
            pred = pred & pl.col("stage").is_in(list(stages))
        exprs.append(pred.fill_null(False).alias(name))
    per_school = attrs.select(
        "sid", *(Term("", f).predicate().fill_null(False).alias(n) for f, n in flags.items())
    )
    return rows.join(per_school.lazy(), on="sid", how="left", maintain_order="left").with_columns(exprs)


def _school_agg(
    coded: Coded, terms: Sequence[Term], keys: pl.DataFrame, grades: pl.DataFrame, attrs: pl.DataFrame
) -> pl.DataFrame:
    masks: dict[tuple[tuple[str, tuple[str, ...]], ...], str] = {}
    exprs = []
    derived = _derived(coded, keys, grades, [t.column for t in terms]).join(attrs, on="sid", how="left")
    health_dirty = _dirty(derived, (t.column + MISS for t in terms if t.column in HEALTH_COLUMNS))
    nulls = {t.column for t in terms if t.column not in HEALTH_COLUMNS and derived[t.column].null_count()}
    for t in terms:
        mask, value = _mask(t, masks), pl.col(t.column)
        health = t.column in HEALTH_COLUMNS
        miss = pl.col(t.column + MISS) if health else value.is_null().cast(pl.Int64)
        exprs.append(pl.when(mask).then(value).otherwise(0).fill_null(0).cast(pl.Float64).alias(t.key))
        if t.column + MISS in health_dirty or t.column in nulls:
            exprs.append(pl.when(mask).then(miss).otherwise(0).cast(pl.Int64).alias(t.key + MISS))
    return derived.with_columns(_mask_columns(masks)).select("k", *exprs)


def school_frame(facts: Facts, terms: Sequence[Term]) -> pl.DataFrame:
    """(school, year, township, school_type, <term>, <term>__miss …): every term summed per school and year."""
    coded = encode(facts)
    attrs = _attrs(facts, coded)
    grades = _grade_sums(coded, terms)
    keys = _school_keys(coded, grades)
    # Keys stay in k order (school, then year) so that every later sum adds in the same order on every run.
    frame = keys.join(attrs, on="sid", how="left", maintain_order="left")
    stage_terms = [t for t in terms if t.base == "stage"]
    school_terms = [t for t in terms if t.base == "school"]
    if stage_terms:
        stage = _stage_agg(coded, stage_terms, grades, attrs)
        frame = frame.join(stage, on="k", how="left", maintain_order="left")
    if school_terms:
        school = _school_agg(coded, school_terms, keys, grades, attrs)
        frame = frame.join(school, on="k", how="left", maintain_order="left")
    term_cols = [c for t in terms for c in (t.key, t.key + MISS) if c in frame.columns]
    return coded.decode(frame.with_columns(pl.col(term_cols).fill_null(0)))


# ─── the hierarchy ──────────────────────────────────────────────────────────────────────────────────────────

_PREFIX = {"county": 6, "city": 4, "province": 2}


def hierarchy(facts: Facts) -> pl.DataFrame:
    """(township, county, city, province) for every township known to org units, schools or population.

    Ancestors come from org_units' parent chain; a level the chain lacks falls back to the national code prefix
    (county = first 6 digits, city 4, province 2).
    """
    units = facts.org_units
    parent = dict(zip(units["code"].to_list(), units["parent"].to_list(), strict=True))
    level = dict(zip(units["code"].to_list(), units["level"].to_list(), strict=True))
    towns = set(units.filter(pl.col("level") == "township")["code"].to_list())
    # Distinct codes first: the population table has a row per township, year and age.
    for frame in (facts.schools, facts.population):
        towns |= set(frame["township"].drop_nulls().unique().to_list())
    columns: dict[str, list[str]] = {"township": sorted(towns), **{lv: [] for lv in _PREFIX}}
    for town in columns["township"]:
        found: dict[str, str] = {}
        code = parent.get(town)
        while code is not None and code not in found.values():
            found.setdefault(level.get(code, ""), code)
            code = parent.get(code)
        for lv, n in _PREFIX.items():
            columns[lv].append(found.get(lv, town[:n]))
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


def years_of(facts: Facts) -> list[int]:
    frames = [facts.school_year, facts.stage_year, facts.grade_year, facts.reported]
    return sorted({int(y) for f in frames for y in f["year"].unique().to_list()})


# ─── level frames ───────────────────────────────────────────────────────────────────────────────────────────


def _population(facts: Facts, terms: Sequence[Term]) -> pl.DataFrame:
    """Per (township, year): each population term summed, and the ages it lacks as its miss count."""
    exprs = []
    for t in terms:
        ages = t.filter("age") or tuple(str(a) for a in range(19))
        pred = t.predicate()
        exprs.append(
            pl.when(pred).then(pl.col("population")).otherwise(0).sum().cast(pl.Float64).alias(t.key)
        )
        exprs.append((len(ages) - pred.sum()).cast(pl.Int64).alias(t.key + MISS))
    return facts.population.group_by("township", "year").agg(exprs)


def level_frames(
    facts: Facts,
    terms: Sequence[Term],
    tree: pl.DataFrame | None = None,
    lag_levels: Iterable[str] = LEVEL_ORDER,
) -> dict[str, pl.DataFrame]:
    """One wide frame per level with columns unit, year, the school attributes (school level) and every term.

    Lagged terms are added only at `lag_levels` (shifting the wide school frame is costly and rarely needed).
    """
    lagged = [t for t in terms if t.lag]
    # A lagged term is its unlagged column shifted, added per level once the unlagged one is summed.
    terms = list(
        {t.key: t for t in (*(t for t in terms if not t.lag), *(t.unlagged for t in lagged))}.values()
    )
    school_terms = [t for t in terms if t.base != "township"]
    pop_terms = [t for t in terms if t.base == "township"]
    schools = school_frame(facts, school_terms)
    cols = [c for t in school_terms for c in (t.key, t.key + MISS) if c in schools.columns]
    frames = {"school": schools.rename({"school": "unit"})}
    tree = hierarchy(facts) if tree is None else tree
    years = pl.DataFrame({"year": years_of(facts)}, schema={"year": pl.Int64})
    town = tree.select("township").join(years, how="cross")
    sums = schools.group_by("township", "year").agg(pl.col(cols).sum())
    town = town.join(sums, on=["township", "year"], how="left").with_columns(pl.col(cols).fill_null(0))
    if pop_terms:
        pop = _population(facts, pop_terms)
        town = town.join(pop, on=["township", "year"], how="left")
        town = town.with_columns(
            *(pl.col(t.key + MISS).fill_null(len(t.filter("age")) or 19) for t in pop_terms),
        )
    all_cols = cols + [c for t in pop_terms for c in (t.key, t.key + MISS)]
    town = town.join(tree, on="township", how="left")
    frames["township"] = town.rename({"township": "unit"}).drop("county", "city", "province")
    for level in ("county", "city", "province"):
        frames[level] = town.group_by(level, "year").agg(pl.col(all_cols).sum()).rename({level: "unit"})
    shift = set(lag_levels)
    return {lv: _add_lags(frame, lagged) if lv in shift else frame for lv, frame in frames.items()}


def _add_lags(frame: pl.DataFrame, terms: Sequence[Term]) -> pl.DataFrame:
    """A lagged term at year Y is its unlagged column at year Y − lag; an absent earlier year is one miss."""
    for t in terms:
        base = t.unlagged.key
        base_miss = pl.col(base + MISS) if base + MISS in frame.columns else pl.lit(0, dtype=pl.Int64)
        earlier = frame.select(
            "unit",
            (pl.col("year") + t.lag).alias("year"),
            pl.col(base).alias(t.key),
            base_miss.alias(t.key + MISS),
        )
        frame = frame.join(earlier, on=["unit", "year"], how="left").with_columns(
            pl.col(t.key + MISS).fill_null(1)
        )
    return frame


# ─── indicator values ───────────────────────────────────────────────────────────────────────────────────────


def _side(terms: Sequence[Term], columns: set[str]) -> tuple[pl.Expr, pl.Expr]:
    """The side's sum and its count of missing inputs (0 for terms whose inputs had no null at all)."""
    value = pl.sum_horizontal([pl.col(t.key) for t in terms])
    misses = [pl.col(t.key + MISS) for t in terms if t.key + MISS in columns]
    miss = pl.sum_horizontal(misses) if misses else pl.lit(0, dtype=pl.Int64)
    return value, miss


def _applies(ind: Indicator, num: Sequence[Term]) -> pl.Expr:
    """School-level rows the indicator is defined for: schools teaching one of its stages and matching `where`."""
    pred = pl.lit(True)
    if ind.stages:
        types = [k for k, (_, st) in SCHOOL_TYPES.items() if set(st) & set(ind.stages)]
        pred = pred & pl.col("school_type").is_in(types)
    for key in ("school_type", "ownership", "locale"):
        common = [dict(t.filters).get(key) for t in num]
        if common and all(c == common[0] for c in common) and common[0]:
            pred = pred & pl.col(key).is_in(list(common[0]))
    return pred


@dataclass(frozen=True)
class _Formula:
    """An indicator's output columns as expressions, built once and reused at every level it is computed at."""

    needed: tuple[str, ...]  # the wide-frame columns it reads
    applies: pl.Expr  # the school-level row filter
    outputs: tuple[pl.Expr, ...]  # value, numerator, denominator, reason


def _formula(ind: Indicator, columns: set[str]) -> _Formula:
    num_terms, den_terms = sides(ind)
    num, num_miss = _side(num_terms, columns)
    needed = [c for t in (*num_terms, *den_terms) for c in (t.key, t.key + MISS) if c in columns]
    num_reason = pl.format(f"分子“{ind.numerator_label}”缺少 {{}} 项数据", num_miss)
    reason: pl.Expr
    if den_terms:
        den, den_miss = _side(den_terms, columns)
        den_reason = pl.format(f"分母“{ind.denominator_label}”缺少 {{}} 项数据", den_miss)
        reason = (
            pl.when(num_miss > 0)
            .then(num_reason)
            .when(den_miss > 0)
            .then(den_reason)
            .when(den == 0)
            .then(pl.lit(f"分母“{ind.denominator_label}”为 0"))
            .otherwise(None)
        )
        value = pl.when((num_miss == 0) & (den_miss == 0) & (den != 0)).then(num / den * ind.scale)
    else:
        den = pl.lit(None, dtype=pl.Float64)
        den_miss = pl.lit(0)
        reason = pl.when(num_miss > 0).then(num_reason).otherwise(None)
        value = pl.when(num_miss == 0).then(num)
    outputs = (
        value.cast(pl.Float64).alias("value"),
        pl.when(num_miss == 0).then(num).cast(pl.Float64).alias("numerator"),
        pl.when(den_miss == 0).then(den).cast(pl.Float64).alias("denominator"),
        reason.cast(pl.String).alias("reason"),
    )
    return _Formula(tuple(dict.fromkeys(needed)), _applies(ind, num_terms), outputs)


def _values(ind: Indicator, formula: _Formula, frame: pl.DataFrame, levels: Sequence[str]) -> pl.LazyFrame:
    """The indicator's rows on `frame`: the school frame, or the area frames stacked with a `level` column."""
    # Narrow the wide frame first (zero-copy): planning a query over 160 columns costs more than running it.
    if levels == ["school"]:
        lazy = frame[["unit", "year", "school_type", "ownership", "locale", *formula.needed]].lazy()
        lazy = lazy.filter(formula.applies).with_columns(pl.lit("school").alias("level"))
    else:
        lazy = frame[["unit", "year", "level", *formula.needed]].lazy()
        if len(levels) < len(AREA_LEVELS):
            lazy = lazy.filter(pl.col("level").is_in(levels))
    return lazy.select(
        pl.lit(ind.code).alias("code"), "unit", "level", pl.col("year").cast(pl.Int64), *formula.outputs
    )


def _computed(facts: Facts, inds: Sequence[Indicator], tree: pl.DataFrame) -> list[pl.LazyFrame]:
    if not inds:
        return []
    terms: dict[str, Term] = {}
    for ind in inds:
        for t in (t for side in sides(ind) for t in side):
            terms[t.key] = t
    lag_levels = {lv for ind in inds if any(t.lag for side in sides(ind) for t in side) for lv in ind.levels}
    frames = level_frames(facts, list(terms.values()), tree, lag_levels)
    # The four area levels stacked into one frame: one query per indicator over all its area levels instead of
    # one per level (for these small frames, planning a query costs more than running it).
    present = [lv for lv in AREA_LEVELS if lv in frames]
    areas = pl.concat(
        [frames[lv].with_columns(pl.lit(lv).alias("level")) for lv in present], how="diagonal_relaxed"
    )
    parts = []
    for ind in inds:
        # A term's miss column is present at every level or at none, so one formula serves all its levels.
        formula = _formula(ind, set().union(*(frames[level].columns for level in ind.levels)))
        if "school" in ind.levels:
            parts.append(_values(ind, formula, frames["school"], ["school"]))
        on_areas = [lv for lv in ind.levels if lv != "school"]
        if on_areas:
            parts.append(_values(ind, formula, areas, on_areas))
    return parts


def compute(facts: Facts, codes: Iterable[str] | None = None) -> pl.DataFrame:
    """Every requested indicator (all when None) for every org unit and year; see OUTPUT_SCHEMA.

    Columns: code, unit (area or school code), level, year, value (null when missing; percent indicators in
    percent), numerator, denominator, reason (why value is null; null when it is present).
    """
    catalogue = load_catalogue()
    return compute_indicators(
        facts, [catalogue.get(c) for c in codes] if codes is not None else list(catalogue)
    )


def compute_indicators(facts: Facts, inds: Sequence[Indicator]) -> pl.DataFrame:
    """`compute` for indicator definitions given directly (a catalogue entry narrowed to a scope, say)."""
    from eduplan.indicators.reported import reported_values

    tree = hierarchy(facts)
    parts = _computed(facts, [i for i in inds if not i.reported], tree)
    reported = [i for i in inds if i.reported]
    # collect_all runs the independent queries side by side, each planned on its own (cheaper than one concat).
    frames = pl.collect_all(parts, engine=ENGINE) if parts else []
    if reported:
        frames.append(reported_values(facts, reported, tree))
    if not frames:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    out = pl.concat([f.select(pl.col(k).cast(v) for k, v in OUTPUT_SCHEMA.items()) for f in frames])
    return out


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)
