"""Each school's 生均公用经费 floor due, what it was allocated, the gap and since when; the need years ahead.

The floor of a school in a year (the rules of its county, see rules.py):
- 义务教育 (小学, 初中): every pupil at the stage's 基准定额, except 随班就读残疾学生 at the special rate; a school
  of a type and locale the small-school rule names, with fewer pupils than its minimum, is funded as if it had the
  minimum (the added pupils shared between its stages in proportion to their pupils without disabilities);
- 特殊教育学校: every pupil at the special rate; 寄宿生 of 小学, 初中 and 特教: the boarding amount on top;
- 学前, 普通高中, 中职: pupils at the stage's rate where a level of the chain sets one (else no floor).
Only schools whose 办别 the rule covers count. Missing 寄宿生 or 残疾学生 counts are taken as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl

from eduplan.facts import Facts
from eduplan.finance.rules import AMOUNT_KEYS, Rules, rules_for

RulesOf = Callable[[str], Rules]
COMPULSORY = ("primary", "junior")
BOARDING_STAGES = ("primary", "junior", "special")
PART_NAMES = {  # in the order a rule reads
    "preschool": "幼儿",
    "primary": "小学",
    "junior": "初中",
    "senior": "普通高中学生",
    "vocational": "中职学生",
    "special": "特殊教育学校学生",
    "disabled": "随班就读残疾学生",
    "boarding": "寄宿生（另加）",
}
STATUS_NAMES = {"ok": "达标", "under": "未达标", "unknown": "无法评估"}
COUNTS = {"school": pl.String, "year": pl.Int64, "stage": pl.String, "pupils": pl.Float64,
          "boarders": pl.Float64, "disabled": pl.Float64}  # fmt: skip
RATES = {"county": pl.String, "year": pl.Int64, "key": pl.String, "rate": pl.Float64, "setter": pl.String,
         "basis": pl.String, "source": pl.String}  # fmt: skip
EPSILON = 0.005  # half a 分: amounts are compared to the cent


@dataclass(frozen=True)
class Floors:
    """Per school and year the floor and its inputs (`schools`), and the parts it adds up (`parts`)."""

    schools: pl.DataFrame  # school, year, county, name, …, pupils, counted_pupils, disabled, boarders, floor
    parts: pl.DataFrame  # school, year, part, count, rate, amount, setter, basis, source


def stage_counts(facts: Facts, years: Iterable[int] | None = None) -> pl.DataFrame:
    """school, year, stage, pupils, boarders, disabled: 在校生 by stage with the stage's boarders and disabled."""
    grades = facts.grade_year if years is None else facts.grade_year.filter(pl.col("year").is_in(list(years)))
    pupils = grades.group_by("school", "year", "stage").agg(pl.col("enrollment").sum().alias("pupils"))
    extra = facts.stage_year.select("school", "year", "stage", "boarders", "disabled")
    return (
        pupils.join(extra, on=["school", "year", "stage"], how="left")
        .with_columns(pl.col("boarders", "disabled").fill_null(0))
        .filter(pl.col("pupils") > 0)
        .cast(COUNTS)  # type: ignore[arg-type]
        .select(list(COUNTS))
    )


def _attributes(schools: pl.DataFrame) -> pl.DataFrame:
    return schools.select(
        pl.col("code").alias("school"),
        "name",
        "township",
        pl.col("township").str.slice(0, 6).alias("county"),
        "school_type",
        "ownership",
        "locale",
    )


def rates(
    pairs: Iterable[tuple[str, int]], rules_of: RulesOf = rules_for, at: int | None = None
) -> pl.DataFrame:
    """county, year, key, rate, setter, basis, source for each (county, year); `at` fixes the rules' year."""
    rows = []
    for county, year in sorted(set(pairs)):
        rules = rules_of(county)
        for key in AMOUNT_KEYS:
            a = rules.amount(key, year if at is None else at)
            if a is not None:
                rows.append((county, year, key, a.value, a.setter, a.basis, a.source))
    return pl.DataFrame(rows, schema=RATES, orient="row")


def _coverage(counties: Iterable[str], rules_of: RulesOf) -> pl.DataFrame:
    rows = [(c, k, o) for c in sorted(set(counties)) for k in AMOUNT_KEYS for o in rules_of(c).ownerships(k)]
    return pl.DataFrame(
        rows, schema={"county": pl.String, "key": pl.String, "ownership": pl.String}, orient="row"
    )


def _minimum(keys: pl.DataFrame, rules_of: RulesOf) -> pl.DataFrame:
    rows = [(c, t, loc, rules_of(c).min_pupils(t, loc)) for c, t, loc in keys.unique().iter_rows()]
    schema = {"county": pl.String, "school_type": pl.String, "locale": pl.String, "minimum": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def floors(
    counts: pl.DataFrame, schools: pl.DataFrame, rules_of: RulesOf = rules_for, at: int | None = None
) -> Floors:
    """The floor of every school-year in `counts` (see the module docstring); `at` prices every year at the
    rules of that year (for "what the pupils alone change")."""
    attrs = _attributes(schools)
    rows = counts.join(attrs, on="school")
    keyed = rows.select("county", "year").unique()
    rate = rates(keyed.iter_rows(), rules_of, at)
    cover = _coverage(keyed["county"], rules_of)
    priced = _price(rows, rate, cover)
    school = _school_level(priced, rows, cover, rules_of)
    parts = _parts(priced, school, rate)
    totals = parts.group_by("school", "year").agg(pl.col("amount").sum().round(2).alias("floor"))
    out = school.join(totals, on=["school", "year"]).sort("county", "school", "year")
    return Floors(out, parts.sort("school", "year", "part"))


def _price(rows: pl.DataFrame, rate: pl.DataFrame, cover: pl.DataFrame) -> pl.DataFrame:
    """Stage rows that have a rate and whose 办别 it covers, with the disabled pupils priced apart."""
    stage_rate = rate.select("county", "year", pl.col("key").alias("stage"), "rate")
    covered = cover.rename({"key": "stage"}).with_columns(pl.lit(True).alias("covered"))
    special = rate.filter(pl.col("key") == "special").select(
        "county", "year", pl.col("rate").alias("special")
    )
    return (
        rows.join(stage_rate, on=["county", "year", "stage"])
        .join(covered, on=["county", "stage", "ownership"])
        .join(special, on=["county", "year"], how="left")
        .with_columns(
            pl.when(pl.col("stage").is_in(COMPULSORY) & pl.col("special").is_not_null())
            .then(pl.min_horizontal("disabled", "pupils"))
            .otherwise(0.0)
            .alias("disabled_priced")
        )
        .with_columns((pl.col("pupils") - pl.col("disabled_priced")).alias("regular"))
    )


def _school_level(
    priced: pl.DataFrame, rows: pl.DataFrame, cover: pl.DataFrame, rules_of: RulesOf
) -> pl.DataFrame:
    """Per school-year: pupils with a floor, boarders the boarding amount covers, the small-school minimum and
    the pupils counted."""
    boarding = cover.filter(pl.col("key") == "boarding").select(
        "county", "ownership", pl.lit(True).alias("boards")
    )
    boards = pl.col("stage").is_in(BOARDING_STAGES) & pl.col("boards").fill_null(False)
    school = (
        priced.join(boarding, on=["county", "ownership"], how="left")
        .group_by("school", "year")
        .agg(
            pl.col("pupils").sum(),
            pl.col("pupils").filter(pl.col("stage").is_in(COMPULSORY)).sum().alias("compulsory"),
            pl.col("disabled_priced").sum().alias("disabled"),
            pl.col("boarders").filter(boards).sum().alias("boarders"),
        )
    )
    attrs = rows.select("school", "year", "county", "name", "township", "school_type", "ownership", "locale")
    school = school.join(attrs.unique(["school", "year"]), on=["school", "year"])
    minimum = _minimum(school.select("county", "school_type", "locale"), rules_of)
    return (
        school.join(minimum, on=["county", "school_type", "locale"], how="left", nulls_equal=True)
        .with_columns(
            pl.when((pl.col("compulsory") > 0) & (pl.col("compulsory") < pl.col("minimum")))
            .then(pl.col("minimum") - pl.col("compulsory"))
            .otherwise(0.0)
            .alias("added")
        )
        .with_columns((pl.col("pupils") + pl.col("added")).alias("counted_pupils"))
    )


def _parts(priced: pl.DataFrame, school: pl.DataFrame, rate: pl.DataFrame) -> pl.DataFrame:
    """One row per (school, year, part): count × rate = amount, with who set the rate and why."""
    compulsory = pl.col("stage").is_in(COMPULSORY)
    regular = pl.col("regular").filter(compulsory).sum().over("school", "year")
    pupils = pl.col("pupils").filter(compulsory).sum().over("school", "year")
    # The added pupils follow the pupils without disabilities (all pupils when every one has a disability).
    share = pl.when(regular > 0).then(pl.col("regular") / regular).otherwise(pl.col("pupils") / pupils)
    shares = priced.join(school.select("school", "year", "added"), on=["school", "year"]).with_columns(
        share.alias("share")
    )
    count = (
        pl.when(compulsory)
        .then(pl.col("regular") + pl.col("added") * pl.col("share"))
        .otherwise(pl.col("pupils"))
    )
    by_stage = shares.select("school", "year", "county", pl.col("stage").alias("part"), count.alias("count"))
    disabled = shares.filter(compulsory & (pl.col("disabled_priced") > 0)).select(
        "school", "year", "county", pl.lit("disabled").alias("part"), pl.col("disabled_priced").alias("count")
    )
    boarding = school.filter(pl.col("boarders") > 0).select(
        "school", "year", "county", pl.lit("boarding").alias("part"), pl.col("boarders").alias("count")
    )
    key = pl.when(pl.col("part") == "disabled").then(pl.lit("special")).otherwise(pl.col("part"))
    return (
        pl.concat([by_stage, disabled, boarding])
        .group_by("school", "year", "county", "part")
        .agg(pl.col("count").sum())
        .with_columns(key.alias("key"))
        .join(rate, on=["county", "year", "key"])  # boarders where no boarding amount is set drop out here
        .with_columns((pl.col("count") * pl.col("rate")).alias("amount"))
        .select("school", "year", "part", "count", "rate", "amount", "setter", "basis", "source")
    )


# ---------------------------------------------------------------------------------------------- allocation


def assess(result: Floors, allocation: pl.DataFrame) -> Floors:
    """The floors with the allocation: allocated, gap (floor − allocated when positive), status (ok, under,
    unknown when no allocation is reported) and since (first year of the unbroken run of gaps up to the year)."""
    given = allocation.select("school", "year", "allocated")
    out = (
        result.schools.join(given, on=["school", "year"], how="left")
        .with_columns((pl.col("floor") - pl.col("allocated")).alias("diff"))
        .with_columns(
            pl.when(pl.col("allocated").is_null())
            .then(pl.lit("unknown"))
            .when(pl.col("diff") > EPSILON)
            .then(pl.lit("under"))
            .otherwise(pl.lit("ok"))
            .alias("status"),
            pl.when(pl.col("allocated").is_not_null()).then(pl.col("diff").clip(0).round(2)).alias("gap"),
        )
        .drop("diff")
        .sort("school", "year")
    )
    under = pl.col("status") == "under"
    # A run breaks at a year that is not under, or at a year missing from the school's rows.
    breaks = (~under | (pl.col("year").diff().over("school") != 1).fill_null(True)).cum_sum().over("school")
    since = pl.when(under).then(pl.col("year").filter(under).min().over("school", "run")).alias("since")
    return Floors(out.with_columns(breaks.alias("run")).with_columns(since).drop("run"), result.parts)


def county_totals(assessed: pl.DataFrame) -> pl.DataFrame:
    """Per county and year: schools, pupils, floor, allocated and gap sums, schools under and unknown."""
    return (
        assessed.group_by("county", "year")
        .agg(
            pl.len().alias("schools"),
            pl.col("pupils").sum(),
            pl.col("counted_pupils").sum(),
            pl.col("floor").sum().round(2),
            pl.col("allocated").sum().round(2),
            pl.col("gap").sum().round(2),
            (pl.col("status") == "under").sum().alias("under"),
            (pl.col("status") == "unknown").sum().alias("unknown"),
        )
        .sort("county", "year")
    )


def underfunded(assessed: pl.DataFrame, year: int) -> pl.DataFrame:
    """The schools under their floor in `year`, largest gap first: the to-do list."""
    return assessed.filter((pl.col("year") == year) & (pl.col("status") == "under")).sort(
        "gap", "school", descending=[True, False]
    )


def school_floors(facts: Facts, rules_of: RulesOf = rules_for, last: int | None = None) -> Floors:
    """Every school-year of `facts` up to `last` (all years when None) assessed against its allocation."""
    counts = stage_counts(facts)
    if last is not None:
        counts = counts.filter(pl.col("year") <= last)
    return assess(floors(counts, facts.schools, rules_of), facts.school_finance)


# ---------------------------------------------------------------------------------------------- explanation


def rule_text(row: dict[str, object], parts: pl.DataFrame) -> str:
    """How one school-year's floor was made, in Chinese: its parts, the small-school rule, who set each rate."""
    mine = parts.filter((pl.col("school") == row["school"]) & (pl.col("year") == row["year"]))
    mine = mine.sort(pl.col("part").replace_strict(list(PART_NAMES), range(len(PART_NAMES))))
    terms, bases = [], []
    for p in mine.iter_rows(named=True):
        terms.append(f"{PART_NAMES[p['part']]} {_n(p['count'])} 人 × {_n(p['rate'])} 元")
        if p["basis"] != "基准定额" or p["setter"] != "全国":
            bases.append(f"{PART_NAMES[p['part']]}标准由{p['setter']}设定（{p['basis']}）")
    text = " + ".join(terms)
    added = float(row.get("counted_pupils") or 0) - float(row.get("pupils") or 0)  # type: ignore[arg-type]
    if added > 0:
        text += f"；不足 {_n(row['counted_pupils'])} 人按 {_n(row['counted_pupils'])} 人核定（实有 {_n(row['pupils'])} 人）"
    return "；".join([text, *bases])


def rule_codes(row: dict[str, object], parts: pl.DataFrame) -> list[str]:
    """Which rules shaped the floor: small_school, special, boarding, schedule, local (a level below 全国)."""
    mine = parts.filter((pl.col("school") == row["school"]) & (pl.col("year") == row["year"]))
    codes = []
    if float(row.get("counted_pupils") or 0) > float(row.get("pupils") or 0):  # type: ignore[arg-type]
        codes.append("small_school")
    names = set(mine["part"].to_list())
    if names & {"special", "disabled"}:
        codes.append("special")
    if "boarding" in names:
        codes.append("boarding")
    if any(b != "基准定额" for b in mine["basis"].to_list()):
        codes.append("schedule")
    if any(s != "全国" for s in mine["setter"].to_list()):
        codes.append("local")
    return codes


def _n(value: object) -> str:
    """A count or amount without trailing zeros: 97, 798.6, 33.33."""
    number = round(float(value), 2)  # type: ignore[arg-type]
    return f"{number:g}" if abs(number) < 1e15 else str(number)


# ---------------------------------------------------------------------------------------------- need ahead


def projected_counts(
    facts: Facts, forecast: pl.DataFrame, origin: int, column: str = "enrollment"
) -> pl.DataFrame:
    """Future stage counts: the forecast's pupils (`column`: enrollment, low or high) by school, stage and year;
    boarders and disabled at the origin year's share; stages the forecast leaves out held at the origin."""
    base = stage_counts(facts, [origin])
    years = sorted(set(forecast["year"].to_list()))
    projected = forecast.group_by(pl.col("unit").alias("school"), "year", "stage").agg(
        pl.col(column).sum().alias("f")
    )
    grid = base.drop("year").join(pl.DataFrame({"year": years}, schema={"year": pl.Int64}), how="cross")
    share = pl.col("pupils_new") / pl.col("pupils")
    return (
        grid.join(projected, on=["school", "year", "stage"], how="left")
        .with_columns(pl.coalesce("f", "pupils").alias("pupils_new"))
        .with_columns(
            (pl.col("boarders") * share).alias("boarders"), (pl.col("disabled") * share).alias("disabled")
        )
        .with_columns(pl.col("pupils_new").alias("pupils"))
        .filter(pl.col("pupils") > 0)
        .select(list(COUNTS))
    )


def need_ahead(
    facts: Facts, forecast: pl.DataFrame, origin: int, rules_of: RulesOf = rules_for, low_high: bool = True
) -> pl.DataFrame:
    """Per county and year ahead: pupils, the floors' sum (need), its range from the forecast's low and high, and
    the need at the origin year's rates (what enrollment alone changes); the origin year's floor and allocation
    come first for comparison."""
    now = assess(floors(stage_counts(facts, [origin]), facts.schools, rules_of), facts.school_finance).schools
    first = now.group_by("county", "year").agg(
        pl.col("pupils").sum(),
        *(pl.col("floor").sum().alias(name) for name in ("need", "need_fixed_rates")),
        pl.col("allocated").sum(),
    )
    variants = {"need": ("enrollment", None), "need_fixed_rates": ("enrollment", origin)}
    if low_high:
        variants |= {"need_low": ("low", None), "need_high": ("high", None)}
    out: pl.DataFrame | None = None
    for name, (column, at) in variants.items():
        counts = projected_counts(facts, forecast, origin, column)
        total = (
            floors(counts, facts.schools, rules_of, at)
            .schools.group_by("county", "year")
            .agg(pl.col("floor").sum().alias(name), pl.col("pupils").sum().alias(f"pupils_{name}"))
        )
        out = total if out is None else out.join(total, on=["county", "year"], how="full", coalesce=True)
    assert out is not None
    ahead = out.rename({"pupils_need": "pupils"}).select("county", "year", "pupils", *variants)
    return (
        pl.concat([first, ahead], how="diagonal")
        .sort("county", "year")
        .with_columns(
            pl.col(c).round(2) for c in ("need", "allocated", *[v for v in variants if v != "need"])
        )
    )
