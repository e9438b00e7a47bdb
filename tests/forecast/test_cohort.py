"""Hand-worked cohorts: every ratio and projected number below is worked out in the comments."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from eduplan.facts import TABLES, Facts
from eduplan.forecast.backtest import history_from_csv_frames
from eduplan.forecast.chain import full_chain, single_stage_chain
from eduplan.forecast.cohort import Method, cohort_table, forecast
from eduplan.forecast.inputs import forecast_facts


def one_school() -> tuple[pl.DataFrame, pl.DataFrame]:
    # School A, grades 1-2; grade 1 of year t was born in t - 6.
    enrollment = pl.DataFrame(
        {
            "school": ["A"] * 6,
            "year": [2020, 2020, 2021, 2021, 2022, 2022],
            "grade": [1, 2, 1, 2, 1, 2],
            "enrollment": [50, 40, 55, 49, 66, 54],
        }
    )
    births = pl.DataFrame({"year": [2014, 2015, 2016, 2017, 2018], "births": [100, 110, 120, 100, 90]})
    return enrollment, births


def test_entry_and_progression_ratios_pooled_over_three_years() -> None:
    h = history_from_csv_frames(*one_school(), entry_grade=1, lag=6)
    p = forecast(h, 2022, 2, Method(base_years=3, estimator="pooled"))
    # Entry: (50 + 55 + 66) / (births 2014-2016: 100 + 110 + 120) = 171 / 330.
    assert p.ratios[0, 0] == pytest.approx(171 / 330)
    # Progression 1 -> 2: (49 + 54) / (50 + 55) = 103 / 105 (2020 has no previous year).
    assert p.ratios[0, 1] == pytest.approx(103 / 105)
    # 2023: grade 1 = 171/330 × births 2017 (100) = 51.818…; grade 2 = 103/105 × 66 = 64.742…
    assert p.point[0, 0, 0] == pytest.approx(171 / 330 * 100)
    assert p.point[0, 0, 1] == pytest.approx(103 / 105 * 66)
    # 2024: grade 1 = 171/330 × 90 = 46.636…; grade 2 = 103/105 × 51.818… = 50.831…
    assert p.point[0, 1, 0] == pytest.approx(171 / 330 * 90)
    assert p.point[0, 1, 1] == pytest.approx(103 / 105 * 171 / 330 * 100)


def test_mean_and_median_estimators() -> None:
    h = history_from_csv_frames(*one_school(), entry_grade=1, lag=6)
    # Single-year entry ratios: 50/100 = 0.5, 55/110 = 0.5, 66/120 = 0.55.
    mean = forecast(h, 2022, 1, Method(3, "mean"))
    assert mean.ratios[0, 0] == pytest.approx((0.5 + 0.5 + 0.55) / 3)
    median = forecast(h, 2022, 1, Method(3, "median"))
    assert median.ratios[0, 0] == pytest.approx(0.5)
    # Progression single years 49/50 = 0.98 and 54/55: the median of two is their mean.
    assert median.ratios[0, 1] == pytest.approx((0.98 + 54 / 55) / 2)


def test_range_is_one_standard_deviation_of_single_year_ratios() -> None:
    h = history_from_csv_frames(*one_school(), entry_grade=1, lag=6)
    p = forecast(h, 2022, 1, Method(3, "pooled"))
    sd = float(np.std([0.5, 0.5, 0.55]))  # population sd of 0.5, 0.5, 0.55 = 0.02357…
    assert p.spread[0, 0] == pytest.approx(sd)
    # Low grade 1 of 2023 = (171/330 − sd) × 100; high = (171/330 + sd) × 100.
    assert p.low[0, 0, 0] == pytest.approx((171 / 330 - sd) * 100)
    assert p.high[0, 0, 0] == pytest.approx((171 / 330 + sd) * 100)


def test_origin_uses_only_data_up_to_it() -> None:
    h = history_from_csv_frames(*one_school(), entry_grade=1, lag=6)
    p = forecast(h, 2021, 1, Method(3, "pooled"))
    # Base years 2020-2021 only: entry (50 + 55) / (100 + 110) = 0.5; 2022 grade 1 = 0.5 × 120 = 60.
    assert p.point[0, 0, 0] == pytest.approx(60.0)
    # Grade 2 of 2022 = 49/50 × 55 = 53.9.
    assert p.point[0, 0, 1] == pytest.approx(53.9)


def test_births_after_the_origin_are_held_flat() -> None:
    cohorts = np.array([[10.0, 20.0, 30.0, 40.0]])  # birth years 2000-2003
    table = cohort_table(cohorts, 2000, known_until=2001, last=2004)
    # 2002-2004 are not known at origin 2001: held at 20.
    assert table.tolist() == [[10.0, 20.0, 20.0, 20.0, 20.0]]


def test_single_stage_chain_starts_at_entry_grade() -> None:
    chain = single_stage_chain([1, 2, 3, 4], entry_grade=2, lag=7)
    assert [(p.grade, p.source, p.feeder) for p in chain] == [
        (2, "cohort", -1),
        (3, "progression", 0),
        (4, "progression", 1),
    ]
    assert chain[0].lag == 7


def _frame(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return TABLES[table].frame(rows)


def transition_facts() -> Facts:
    # One township T: primary school P (grades 5 and 6 matter) and junior school J.
    school = {"township": "T", "ownership": "public", "locale": "urban", "zone": "Z"}
    rows = [
        ("P", 2023, "primary", 5, 110), ("P", 2023, "primary", 6, 100),
        ("P", 2024, "primary", 5, 120), ("P", 2024, "primary", 6, 99),
        ("J", 2023, "junior", 1, 90), ("J", 2024, "junior", 1, 95),
    ]  # fmt: skip
    facts = Facts.empty()
    facts.schools = _frame(
        "schools",
        [{**school, "code": "P", "name": "小学", "school_type": "primary"},
         {**school, "code": "J", "name": "初中", "school_type": "junior"}],
    )  # fmt: skip
    facts.grade_year = _frame(
        "grade_year",
        [{"school": s, "year": y, "stage": st, "grade": g, "enrollment": e} for s, y, st, g, e in rows],
    )
    return facts


def test_junior_intake_from_the_areas_primary_graduates() -> None:
    fc = forecast_facts(transition_facts(), "school", 2024, 2, Method(base_years=3))
    j = fc.frame.filter((pl.col("unit") == "J") & (pl.col("stage") == "junior") & (pl.col("grade") == 1))
    # Transition ratio: J grade 1 in 2024 (95) / township's primary 6 in 2023 (100) = 0.95.
    # Progression 5 -> 6: 99 / 110 = 0.9.
    # 2025: 0.95 × primary 6 of 2024 (99) = 94.05. 2026: 0.95 × (0.9 × primary 5 of 2024: 120 = 108) = 102.6.
    assert j["enrollment"].to_list() == pytest.approx([94.05, 102.6])
    ratios = fc.ratios.filter(
        (pl.col("unit") == "J") & (pl.col("stage") == "junior") & (pl.col("grade") == 1)
    )
    assert ratios["source"].item() == "transition"
    assert ratios["ratio"].item() == pytest.approx(0.95)


def test_zone_level_sums_its_schools() -> None:
    fc = forecast_facts(transition_facts(), "zone", 2024, 1, Method(base_years=3))
    z = fc.frame.filter(pl.col("year") == 2025)
    # Zone Z holds P and J: junior 1 = 94.05 (as above); primary 6 = 0.9 × 120 = 108.
    assert z.filter(pl.col("stage") == "junior")["enrollment"].sum() == pytest.approx(94.05)
    assert z.filter((pl.col("stage") == "primary") & (pl.col("grade") == 6))[
        "enrollment"
    ].item() == pytest.approx(108)


def test_full_chain_has_fifteen_positions() -> None:
    chain = full_chain()
    assert len(chain) == 15
    assert (chain[3].stage, chain[3].lag) == ("primary", 6)
    assert (chain[0].stage, chain[0].lag) == ("preschool", 3)
    assert chain[9].source == "transition" and chain[chain[9].feeder].grade == 6


def test_cohorts_from_births_then_population() -> None:
    from eduplan.forecast.inputs import cohorts

    births = pl.DataFrame({"township": ["T", "T"], "year": [2023, 2024], "births": [300, 280]})
    population = pl.DataFrame(
        {
            "township": ["T", "T", "T", "U"],
            "year": [2023, 2024, 2024, 2024],
            "age": [5, 6, 0, 1],
            "population": [290, 294, 999, 50],
        }
    )
    got = {(r["area"], r["birth_year"]): r["size"] for r in cohorts(births, population).iter_rows(named=True)}
    # 2018 cohort: counted at age 5 in 2023 (290) and at age 6 in 2024 (294): the latest count wins.
    # 2024 cohort: registered births (280) win over the count at age 0 (999). U has only counts: 2023 = 50.
    assert got == {("T", 2023): 300.0, ("T", 2024): 280.0, ("T", 2018): 294.0, ("U", 2023): 50.0}


def test_damped_trend_in_entry_share() -> None:
    # Births 100 every year; entrants 50, 52, 54: single-year ratios 0.50, 0.52, 0.54, slope 0.02 a year.
    enrollment = pl.DataFrame(
        {"school": ["A"] * 3, "year": [2020, 2021, 2022], "grade": [1] * 3, "enrollment": [50, 52, 54]}
    )
    births = pl.DataFrame({"year": list(range(2010, 2020)), "births": [100] * 10})
    h = history_from_csv_frames(enrollment, births, entry_grade=1, lag=6)
    p = forecast(h, 2022, 3, Method(base_years=3, trend=0.5, trend_years=5))
    # Pooled ratio 156/300 = 0.52 sits at 2021; carried to 2022: 0.52 + 0.02 × (3 − 1)/2 = 0.54.
    # Then φ = 0.5: 2023 + 0.02 × 0.5 = 0.55; 2024 + 0.02 × 0.75 = 0.555; 2025 + 0.02 × 0.875 = 0.5575.
    assert p.point[0, :, 0].tolist() == pytest.approx([55.0, 55.5, 55.75])
    # Without a trend the ratio stays 0.52 -> 52 pupils a year.
    assert forecast(h, 2022, 1, Method(base_years=3)).point[0, 0, 0] == pytest.approx(52.0)


def test_births_after_the_last_known_year_follow_a_damped_trend() -> None:
    cohorts = np.array([[100.0, 90.0, 80.0, 70.0]])  # birth years 2000-2003, falling 10 a year
    table = cohort_table(cohorts, 2000, known_until=2003, last=2006, damping=0.5, years=5)
    # 2004: 70 − 10 × 0.5 = 65; 2005: 70 − 10 × 0.75 = 62.5; 2006: 70 − 10 × 0.875 = 61.25.
    assert table[0].tolist() == pytest.approx([100, 90, 80, 70, 65, 62.5, 61.25])


def test_backtest_units_by_stage() -> None:
    from eduplan.forecast.backtest import backtest_units
    from eduplan.forecast.inputs import history_of
    from eduplan.forecast.synthetic import synthetic_facts

    h, _ = history_of(synthetic_facts(n_townships=2, zones_per_township=1), "county")
    r = backtest_units(h, "county")
    assert list(r.method) == ["preschool", "primary", "junior", "senior"]
    assert all(0 <= v <= 100 for by in r.coverage.values() for v in by.values() if v is not None)
    # Births fall 7 % a year after 2017 in the synthetic county: the cohort method beats "same as last year".
    assert all(r.method[s][3] < r.naive[s][3] for s in ("preschool", "primary", "junior"))  # type: ignore[operator]


def test_senior_intake_from_the_whole_region() -> None:
    # Junior schools J1 (township T1) and J2 (T2); the only senior school S is in T1.
    base = {"ownership": "public", "locale": "urban"}
    rows = [
        ("J1", 2023, "junior", 3, 100), ("J2", 2023, "junior", 3, 60), ("S", 2023, "senior", 1, 75),
        ("J1", 2024, "junior", 3, 110), ("J2", 2024, "junior", 3, 70), ("S", 2024, "senior", 1, 80),
    ]  # fmt: skip
    facts = Facts.empty()
    facts.schools = _frame(
        "schools",
        [{**base, "code": "J1", "name": "甲", "township": "T1", "school_type": "junior"},
         {**base, "code": "J2", "name": "乙", "township": "T2", "school_type": "junior"},
         {**base, "code": "S", "name": "丙", "township": "T1", "school_type": "senior"}],
    )  # fmt: skip
    facts.grade_year = _frame(
        "grade_year",
        [{"school": s, "year": y, "stage": st, "grade": g, "enrollment": e} for s, y, st, g, e in rows],
    )
    fc = forecast_facts(facts, "school", 2024, 1, Method(base_years=3))
    s1 = fc.frame.filter((pl.col("unit") == "S") & (pl.col("stage") == "senior") & (pl.col("grade") == 1))
    # Ratio: 80 / (J1 + J2 grade 3 of 2023: 100 + 60 = 160) = 0.5; 2025: 0.5 × (110 + 70) = 90.
    # (Counting only S's own township T1 would give 80/100 × 110 = 88.)
    assert s1["enrollment"].item() == pytest.approx(90.0)


def test_a_gap_in_births_takes_the_year_before() -> None:
    cohorts = np.array([[np.nan, 10.0, np.nan, 30.0]])  # 2000 unknown, 2002 missing
    table = cohort_table(cohorts, 2000, known_until=2003, last=2004)
    # 2000 stays unknown (nothing before it); 2002 takes 2001's 10; 2004 is held at 30.
    assert np.isnan(table[0, 0]) and table[0, 1:].tolist() == [10.0, 10.0, 30.0, 30.0]
