"""The demo city: 示例县 exactly as before, and counties whose data show the character they are given."""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.demo import generate_county
from eduplan.demo.city import CURATED, generate_city
from eduplan.facts import Facts


@pytest.fixture(scope="module")
def city() -> Facts:
    return generate_city()


def _county(frame: pl.DataFrame, column: str = "school") -> pl.Expr:
    return pl.col(column).str.slice(0, 6)


def test_five_counties_and_the_demo_county_unchanged(city: Facts) -> None:
    counties = city.org_units.filter(pl.col("level") == "county")
    assert (
        counties["code"].to_list()
        == [c.code for c in CURATED]
        == ["990101", "990102", "990103", "990104", "990105"]
    )
    assert counties["parent"].unique().to_list() == ["9901"] and city.org_units["code"].is_unique().all()
    alone = generate_county()
    for name, frame in alone.frames().items():
        key = (
            "code"
            if name in ("org_units", "schools")
            else next(c for c in ("school", "township", "unit", "county") if c in frame.columns)
        )
        mine = city.frames()[name].filter(pl.col(key).is_in(frame[key].unique().implode()))
        assert mine.sort(mine.columns).equals(frame.sort(frame.columns)), name


def test_each_county_has_its_character(city: Facts) -> None:
    births = city.births.with_columns(_county(city.births, "township").alias("county"))
    change = (
        births.filter(pl.col("year").is_in([2016, 2024]))
        .group_by("county", "year")
        .agg(pl.col("births").sum())
        .pivot("year", index="county", values="births")
        .with_columns((pl.col("2024") / pl.col("2016")).alias("ratio"))
    )
    ratio = dict(change.select("county", "ratio").iter_rows())
    # births fall everywhere (China 2016→2024 −47%), least in the growing district, most in the mountains
    assert ratio["990102"] > ratio["990101"] > ratio["990103"]
    area = (
        city.school_year.filter(pl.col("year") == 2024)
        .with_columns(_county(city.school_year).alias("county"))
        .group_by("county")
        .agg((pl.col("area_teaching").sum()).alias("area"))
    )
    pupils = (
        city.grade_year.filter(pl.col("year") == 2024)
        .with_columns(_county(city.grade_year).alias("county"))
        .group_by("county")
        .agg(pl.col("enrollment").sum())
    )
    per = dict(
        area.join(pupils, on="county").select("county", pl.col("area") / pl.col("enrollment")).iter_rows()
    )
    # teaching space per pupil: the county near 优质均衡 well above the demo county, the far one well below
    assert per["990104"] > 1.1 * per["990101"] > 1.1 * 1.1 * per["990105"]


def test_more_counties_for_benchmarks() -> None:
    facts = generate_city(12)
    counties = facts.org_units.filter(pl.col("level") == "county")["code"].to_list()
    assert len(counties) == 12 and counties[:5] == [c.code for c in CURATED]
    assert "990201" in counties and "9902" in facts.org_units["code"].to_list()
    assert facts.schools["code"].is_unique().all()


def test_a_fitted_plan_moves_each_computed_target_by_the_countys_distance() -> None:
    from eduplan.web.plans.plan_io import fitted_plan

    data = {
        "plan": {"name": "示例县规划", "period": [2021, 2025]},
        "targets": [
            {"indicator": "学前三年毛入园率", "code": "preschool_ger", "comparator": "ge", "value": 98, "target_year": 2025,
             "milestones": {2023: 97}},
            {"indicator": "学前三年毛入园率", "code": "preschool_ger", "scope": "rural", "value": 90, "target_year": 2025,
             "manual_values": {2021: 84}},
        ],
    }  # fmt: skip
    # 92.5 in the county against 96.0 in the demo county: 3.5 points lower, so the targets move down by 3.5;
    # a scope the statistics do not split keeps its value but not the demo county's hand-entered values.
    fitted = fitted_plan(data, "青山县", {"preschool_ger": 92.5}, {"preschool_ger": 96.0})
    first, rural = fitted["targets"]
    assert fitted["plan"]["name"] == "青山县教育事业“十四五”发展规划（示例）"
    assert (first["value"], first["milestones"], first["baseline"]) == (
        94.5,
        {2023: 93.5},
        {"value": 92.5, "year": 2020},
    )
    assert rural["value"] == 90 and "manual_values" not in rural
    high = fitted_plan(data, "临川县", {"preschool_ger": 99.0}, {"preschool_ger": 96.0})
    assert high["targets"][0]["value"] == 100.0  # a percentage target stays within 100
