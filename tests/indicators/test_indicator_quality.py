"""Quality rules as data, robust year-on-year outliers, completeness."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest

from eduplan.facts import Facts
from eduplan.indicators.quality import (
    Rule,
    check,
    completeness,
    completeness_findings,
    load_config,
    outlier_findings,
    robust_z,
    rule_findings,
)

Make = Callable[[], Facts]


def _ids(findings: pl.DataFrame, rule: str) -> list[tuple[str, int]]:
    hit = findings.filter(pl.col("rule") == rule)
    return sorted(zip(hit["unit"].to_list(), hit["year"].to_list(), strict=True))


def test_clean_county_breaks_no_rule(county: Facts) -> None:
    assert rule_findings(county).height == 0


def test_rules_are_data_and_all_load() -> None:
    rules = load_config()["rules"]
    assert len(rules) >= 20 and all({"left", "operator", "right", "severity"} <= set(r) for r in rules)


def test_teacher_degrees_must_sum(make_county: Make) -> None:
    facts = make_county()
    # P1: 0 + 2 + 3 + 1 = 6 = teachers; make it 7 by adding a postgraduate.
    facts.school_year = facts.school_year.with_columns(
        pl.when(pl.col("school") == "P1")
        .then(1)
        .otherwise(pl.col("teachers_postgrad"))
        .alias("teachers_postgrad")
    )
    found = rule_findings(facts)
    row = found.filter(pl.col("rule") == "各学历专任教师之和等于专任教师数").row(0, named=True)
    assert (row["unit"], row["year"], row["value"], row["severity"]) == ("P1", 2020, 7.0, "error")


def test_entrants_vs_age6_population(make_county: Make) -> None:
    facts = make_county()
    # T1 primary entrants: P1 10; age 6 population 50; 10 ≤ 75 holds. Raise entrants to 76 > 1.5 × 50.
    facts.stage_year = facts.stage_year.with_columns(
        pl.when(pl.col("school") == "P1").then(76).otherwise(pl.col("entrants")).alias("entrants")
    )
    assert _ids(rule_findings(facts), "小学招生数不超过6周岁人口的1.5倍") == [("990101001", 2020)]


def test_class_size_rules(make_county: Make) -> None:
    facts = make_county()
    # N1 primary grade 1: 80 pupils, 1 class of 66+ (fine). Claim a second 66+ class: 2 > 1 class, 80 < 132.
    facts.grade_year = facts.grade_year.with_columns(
        pl.when(
            (pl.col("school") == "N1")
            & (pl.col("stage") == "primary")
            & (pl.col("grade") == 1)
            & (pl.col("year") == 2020)
        )
        .then(2)
        .otherwise(pl.col("classes_66_plus"))
        .alias("classes_66_plus")
    )
    found = rule_findings(facts)
    assert _ids(found, "56人及以上班数不超过班数") == [("N1", 2020)]
    assert _ids(found, "大班额班数与在校生数相符（每个大班至少56人、超大班至少66人）") == [("N1", 2020)]
    assert "学段 小学 年级 1：" in found["message"][0] and "66人及以上班数" in found["message"][0]


def test_null_side_is_not_judged() -> None:
    frame = pl.DataFrame({"a": [1, None, 5], "b": [2, 2, None]})
    rule = Rule("x", "x", "school_year", "a", "<=", "b", "error")
    assert frame.filter(rule.holds().not_()).height == 0


def test_robust_z_by_hand() -> None:
    # 10 10 11 11 12 40: median 11; |x − 11| = 1 1 0 0 1 29 → MAD 1; z(40) = 0.6745 × 29 = 19.5605
    frame = pl.DataFrame({"g": ["a"] * 6, "v": [10.0, 11.0, 12.0, 11.0, 10.0, 40.0]})
    z = frame.select(robust_z(pl.col("v"), ["g"]).alias("z"))["z"].to_list()
    assert z[-1] == pytest.approx(0.6745 * 29) and z[2] == pytest.approx(0.6745)


def test_outlier_year_found(make_county: Make) -> None:
    facts = make_county()
    base = facts.school_year.filter(pl.col("school") == "P1")
    years = [base.with_columns(pl.lit(y, pl.Int64).alias("year"), pl.lit(t, pl.Int64).alias("teachers"))
             for y, t in zip(range(2014, 2020), [10, 11, 12, 11, 10, 40], strict=True)]  # fmt: skip
    facts.school_year = pl.concat([facts.school_year, *years])
    # 10 11 12 11 10 40 and the fixture's 2020: 6 → changes 1 1 −1 −1 30 −34: median 0, |d| → MAD 1;
    # z(30) = 0.6745 × 30 = 20.24 (the jump), z(−34) = −22.93 (the way back); both ≥ 10% of the median 10.5
    found = outlier_findings(facts).filter(pl.col("field") == "teachers")
    assert found.select("unit", "year", "value").rows() == [("P1", 2019, 40.0), ("P1", 2020, 6.0)]
    assert found["message"][0] == "专任教师数较上年变化 30.0，稳健 z = 20.24"


def test_tiny_change_is_not_material(make_county: Make) -> None:
    facts = make_county()
    base = facts.school_year.filter(pl.col("school") == "P1")
    years = [base.with_columns(pl.lit("P1", pl.String).alias("school"), pl.lit(y, pl.Int64).alias("year"),
                               pl.lit(t, pl.Int64).alias("staff"))
             for y, t in zip(range(2015, 2020), [7, 7, 7, 7, 8], strict=True)]  # fmt: skip
    facts.school_year = pl.concat([facts.school_year, *years])
    # staff changes 0 0 0 1 −1 (2020: 7): MAD 0 → no z at all; nothing is flagged
    assert outlier_findings(facts).filter(pl.col("field") == "staff").height == 0


def test_steady_trend_is_not_an_outlier(make_county: Make) -> None:
    facts = make_county()
    base = facts.school_year.filter(pl.col("school") == "P1")
    years = [base.with_columns(pl.lit(y, pl.Int64).alias("year"), pl.lit(t, pl.Int64).alias("teachers"))
             for y, t in zip(range(2015, 2020), [26, 21, 17, 12, 9], strict=True)]  # fmt: skip
    facts.school_year = pl.concat([facts.school_year, *years])
    # changes −5 −4 −5 −3 −3 (to 2020's 6): median −4, MAD 1, largest |z| = 0.6745
    assert outlier_findings(facts).filter(pl.col("field") == "teachers").height == 0


def test_short_series_not_judged(county: Facts) -> None:
    assert outlier_findings(county).height == 0  # one year per school < min_years


def test_missing_report_and_fields(make_county: Make) -> None:
    facts = make_county()
    p1 = facts.school_year.filter(pl.col("school") == "P1")
    # P1 reported 2019 and 2020; J1 reported 2019 only (not closed) → its 2020 report is missing.
    j1 = facts.school_year.filter(pl.col("school") == "J1").with_columns(pl.lit(2019, pl.Int64).alias("year"))
    facts.school_year = pl.concat(
        [
            facts.school_year.filter(pl.col("school") != "J1"),
            p1.with_columns(pl.lit(2019, pl.Int64).alias("year")),
            j1,
        ]
    )
    found = completeness_findings(facts)
    assert _ids(found, "学校年度报表缺失") == [("J1", 2020)]
    # K1 lacks area_teaching (and others) in 2020.
    assert ("K1", 2020) in _ids(found, "必填数据缺失")


def test_completeness_share(county: Facts) -> None:
    table = completeness(county).filter(pl.col("township") == "990101001")
    # T1 schools K1, K2, P1: 6 required fields each = 18 cells; filled K1 2 (teachers, staff), K2 2, P1 6 → 10/18
    assert table.row(0, named=True)["schools"] == 3
    assert table.row(0, named=True)["filled_pct"] == pytest.approx(10 / 18 * 100)


def test_check_sorts_errors_first(make_county: Make) -> None:
    facts = make_county()
    facts.grade_year = facts.grade_year.with_columns(pl.col("enrollment").alias("enrollment_female") + 1)
    found = check(facts)
    assert found["severity"][0] == "error" and found.filter(pl.col("kind") == "completeness").height > 0
