"""Compute every catalogue indicator for every org unit and year, from sums of numerators and denominators.

How: each distinct formula term (a fact column under filters) becomes one column of a wide frame per school and
year, summed once; the wide frame is summed up the hierarchy (school → township → county → city → province),
population terms join at the township; each indicator is then numerator ÷ denominator on each level's frame.
A ratio at any level is therefore a ratio of sums, never an average of school ratios. Every term carries a count
of the null inputs it met, so a missing input yields a null value with a reason instead of a silent 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
from eduplan.indicators.split import NOT_SPLIT, stage_shares

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


# ─── the school frame ───────────────────────────────────────────────────────────────────────────────────────


def _attrs(facts: Facts) -> pl.DataFrame:
    return facts.schools.select(
        pl.col("code").alias("school"), "township", "school_type", "ownership", "locale", "boarding"
    )


def _grade_sums(facts: Facts, terms: Sequence[Term]) -> pl.DataFrame:
    """Per (school, year, stage): pupils, and each grade_year term column summed over grades with its miss count.

    grade_year is the largest table: it is grouped once, and everything else works on this smaller frame.
    """
    aggs: dict[str, pl.Expr] = {
        "pupils": pl.when(pl.col("enrollment").is_not_null().any()).then(pl.col("enrollment").sum()),
    }
    for t in (t for t in terms if t.column in GRADE_COLUMNS):
        grades = t.filter("grade")
        col = (
            pl.col(t.column).filter(pl.col("grade").is_in([int(g) for g in grades]))
            if grades
            else pl.col(t.column)
        )
        name = _grade_column(t)
        aggs[name] = col.sum().cast(pl.Float64)
        aggs[name + MISS] = col.null_count().cast(pl.Int64)
    return facts.grade_year.group_by("school", "year", "stage").agg(e.alias(k) for k, e in aggs.items())


def _school_keys(facts: Facts, grades: pl.DataFrame) -> pl.DataFrame:
    frames = [facts.school_year, facts.stage_year, grades, facts.health_year]
    return pl.concat([f.select("school", "year") for f in frames]).unique()


def _derived(facts: Facts, keys: pl.DataFrame, grades: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """Per (school, year): school_year columns, health columns (with their own miss counts), derived columns."""
    pupils = grades.group_by("school", "year").agg(
        pl.when(pl.col("pupils").is_not_null().any()).then(pl.col("pupils").sum()).alias("pupils")
    )
    groups = facts.memberships.select("school", "year").unique().with_columns(pl.lit(1).alias("in_group"))
    # A school without a health row was not tested: it adds nothing and lacks nothing.
    health = facts.health_year.with_columns(
        pl.col(c).is_null().cast(pl.Int64).alias(c + MISS) for c in HEALTH_COLUMNS
    )
    # Only the school_year columns the terms read, plus those the derived columns are made from.
    wanted = {*columns, "principal_age", "principal_rotated", "public_funds_per_pupil"} & set(
        facts.school_year.columns
    )
    frame = (
        keys.join(
            facts.school_year.select("school", "year", *sorted(wanted)), on=["school", "year"], how="left"
        )
        .join(pupils, on=["school", "year"], how="left")
        .join(groups, on=["school", "year"], how="left")
        .join(health, on=["school", "year"], how="left")
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


def _stage_rows(facts: Facts, terms: Sequence[Term], grades: pl.DataFrame) -> pl.DataFrame:
    """Per (school, year, stage): grade sums, stage_year, and the split school resources, each with a miss column."""
    keys = ["school", "year", "stage"]
    stage_cols = sorted({t.column for t in terms if t.column in STAGE_COLUMNS})
    split_cols = sorted(
        {t.column for t in terms if t.column not in GRADE_COLUMNS and t.column not in STAGE_COLUMNS}
    )
    frame = grades
    if split_cols:
        # The stage's weighted share (split.py), then the school's resources times that share.
        shared = stage_shares(facts, grades)
        resources = facts.school_year.select("school", "year", *split_cols)
        frame = shared.join(resources, on=["school", "year"], how="left").with_columns(
            *((pl.col(c) * pl.col("share")).alias(c) for c in split_cols if c not in NOT_SPLIT),
            *(pl.col(c).is_null().cast(pl.Int64).alias(c + MISS) for c in split_cols),
        )
    if stage_cols:
        miss = (pl.col(c).is_null().cast(pl.Int64).alias(c + MISS) for c in stage_cols)
        stage = facts.stage_year.select(*keys, *stage_cols).with_columns(miss)
        frame = frame.join(stage, on=keys, how="full", coalesce=True)
    return frame.with_columns(pl.col(f"^.*{MISS}$").fill_null(0))


def school_frame(facts: Facts, terms: Sequence[Term]) -> pl.DataFrame:
    """(school, year, township, school_type, <term>, <term>__miss …): every term summed per school and year."""
    attrs = _attrs(facts)
    grades = _grade_sums(facts, terms)
    keys = _school_keys(facts, grades)
    frame = keys.join(attrs, on="school", how="left")
    stage_terms = [t for t in terms if t.base == "stage"]
    school_terms = [t for t in terms if t.base == "school"]
    if stage_terms:
        masks: dict[tuple[tuple[str, tuple[str, ...]], ...], str] = {}
        exprs = []
        rows = _stage_rows(facts, stage_terms, grades).join(attrs, on="school", how="left")
        # A source column without a single null needs no miss column downstream: less to sum at every level.
        dirty = {c for c in rows.columns if c.endswith(MISS) and rows[c].sum() > 0}
        for t in stage_terms:
            col, mask = (_grade_column(t) if t.column in GRADE_COLUMNS else t.column), _mask(t, masks)
            exprs.append(pl.when(mask).then(pl.col(col)).otherwise(0).sum().cast(pl.Float64).alias(t.key))
            if col + MISS in dirty:
                exprs.append(
                    pl.when(mask)
                    .then(pl.col(col + MISS))
                    .otherwise(0)
                    .sum()
                    .cast(pl.Int64)
                    .alias(t.key + MISS)
                )
        agg = rows.with_columns(_mask_columns(masks)).group_by("school", "year").agg(exprs)
        frame = frame.join(agg, on=["school", "year"], how="left")
    if school_terms:
        masks = {}
        exprs = []
        derived = _derived(facts, keys, grades, [t.column for t in school_terms]).join(
            attrs, on="school", how="left"
        )
        for t in school_terms:
            mask, value = _mask(t, masks), pl.col(t.column)
            health = t.column in HEALTH_COLUMNS
            miss = pl.col(t.column + MISS) if health else value.is_null().cast(pl.Int64)
            exprs.append(pl.when(mask).then(value).otherwise(0).fill_null(0).cast(pl.Float64).alias(t.key))
            if (derived[t.column + MISS].sum() if health else derived[t.column].null_count()) > 0:
                exprs.append(pl.when(mask).then(miss).otherwise(0).cast(pl.Int64).alias(t.key + MISS))
        derived = derived.with_columns(_mask_columns(masks))
        frame = frame.join(derived.select("school", "year", *exprs), on=["school", "year"], how="left")
    term_cols = [c for t in terms for c in (t.key, t.key + MISS) if c in frame.columns]
    return frame.with_columns(pl.col(term_cols).fill_null(0))


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
    towns |= set(facts.schools["township"].drop_nulls().to_list()) | set(
        facts.population["township"].to_list()
    )
    rows = []
    for town in sorted(towns):
        found: dict[str, str] = {}
        code = parent.get(town)
        while code is not None and code not in found.values():
            found.setdefault(level.get(code, ""), code)
            code = parent.get(code)
        rows.append({"township": town, **{lv: found.get(lv, town[:n]) for lv, n in _PREFIX.items()}})
    schema = {"township": pl.String, "county": pl.String, "city": pl.String, "province": pl.String}
    return pl.DataFrame(rows, schema=schema)


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


def _values(ind: Indicator, frame: pl.DataFrame, level: str) -> pl.LazyFrame:
    num_terms, den_terms = sides(ind)
    columns = set(frame.columns)
    num, num_miss = _side(num_terms, columns)
    # Narrow the wide frame first (zero-copy): planning a query over 160 columns costs more than running it.
    needed = [c for t in (*num_terms, *den_terms) for c in (t.key, t.key + MISS) if c in columns]
    attrs = ["school_type", "ownership", "locale"] if level == "school" else []
    lazy = frame.select("unit", "year", *attrs, *dict.fromkeys(needed)).lazy()
    if level == "school":
        lazy = lazy.filter(_applies(ind, num_terms))
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
    return lazy.select(
        pl.lit(ind.code).alias("code"),
        pl.col("unit"),
        pl.lit(level).alias("level"),
        pl.col("year").cast(pl.Int64),
        value.cast(pl.Float64).alias("value"),
        pl.when(num_miss == 0).then(num).cast(pl.Float64).alias("numerator"),
        pl.when(den_miss == 0).then(den).cast(pl.Float64).alias("denominator"),
        reason.cast(pl.String).alias("reason"),
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
    return [_values(ind, frames[level], level) for ind in inds for level in ind.levels]


def compute(facts: Facts, codes: Iterable[str] | None = None) -> pl.DataFrame:
    """Every requested indicator (all when None) for every org unit and year; see OUTPUT_SCHEMA.

    Columns: code, unit (area or school code), level, year, value (null when missing; percent indicators in
    percent), numerator, denominator, reason (why value is null; null when it is present).
    """
    from eduplan.indicators.reported import reported_values

    catalogue = load_catalogue()
    inds = [catalogue.get(c) for c in codes] if codes is not None else list(catalogue)
    tree = hierarchy(facts)
    parts = _computed(facts, [i for i in inds if not i.reported], tree)
    reported = [i for i in inds if i.reported]
    if reported:
        parts.append(reported_values(facts, reported, tree).lazy())
    if not parts:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    out = pl.concat(parts, how="vertical").collect()
    return out.select(pl.col(k).cast(v) for k, v in OUTPUT_SCHEMA.items())


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)
