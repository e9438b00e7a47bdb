"""Roll-up (ratio of sums), missing data, the 一贯制 split, the output contract."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest

from eduplan.facts import Facts
from eduplan.indicators.catalogue import load_catalogue
from eduplan.indicators.engine import OUTPUT_SCHEMA, compute

C, T1, T2 = "990101", "990101001", "990101002"
Make = Callable[[], Facts]


def _row(values: pl.DataFrame, code: str, unit: str, year: int = 2020) -> dict:
    return values.filter((pl.col("code") == code) & (pl.col("unit") == unit) & (pl.col("year") == year)).row(
        0, named=True
    )


def test_output_schema(county_values: pl.DataFrame) -> None:
    assert dict(county_values.schema) == {
        k: v() if isinstance(v, type) else v for k, v in OUTPUT_SCHEMA.items()
    }
    assert set(county_values["level"].unique()) == {"school", "township", "county", "city", "province"}
    # value present ⇔ reason absent
    assert county_values.filter(pl.col("value").is_null() == pl.col("reason").is_null()).height == 0


def test_county_is_ratio_of_sums_not_mean_of_ratios(county_values: pl.DataFrame) -> None:
    # Pupil–teacher ratio, primary: P1 60/6 = 10, N1 440/40 = 11; mean of ratios 10.5, but 500/46 = 10.8696.
    county = _row(county_values, "pupil_teacher_ratio_primary", C)
    assert county["value"] == pytest.approx(500 / 46) and county["value"] != pytest.approx(10.5)
    assert _row(county_values, "pupil_teacher_ratio_primary", "P1")["value"] == pytest.approx(10.0)
    assert _row(county_values, "pupil_teacher_ratio_primary", "N1")["value"] == pytest.approx(11.0)


def test_every_ratio_rolls_up_as_sum_over_townships(county_values: pl.DataFrame) -> None:
    towns = county_values.filter(pl.col("unit").is_in([T1, T2]) & (pl.col("year") == 2020))
    sums = towns.group_by("code").agg(
        pl.col("numerator").sum().alias("n"),
        pl.col("denominator").sum().alias("d"),
        pl.col("reason").null_count(),
    )
    county = county_values.filter((pl.col("unit") == C) & (pl.col("year") == 2020))
    both = county.join(sums, on="code").filter(pl.col("reason").is_null() & pl.col("d").is_not_null())
    checked = 0
    for row in both.iter_rows(named=True):
        ind = load_catalogue().get(row["code"])
        if ind.reported or ind.level == "county":
            continue
        assert row["numerator"] == pytest.approx(row["n"]), row["code"]
        if not ind.is_count:
            assert row["denominator"] == pytest.approx(row["d"]), row["code"]
        checked += 1
    assert checked >= 40


def test_city_and_province_equal_the_only_county(county_values: pl.DataFrame) -> None:
    for unit in ("9901", "99"):
        assert _row(county_values, "primary_ger", unit)["value"] == pytest.approx(80.0)


def test_nine_year_split_weights(make_county: Make) -> None:
    # N1: primary 440, junior 200 → 440·1 : 200·1.1 = 2 : 1; 60 teachers → 40 primary, 20 junior.
    values = compute(make_county(), ["pupil_teacher_ratio_primary", "pupil_teacher_ratio_junior"])
    assert _row(values, "pupil_teacher_ratio_primary", "N1")["denominator"] == pytest.approx(40.0)
    assert _row(values, "pupil_teacher_ratio_junior", "N1")["denominator"] == pytest.approx(20.0)


def test_missing_input_gives_null_with_reason_not_zero(make_county: Make) -> None:
    facts = make_county()
    facts.school_year = facts.school_year.with_columns(
        pl.when(pl.col("school") == "J1").then(None).otherwise(pl.col("area_teaching")).alias("area_teaching")
    )
    values = compute(facts, ["teaching_area_per_pupil_junior", "teaching_area_per_pupil_primary"])
    county = _row(values, "teaching_area_per_pupil_junior", C)
    assert county["value"] is None and county["numerator"] is None
    assert "教学及辅助用房面积" in county["reason"] and "缺少 1 项" in county["reason"]
    # The primary value does not use J1 and stays exact: (300 + 2000) / 500.
    assert _row(values, "teaching_area_per_pupil_primary", C)["value"] == pytest.approx(4.6)


def test_absent_stage_row_is_missing_not_zero(make_county: Make) -> None:
    # J1's junior stage has pupils (grade rows) but no stage_year row: its boarders are unknown, so the
    # county's boarder share is missing (1 value lacking), not (44 + 40 + 0) / 800 computed as if J1 had none.
    facts = make_county()
    facts.stage_year = facts.stage_year.filter(pl.col("school") != "J1")
    county = _row(compute(facts, ["boarder_share"]), "boarder_share", C)
    assert county["value"] is None and county["numerator"] is None
    assert "缺少 1 项" in county["reason"]


def test_missing_population_gives_reason(make_county: Make) -> None:
    facts = make_county()
    facts.population = facts.population.filter(~((pl.col("township") == T2) & (pl.col("age") == 4)))
    values = compute(facts, ["preschool_ger"])
    assert _row(values, "preschool_ger", T1)["value"] == pytest.approx(120.0)
    for unit in (T2, C, "99"):
        row = _row(values, "preschool_ger", unit)
        assert row["value"] is None and "3—5周岁常住人口" in row["reason"]


def test_zero_denominator_gives_reason(make_county: Make) -> None:
    values = compute(make_county(), ["senior_teacher_postgrad_share"])
    row = _row(values, "senior_teacher_postgrad_share", T1)  # T1 has no senior school
    assert row["value"] is None and row["reason"] == "分母“普通高中专任教师数”为 0"


def test_cohort_year_missing_gives_reason(make_county: Make) -> None:
    facts = make_county()
    facts.grade_year = facts.grade_year.filter(pl.col("year") == 2020)
    row = _row(compute(facts, ["compulsory_retention_rate"]), "compulsory_retention_rate", C)
    assert row["value"] is None and "8 年前" in row["reason"]


def test_empty_facts_give_empty_frame() -> None:
    values = compute(Facts.empty())
    assert values.height == 0 and values.columns == list(OUTPUT_SCHEMA)


def test_unknown_code_is_not_found(make_county: Make) -> None:
    from eduplan.errors import NotFound

    with pytest.raises(NotFound):
        compute(make_county(), ["no_such_indicator"])


def test_school_rows_only_for_schools_teaching_the_stage(county_values: pl.DataFrame) -> None:
    schools = county_values.filter(
        (pl.col("code") == "pupil_teacher_ratio_junior") & (pl.col("level") == "school")
    )
    assert sorted(schools["unit"].unique()) == ["J1", "N1"]


def test_demo_county_main_indicators_present() -> None:
    from eduplan.demo import generate_county

    values = compute(
        generate_county(), ["preschool_ger", "large_class_share", "primary_teacher_college_share"]
    )
    county = values.filter((pl.col("unit") == C) & (pl.col("year") == 2020))
    assert county.height == 3 and county["value"].null_count() == 0


def test_split_with_unknown_or_zero_pupils(make_county: Make) -> None:
    from eduplan.indicators.split import stage_shares

    facts = make_county()
    grades = facts.grade_year.filter(pl.col("year") == 2020)
    # N1 junior pupils unknown: both N1 shares unknown (not primary 100%).
    unknown = grades.with_columns(
        pl.when(pl.col("school") == "N1").then(None).otherwise(pl.col("enrollment")).alias("enrollment")
    )
    facts.grade_year = unknown.filter((pl.col("school") != "N1") | (pl.col("stage") == "junior")).vstack(
        grades.filter((pl.col("school") == "N1") & (pl.col("stage") == "primary"))
    )
    n1 = stage_shares(facts).filter(pl.col("school") == "N1")
    assert n1["share"].null_count() == 2
    # No pupils at all: split by the weights alone, 1 / 2.1 and 1.1 / 2.1.
    facts.grade_year = grades.with_columns(
        pl.when(pl.col("school") == "N1").then(0).otherwise(pl.col("enrollment")).alias("enrollment")
    )
    shares = dict(stage_shares(facts).filter(pl.col("school") == "N1").select("stage", "share").iter_rows())
    assert shares == pytest.approx({"primary": 1 / 2.1, "junior": 1.1 / 2.1})


def test_unknown_stage_pupils_leave_the_split_missing(make_county: Make) -> None:
    # N1's junior pupils unknown: its 60 teachers cannot be split (split.py), so its primary share is missing
    # (one input lacking) rather than 0 — the county's primary pupil–teacher ratio is not 500 / 6.
    facts = make_county()
    junior_n1 = (pl.col("school") == "N1") & (pl.col("stage") == "junior")
    facts.grade_year = facts.grade_year.with_columns(
        pl.when(junior_n1).then(None).otherwise(pl.col("enrollment")).alias("enrollment")
    )
    values = compute(facts, ["pupil_teacher_ratio_primary"])
    for unit in ("N1", C):
        row = _row(values, "pupil_teacher_ratio_primary", unit)
        assert row["value"] is None and row["denominator"] is None
        assert row["reason"].startswith("分母") and "缺少 1 项" in row["reason"]
    assert _row(values, "pupil_teacher_ratio_primary", "P1")["value"] == pytest.approx(10.0)


def test_stage_statistics_without_grade_rows(make_county: Make) -> None:
    # V1 reports its vocational stage (stage_year) but no grade rows: no pupils, so nothing of its teachers is
    # split to the stage — 0 teachers, and the ratio says its denominator is 0 (never a null without a reason).
    facts = make_county()
    facts.grade_year = facts.grade_year.filter(pl.col("school") != "V1")
    values = compute(facts, ["pupil_teacher_ratio_vocational", "dual_qualified_teacher_share"])
    assert values.filter(pl.col("value").is_null() & pl.col("reason").is_null()).height == 0
    row = _row(values, "pupil_teacher_ratio_vocational", C)
    assert row["value"] is None and row["reason"] == "分母“中职专任教师数”为 0"


def test_code_lookup_by_number_checks_the_strings() -> None:
    from eduplan.indicators.sums import Lookup

    numeric = Lookup(pl.Series(["0012", "1200", "0099"]))  # one length, all numbers: looked up as integers
    strings = pl.Series(["0012", "12", "+012", None, "9999", "1200", "0099", "x"])
    assert numeric(strings).tolist() == [0, -1, -1, -1, -1, 1, 2, -1]
    mixed = Lookup(pl.Series(["K1", "12", "0012"]))  # otherwise by name
    assert mixed(strings).tolist() == [2, 1, -1, -1, -1, -1, -1, -1]
    # In runs (as fact tables come, a school at a time) each run is looked up once, with the same answers.
    runs = pl.Series([s for s in strings.to_list() for _ in range(3)])
    assert numeric(runs).tolist() == [a for a in numeric(strings).tolist() for _ in range(3)]
    assert mixed(runs).tolist() == [a for a in mixed(strings).tolist() for _ in range(3)]


def test_no_population_rows_gives_reasons(make_county: Make) -> None:
    facts = make_county()
    facts.population = facts.population.head(0)
    row = _row(compute(facts, ["preschool_ger"]), "preschool_ger", C)
    assert (
        row["value"] is None and row["reason"] == "分母“3—5周岁常住人口”缺少 6 项数据"
    )  # 3 ages × 2 townships


def test_row_index_dense_and_sparse_agree() -> None:
    import numpy as np

    from eduplan.indicators.sums import Index

    keys = [np.array([7, 3, -1, 7, 900_000]), np.array([3, 12])]
    asked = np.array([3, 7, 12, 900_000, 5, -1])
    dense, sparse = Index(keys, 1_000_000), Index(keys, 10**12)  # a huge key range falls back to sorting
    assert dense.keys.tolist() == sparse.keys.tolist() == [3, 7, 12, 900_000]
    assert dense.groups(asked).index.tolist() == sparse.groups(asked).index.tolist() == [0, 1, 2, 3, 4, 4]


def test_school_terms_are_kept_exactly() -> None:
    import numpy as np

    from eduplan.indicators.sums import _compact

    cases = {  # values → the type they are kept in
        (0.0, 3.0, -2.0): np.int8,
        (300.0, 0.0): np.int16,
        (70_000.0,): np.int32,
        (1e10,): np.float64,  # beyond int32
        (2.5, 1.0): np.float64,  # a fraction (a split resource)
        (np.nan, 1.0): np.float64,
    }
    for values, dtype in cases.items():
        kept = _compact(np.array(values))
        assert kept.dtype == dtype, values
        assert np.array_equal(kept.astype(np.float64), np.array(values), equal_nan=True)


def test_result_does_not_depend_on_row_order() -> None:
    # Fact tables come a school at a time (codes are looked up once per run of equal codes); shuffled, every code
    # is its own run. Sums of fractions may differ in the last bits with the order of addition: the bench's tolerance.
    from eduplan.bench.indicators import agreement, agrees, province

    facts = province(2)
    shuffled = Facts(**{k: v.sample(fraction=1.0, shuffle=True, seed=7) for k, v in facts.frames().items()})
    ours, theirs = compute(facts), compute(shuffled)
    check = agreement(ours, theirs)
    assert check["rows"] == ours.height > 10_000 and agrees(check), check


def test_each_indicator_alone_equals_its_rows_of_all(county: Facts, county_values: pl.DataFrame) -> None:
    # All at once, each level's sums are dropped after the last indicator that reads them: a term dropped too
    # early would fail or change a later indicator's rows.
    from eduplan.bench.indicators import agreement, agrees

    for ind in load_catalogue():
        alone = compute(county, [ind.code])
        check = agreement(alone, county_values.filter(pl.col("code") == ind.code))
        assert check["rows"] == alone.height and agrees(check), (ind.code, check)


def test_each_term_is_dropped_after_its_last_reader(county: Facts) -> None:
    from eduplan.indicators.engine import _plan, hierarchy

    inds = [i for i in load_catalogue() if not i.reported]
    _, parts = _plan(county, inds, hierarchy(county))
    reads = [{(p.level.name, t.key) for t in (*p.num, *p.den)} for p in parts]
    for i, part in enumerate(parts):
        dropped = {(part.level.name, k) for k in part.last}
        assert dropped <= reads[i]
        assert not any(dropped & later for later in reads[i + 1 :]), part.ind.code
    assert set().union(*reads) == {
        (p.level.name, k) for p in parts for k in p.last
    }  # every term dropped once
