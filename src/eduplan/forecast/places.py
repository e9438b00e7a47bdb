"""School places: capacity over time (standard classes, declared capacity, projects) against projected demand."""

from __future__ import annotations

import polars as pl

from eduplan.facts import STAGE_NAMES
from eduplan.forecast.inputs import unit_expr
from eduplan.forecast.norms import Norms, load_norms

PROJECT_SCHEMA = {
    "name": pl.String,
    "school": pl.String,
    "zone": pl.String,
    "stage": pl.String,
    "places": pl.Int64,
    "year": pl.Int64,
}
LEVEL_NAMES = {"red": "红色预警", "amber": "黄色预警", "green": "正常", "surplus": "学位富余"}


def empty_projects() -> pl.DataFrame:
    """Planned projects: a school or a zone, a stage, places added (negative: removed), the year they open."""
    return pl.DataFrame(schema=PROJECT_SCHEMA)


def class_sizes(norms: Norms | None = None) -> pl.DataFrame:
    n = norms or load_norms()
    rows = [(s, g, size) for s, grades in n.class_size.items() for g, size in grades.items()]
    return pl.DataFrame(rows, schema={"stage": pl.String, "grade": pl.Int64, "size": pl.Int64}, orient="row")


def school_capacity(
    schools: pl.DataFrame, grade_year: pl.DataFrame, year: int, norms: Norms | None = None
) -> pl.DataFrame:
    """school, stage, classes, capacity, grades in ``year``: Σ classes × standard class size, or the declared
    capacity split over the school's stages in proportion to their standard capacity; `grades` counts the grades
    the school teaches (a school with five grades has five, not the stage's six)."""
    standard = (
        grade_year.filter(pl.col("year") == year)
        .join(class_sizes(norms), on=["stage", "grade"])
        .group_by("school", "stage")
        .agg(
            pl.col("classes").sum().alias("classes"),
            (pl.col("classes") * pl.col("size")).sum().alias("standard"),
            (pl.col("classes") > 0).sum().cast(pl.Int64).alias("grades"),
        )
    )
    declared = schools.select(pl.col("code").alias("school"), "declared_capacity")
    share = pl.col("standard") / pl.col("standard").sum().over("school")
    return (
        standard.join(declared, on="school", how="left")
        .with_columns(
            pl.when(pl.col("declared_capacity").is_not_null())
            .then((pl.col("declared_capacity") * share.fill_nan(0)).round(0).cast(pl.Int64))
            .otherwise(pl.col("standard"))
            .alias("capacity")
        )
        .select("school", "stage", "classes", "capacity", "grades")
        .sort("school", "stage")
    )


def known_places(schools: pl.DataFrame) -> dict[str, str]:
    """Every name a project or scenario line may use for a place, with what it is: a school code, a zone key
    ("county code-zone name"), a zone name found in one county only, a township code."""
    keys = schools.select(pl.col("code"), "name", "township", "zone", unit_expr("zone").alias("key")).filter(
        pl.col("code").is_not_null()
    )
    places = {str(c): f"学校 {n}" for c, n in keys.select("code", "name").iter_rows()}
    places |= {str(t): "乡镇" for t in keys["township"].drop_nulls().unique()}
    zones = keys.filter(pl.col("zone").is_not_null())
    places |= {str(k): f"学区 {z}" for k, z in zones.select("key", "zone").unique().iter_rows()}
    unique = zones.group_by("zone").agg(pl.col("key").n_unique().alias("n")).filter(pl.col("n") == 1)
    places |= {str(z): f"学区 {z}" for z in unique["zone"]}
    return places


def unknown_project_rows(projects: pl.DataFrame, schools: pl.DataFrame) -> list[tuple[int, str]]:
    """(row index, problem) for every project whose school or zone is not known, or whose stage is not one."""
    places = known_places(schools)
    out = []
    for i, r in enumerate(projects.iter_rows(named=True)):
        where = r.get("school") or r.get("zone")
        if not where:
            out.append((i, "没有写学校或学区"))
        elif where not in places:
            out.append((i, f"没有学校或学区“{where}”"))
        if r.get("stage") not in STAGE_NAMES:
            out.append((i, f"学段“{r.get('stage')}”不是 {'、'.join(STAGE_NAMES.values())} 之一"))
    return out


def projects_by_unit(projects: pl.DataFrame, schools: pl.DataFrame, level: str) -> pl.DataFrame:
    """unit, stage, year, places: a project named by school goes to that school's unit; by zone (its key
    "county-zone name", or the bare zone name when only one county has it), to the zone's unit."""
    keyed = schools.select(
        pl.col("code").alias("school"), unit_expr(level).alias("unit"), unit_expr("zone").alias("key"), "zone"
    )
    by_school = projects.filter(pl.col("school").is_not_null()).join(
        keyed.select("school", "unit"), on="school"
    )
    by_key = keyed.group_by("key").agg(pl.col("unit").mode().first()).rename({"key": "zone"})
    by_name = (
        keyed.filter(pl.col("zone").is_not_null())
        .group_by("zone")
        .agg(pl.col("unit").mode().first(), pl.col("key").n_unique().alias("keys"))
        .filter(pl.col("keys") == 1)
        .join(by_key, on="zone", how="anti")
        .drop("keys")
    )
    by_zone = projects.filter(pl.col("school").is_null()).join(pl.concat([by_key, by_name]), on="zone")
    return pl.concat([f.select("unit", "stage", "year", "places") for f in (by_school, by_zone)])


def capacity_timeline(
    capacity: pl.DataFrame, schools: pl.DataFrame, projects: pl.DataFrame, level: str, years: list[int]
) -> pl.DataFrame:
    """unit, stage, year, capacity: today's schools (until they close) plus projects from their opening year."""
    grid = pl.DataFrame({"year": years}, schema={"year": pl.Int64})
    keyed = schools.select(pl.col("code").alias("school"), unit_expr(level).alias("unit"), "closed_year")
    existing = (
        capacity.join(keyed, on="school")
        .join(grid, how="cross")
        .filter(pl.col("closed_year").is_null() | (pl.col("year") < pl.col("closed_year")))
        .group_by("unit", "stage", "year")
        .agg(pl.col("capacity").sum())
    )
    added = (
        projects_by_unit(projects, schools, level)
        .join(grid.rename({"year": "y"}), how="cross")
        .filter(pl.col("year") <= pl.col("y"))
        .group_by("unit", "stage", "y")
        .agg(pl.col("places").sum())
        .rename({"y": "year"})
    )
    return (
        existing.join(added, on=["unit", "stage", "year"], how="full", coalesce=True)
        .select(
            "unit",
            "stage",
            "year",
            (pl.col("capacity").fill_null(0) + pl.col("places").fill_null(0)).alias("capacity"),
        )
        .sort("unit", "stage", "year")
    )


def gaps(demand: pl.DataFrame, capacity: pl.DataFrame) -> pl.DataFrame:
    """unit, stage, year, demand, low, high, capacity, gap (> 0 shortfall, < 0 surplus), utilisation."""
    return (
        demand.join(capacity, on=["unit", "stage", "year"], how="left")
        .with_columns(pl.col("capacity").fill_null(0))
        # A unit without pupils or places in a stage (a zone with no senior school) has nothing to show; one whose
        # places a project changes (even to fewer than none) stays, so that the units still add up to the county.
        .filter(
            (pl.col("demand") != 0).any().over("unit", "stage")
            | (pl.col("capacity") != 0).any().over("unit", "stage")
        )
        .with_columns(
            (pl.col("demand") - pl.col("capacity")).alias("gap"),
            pl.when(pl.col("capacity") > 0).then(pl.col("demand") / pl.col("capacity")).alias("utilisation"),
        )
        .sort("unit", "stage", "year")
    )


def warnings(gap: pl.DataFrame, origin: int, norms: Norms | None = None) -> pl.DataFrame:
    """unit, stage, level, first_shortfall, max_gap: red when demand first exceeds places within 2 years,
    amber within 5, surplus when the last year's utilisation is under 60 %, else green."""
    n = norms or load_norms()
    short = (
        pl.col("year").filter(pl.col("gap") > 0.5).min()
    )  # half a pupil: fractional projections, whole places
    out = (
        gap.sort("year")
        .group_by("unit", "stage")
        .agg(
            short.alias("first_shortfall"),
            pl.col("gap").max().alias("max_gap"),
            pl.col("utilisation").last().alias("final_utilisation"),
        )
    )
    ahead = pl.col("first_shortfall") - origin
    level = (
        pl.when(ahead <= n.red_within)
        .then(pl.lit("red"))
        .when(ahead <= n.amber_within)
        .then(pl.lit("amber"))
        .when(pl.col("final_utilisation") < n.surplus_below)
        .then(pl.lit("surplus"))
        .otherwise(pl.lit("green"))
    )
    return out.with_columns(level.alias("level")).sort("unit", "stage")


def large_classes(
    school_frame: pl.DataFrame, capacity: pl.DataFrame, norms: Norms | None = None
) -> pl.DataFrame:
    """school, stage, grade, year, enrollment, classes, class_size: projected grades whose average class
    (today's classes of the stage spread evenly over the grades the school teaches) reaches 56 pupils."""
    n = norms or load_norms()
    per_grade = capacity.filter(pl.col("grades") > 0).select(
        "school", "stage", (pl.col("classes") / pl.col("grades")).alias("classes")
    )
    return (
        school_frame.rename({"unit": "school"})
        .join(per_grade, on=["school", "stage"])
        .filter(pl.col("classes") > 0)
        .with_columns((pl.col("enrollment") / pl.col("classes")).alias("class_size"))
        .filter(pl.col("class_size") >= n.large_class)
        .select("school", "stage", "grade", "year", "enrollment", "classes", "class_size")
        .sort("school", "year", "stage", "grade")
    )


def small_schools(
    school_frame: pl.DataFrame, schools: pl.DataFrame, norms: Norms | None = None
) -> pl.DataFrame:
    """school, year, pupils: schools (not kindergartens) projected under 100 pupils while still teaching."""
    n = norms or load_norms()
    kept = schools.filter(pl.col("school_type") != "kindergarten").select(pl.col("code").alias("school"))
    return (
        school_frame.rename({"unit": "school"})
        .filter(pl.col("stage") != "preschool")
        .group_by("school", "year")
        .agg(pl.col("enrollment").sum().alias("pupils"))
        .join(kept, on="school")
        .filter((pl.col("pupils") > 0) & (pl.col("pupils") <= n.small_school_max))
        .sort("school", "year")
    )
