"""The demo county: determinism, the contract's shape, internal consistency, the seed's 2020 magnitudes."""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.demo import generate_county, generate_province
from eduplan.errors import ConfigError
from eduplan.facts import TABLES, Facts


@pytest.fixture(scope="module")
def facts() -> Facts:
    return generate_county()


def test_two_runs_are_identical(facts: Facts) -> None:
    again = generate_county()
    for name, frame in facts.frames().items():
        assert frame.equals(getattr(again, name)), name


def test_another_seed_gives_another_county(facts: Facts) -> None:
    other = generate_county(seed=7)
    assert not facts.grade_year.equals(other.grade_year)


def test_every_table_has_exactly_the_contract_columns_and_dtypes(facts: Facts) -> None:
    for name, table in TABLES.items():
        frame = getattr(facts, name)
        assert frame.schema == pl.Schema(table.polars_schema()), name
        assert frame.height > 0, name


def test_keys_unique_required_present_values_in_range(facts: Facts) -> None:
    for name, table in TABLES.items():
        frame = getattr(facts, name)
        assert frame.select(table.key).is_duplicated().sum() == 0, name
        for col in table.columns:
            values = frame[col.name]
            if col.required:
                assert values.null_count() == 0, (name, col.name)
            if col.choices:
                assert set(values.drop_nulls().unique()) <= set(col.choices), (name, col.name)
            if col.min is not None and col.kind in ("int", "float"):
                assert (values.drop_nulls() >= col.min).all(), (name, col.name)
            if col.max is not None and col.kind in ("int", "float"):
                assert (values.drop_nulls() <= col.max).all(), (name, col.name)


def test_fixed_codes_and_hierarchy(facts: Facts) -> None:
    units = {row["code"]: row for row in facts.org_units.iter_rows(named=True)}
    assert units["99"]["name"] == "示例省" and units["99"]["level"] == "province"
    assert units["9901"]["name"] == "示例市" and units["9901"]["parent"] == "99"
    assert units["990101"]["name"] == "示例县" and units["990101"]["parent"] == "9901"
    townships = facts.org_units.filter(pl.col("level") == "township")
    assert 12 <= townships.height <= 18
    assert townships["code"].str.contains(r"^990101\d{3}$").all()
    assert (townships["parent"] == "990101").all()
    schools = facts.schools
    assert schools.height >= 100
    assert schools["code"].str.contains(r"^990101\d{4}$").all()
    assert set(schools["township"]) <= set(townships["code"])


def test_school_mix_is_that_of_a_county(facts: Facts) -> None:
    count = dict(facts.schools.group_by("school_type").len().iter_rows())
    assert 50 <= count["kindergarten"] <= 62
    assert 28 <= count["primary"] + count["teaching_point"] <= 40
    assert 8 <= count["junior"] <= 12
    assert (count["nine_year"], count["senior"], count["vocational"], count["special"]) == (4, 3, 1, 1)
    kg = facts.schools.filter(pl.col("school_type") == "kindergarten")
    assert set(kg["ownership"]) == {"public", "private_inclusive", "private"}
    assert set(facts.schools["locale"]) == {"urban", "town", "rural"}
    assert facts.schools.filter(pl.col("name") == "示例县城关第一小学").height == 1
    assert facts.schools["name"].is_unique().all()


def test_teacher_counts_are_consistent(facts: Facts) -> None:
    sy = facts.school_year
    qual = (
        sy["teachers_postgrad"] + sy["teachers_bachelor"] + sy["teachers_college"] + sy["teachers_secondary"]
    )
    assert (qual == sy["teachers"]).all()
    assert (sy["teachers"] <= sy["staff"]).all()
    assert (sy["teachers_backbone"].drop_nulls() <= sy.drop_nulls("teachers_backbone")["teachers"]).all()
    assert (sy["teachers_pe"] + sy["teachers_arts"] <= sy["teachers"]).all()
    assert (sy["teachers_certified"] <= sy["teachers"]).all()
    rot = sy.drop_nulls("teachers_rotated")
    assert (rot["teachers_rotated"] <= rot["teachers_rotation_eligible"]).all()
    assert (rot["teachers_rotation_eligible"] <= rot["teachers"]).all()
    assert (rot["backbone_rotated"] <= rot["teachers_rotated"]).all()


def test_classes_follow_the_rules(facts: Facts) -> None:
    g = facts.grade_year
    assert (g["enrollment"] > 0).all()
    assert (g["classes"] > 0).all()
    assert (g["classes_56_65"] + g["classes_66_plus"] <= g["classes"]).all()
    assert (g["enrollment_female"] <= g["enrollment"]).all()
    # Large classes hold at least 56 pupils each, so they cannot outnumber what the grade can fill.
    assert (g["classes_56_65"] * 56 + g["classes_66_plus"] * 66 <= g["enrollment"]).all()
    grades = g.group_by("stage").agg(pl.col("grade").max())
    assert dict(grades.iter_rows()) == {"preschool": 3, "primary": 6, "junior": 3, "senior": 3,
                                        "vocational": 3, "special": 9}  # fmt: skip


def test_stage_and_health_counts_are_consistent(facts: Facts) -> None:
    st = facts.stage_year.join(
        facts.grade_year.group_by("school", "year", "stage").agg(pl.col("enrollment").sum()),
        on=["school", "year", "stage"],
    )
    assert st.height == facts.stage_year.height
    for col in ("disabled", "migrant", "boarders", "transfers_in", "transfers_out", "entrants"):
        assert (st[col] <= st["enrollment"]).all(), col
    h = facts.health_year.drop_nulls()
    assert (h["health_passed"] <= h["health_tested"]).all()
    assert (h["health_good"] <= h["health_passed"]).all()
    assert (h["myopic"] <= h["vision_screened"]).all()


def test_missing_values_are_null_in_a_few_places(facts: Facts) -> None:
    sy = facts.school_year
    nulls = sum(sy[c].null_count() for c in ("area_sports", "teachers_backbone", "equipment_value"))
    assert 1 <= nulls <= 5
    assert facts.health_year["myopic"].null_count() == 1
    assert facts.reported["value"].null_count() >= 1


# --- the seed's magnitudes -----------------------------------------------------------------------------


def _pop(facts: Facts, year: int, lo: int, hi: int) -> int:
    p = facts.population.filter((pl.col("year") == year) & pl.col("age").is_between(lo, hi))
    return int(p["population"].sum())


def _enrolled(facts: Facts, year: int, stages: tuple[str, ...], grade: int | None = None) -> int:
    g = facts.grade_year.filter((pl.col("year") == year) & pl.col("stage").is_in(stages))
    if grade is not None:
        g = g.filter(pl.col("grade") == grade)
    return int(g["enrollment"].sum())


def test_preschool_2020_reads_like_the_seed(facts: Facts) -> None:
    # seed: 在园幼儿 1.3683 万, 学前三年毛入园率 101.89% (在园 / population aged 3-5)
    in_kg = _enrolled(facts, 2020, ("preschool",))
    assert 13_000 <= in_kg <= 14_400
    assert 0.97 <= in_kg / _pop(facts, 2020, 3, 5) <= 1.05


def test_senior_gross_enrollment_2020_reads_like_the_seed(facts: Facts) -> None:
    # seed: 高中阶段毛入学率 99.14% = (普高 + 中职 pupils) / population aged 15-17; 中职 ≈ 0.23 万
    ratio = _enrolled(facts, 2020, ("senior", "vocational")) / _pop(facts, 2020, 15, 17)
    assert 0.96 <= ratio <= 1.02
    assert 1_900 <= _enrolled(facts, 2020, ("vocational",)) <= 2_700


def test_consolidation_rate_reads_like_the_seed(facts: Facts) -> None:
    # 巩固率 = junior grade 3 in year t / primary grade 1 in year t-8; seed 99.18% (2020)
    assert 0.97 <= _enrolled(facts, 2024, ("junior",), 3) / _enrolled(facts, 2016, ("primary",), 1) <= 1.01
    # The 2020 初三 entered primary grade 1 in 2012: the demo's history years (params.yaml history_from) hold it.
    assert 0.97 <= _enrolled(facts, 2020, ("junior",), 3) / _enrolled(facts, 2012, ("primary",), 1) <= 1.01
    early = generate_county(first_year=2012)
    assert 0.97 <= _enrolled(early, 2020, ("junior",), 3) / _enrolled(early, 2012, ("primary",), 1) <= 1.01


def test_history_years_hold_enrollment_and_population_only(facts: Facts) -> None:
    def years(frame: pl.DataFrame) -> list[int]:
        return sorted(frame["year"].unique())

    assert years(facts.grade_year) == years(facts.population) == list(range(2012, 2026))
    assert years(facts.school_year) == years(facts.health_year) == list(range(2016, 2026))
    assert min(facts.reported["year"]) == 2016
    old = facts.stage_year.filter(pl.col("year") < 2016)
    assert old.height > 0  # the stages each school had, their measures missing (null), never 0
    assert old.drop("school", "year", "stage").null_count().row(0) == (old.height,) * (old.width - 3)
    # The history comes from its own generators: the full years are the same with or without it.
    without = generate_county(history_from=2016)
    for name, frame in without.frames().items():
        mine = getattr(facts, name)
        if "year" in frame.columns and name != "births":
            mine = mine.filter(pl.col("year") >= 2016)
        assert frame.equals(mine), name


def test_compulsory_teachers_and_rotation_2020(facts: Facts) -> None:
    # seed: 396 teachers rotated = 12.56% (so ≈3,150 compulsory-stage teachers)
    compulsory = facts.schools.filter(
        pl.col("school_type").is_in(["primary", "teaching_point", "junior", "nine_year"])
    )
    sy = facts.school_year.filter(
        (pl.col("year") == 2020) & pl.col("school").is_in(compulsory["code"].implode())
    )
    teachers = int(sy["teachers"].sum())
    assert 2_900 <= teachers <= 3_300
    assert 0.10 <= sy["teachers_rotated"].sum() / teachers <= 0.15


def test_births_fall_by_about_45_percent(facts: Facts) -> None:
    births = dict(facts.births.group_by("year").agg(pl.col("births").sum()).iter_rows())
    assert min(births) == 2000 and max(births) == 2025
    assert 0.40 <= 1 - births[2023] / births[2016] <= 0.50


def test_cohorts_move_up_a_grade_a_year(facts: Facts) -> None:
    for year in range(2017, 2026):
        for grade in range(2, 7):
            now = _enrolled(facts, year, ("primary",), grade)
            before = _enrolled(facts, year - 1, ("primary",), grade - 1)
            assert 0.95 <= now / before <= 1.05, (year, grade)


def test_entrants_come_from_births_six_years_earlier(facts: Facts) -> None:
    births = dict(facts.births.group_by("year").agg(pl.col("births").sum()).iter_rows())
    for year in range(2016, 2026):
        assert 0.9 <= _enrolled(facts, year, ("primary",), 1) / births[year - 6] <= 1.1, year


def test_town_schools_crowd_and_rural_schools_shrink(facts: Facts) -> None:
    g = facts.grade_year.join(facts.schools.select(pl.col("code").alias("school"), "locale"), on="school")
    urban_2016 = g.filter((pl.col("year") == 2016) & (pl.col("locale") == "urban"))
    assert urban_2016["classes_56_65"].sum() >= 20
    assert urban_2016["classes_66_plus"].sum() >= 3
    sizes = (
        g.filter(pl.col("stage").is_in(["primary", "junior"]))
        .group_by("school", "year", "locale")
        .agg(pl.col("enrollment").sum())
    )
    small = sizes.filter(
        (pl.col("year") == 2025) & (pl.col("locale") == "rural") & (pl.col("enrollment") < 100)
    )
    assert small.height >= 5
    assert g.filter(pl.col("year") == 2025)["classes_56_65"].sum() < urban_2016["classes_56_65"].sum() / 5


def test_health_and_myopia(facts: Facts) -> None:
    h = facts.health_year.filter(pl.col("year") == 2020).drop_nulls()
    assert 0.985 <= h["health_passed"].sum() / h["health_tested"].sum() <= 0.995  # seed 99.24%
    assert 0.45 <= h["health_good"].sum() / h["health_tested"].sum() <= 0.50  # seed 47.84%
    junior = facts.schools.filter(pl.col("school_type") == "junior")["code"].implode()
    j = h.filter(pl.col("school").is_in(junior))
    assert 0.45 <= j["myopic"].sum() / j["vision_screened"].sum() <= 0.55


def test_memberships_grow(facts: Facts) -> None:
    per_year = dict(facts.memberships.group_by("year").len().iter_rows())
    assert min(per_year) == 2018
    counts = [per_year.get(y, 0) for y in range(2016, 2026)]
    assert counts == sorted(counts)
    # seed: 学区化、集团化办学覆盖 ≥ 20% of compulsory schools by 2025; the demo county falls short on purpose
    # (params.yaml memberships.coverage, issue 5: its plan has targets off track): 8 of 47 = 17.0% in 2025.
    compulsory = facts.schools.filter(
        pl.col("school_type").is_in(["primary", "teaching_point", "junior", "nine_year"])
    )
    open_2025 = compulsory.filter(pl.col("closed_year").is_null()).height
    assert 0.15 <= per_year[2025] / open_2025 < 0.2
    assert set(facts.memberships["kind"]) == {"group", "district"}


def test_reported_values_cover_the_indicators(facts: Facts) -> None:
    r = facts.reported.filter(pl.col("unit") == "990101")
    assert r.group_by("indicator").len()["len"].to_list() == [10] * r["indicator"].n_unique()
    assert r["indicator"].n_unique() == 13
    value = {(row["indicator"], row["year"]): row["value"] for row in r.iter_rows(named=True)}
    assert value[("poor_student_aid_coverage", 2020)] == 100.0
    assert 88 <= value[("social_recognition", 2020)] <= 92
    assert 97 <= value[("disabled_compulsory_enrollment_rate", 2020)] <= 99
    # 主干专业与产业匹配度 stalls at 11 of 13 majors from 2019, below the plan's 90% (params.yaml, issue 5)
    match = [value[("vocational_major_industry_match", y)] for y in range(2019, 2026)]
    assert match == [round(11 / 13 * 100, 2)] * 7
    with_base = r.drop_nulls("denominator")
    assert (
        (with_base["numerator"] <= with_base["denominator"])
        | (with_base["indicator"] == "teacher_training_hours")
    ).all()
    townships = facts.reported.filter(pl.col("unit").str.len_chars() == 9)
    assert townships.height > 0


def test_province_has_unique_codes_and_a_city_per_ten_counties() -> None:
    province = generate_province(12)
    levels = dict(province.org_units.group_by("level").len().iter_rows())
    assert levels["province"] == 1 and levels["city"] == 2 and levels["county"] == 12
    assert province.org_units["code"].is_unique().all()
    assert province.schools["code"].is_unique().all()
    assert "990101" in province.org_units["code"].to_list()
    assert province.org_units.filter(pl.col("level") == "county")["name"].is_unique().all()
    counties = province.org_units.filter(pl.col("level") == "county")
    assert counties["code"].str.slice(0, 4).is_in(["9901", "9902"]).all()
    sizes = province.schools.group_by(pl.col("code").str.slice(0, 6)).len()["len"]
    assert sizes.max() > 1.5 * sizes.min()  # counties differ in size


def test_years_outside_the_supported_span_are_refused() -> None:
    with pytest.raises(ConfigError):
        generate_county(first_year=1990)
    with pytest.raises(ConfigError):
        generate_county(first_year=2020, last_year=2019)
    with pytest.raises(ConfigError):
        generate_county(history_from=2008)  # births are simulated from 1990: ages 0-18 need 2009 or later


def test_some_primary_schools_fail_balanced_thresholds_fewer_later(facts: Facts) -> None:
    # 优质均衡 thresholds for 小学 (per 100 pupils / per pupil): 高于规定学历教师 4.2, 骨干 1, 体艺 0.9,
    # 教学及辅助用房 4.5 m², 体育运动场馆 7.5 m², 仪器设备 2000 元, 网络多媒体教室 2.3.
    primary = facts.schools.filter(pl.col("school_type") == "primary")["code"].implode()
    pupils = facts.grade_year.group_by("school", "year").agg(pl.col("enrollment").sum().alias("n"))
    sy = facts.school_year.filter(pl.col("school").is_in(primary)).join(pupils, on=["school", "year"])
    per100 = 100 / pl.col("n")
    fails = sy.with_columns(
        fail=pl.any_horizontal(
            (pl.col("teachers_postgrad") + pl.col("teachers_bachelor") + pl.col("teachers_college")) * per100
            < 4.2,
            pl.col("teachers_backbone") * per100 < 1,
            (pl.col("teachers_pe") + pl.col("teachers_arts")) * per100 < 0.9,
            pl.col("area_teaching") / pl.col("n") < 4.5,
            pl.col("area_sports") / pl.col("n") < 7.5,
            pl.col("equipment_value") / pl.col("n") < 2000,
            pl.col("multimedia_classrooms") * per100 < 2.3,
        )
    )
    failing = dict(fails.group_by("year").agg(pl.col("fail").sum()).iter_rows())
    total = dict(fails.group_by("year").len().iter_rows())
    assert 0 < failing[2025] < failing[2016] < total[2016]
