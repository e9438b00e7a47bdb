"""Outcomes of compulsory-age children, worked out by hand on six children."""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.linkage.schooling import Registers, compulsory_window, outcomes, summarise

S = pl.String


def _frame(rows: list[tuple[object, ...]], columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, S), orient="row")


def registers() -> Registers:
    household = _frame([
        ("p1", "t1", "2015-03-01"),  # in school in the county
        ("p2", "t1", "2012-10-01"),  # 学籍 says 辍学: suspected
        ("p3", "t2", "2011-01-01"),  # no 学籍, 送教上门 documented
        ("p4", "t2", "2016-05-05"),  # no 学籍 at all: suspected
        ("p5", "t2", "2019-12-01"),  # too young in 2025 (born after 31 August 2019): not counted
        ("p6", "t1", "2010-09-01"),  # 九年级 cohort, in a school outside the county
        ("p7", "t1", "2013-02-02"),  # only a candidate waiting for review
    ], ("person_no", "township", "birth"))  # fmt: skip
    enrolment = _frame(
        [("s1", "c1", "在读"), ("s2", "c1", "辍学"), ("s6", "x9", "在读")], ("student_no", "school", "status")
    )
    situation = _frame([("p3", "送教上门", None, None)], ("person_no", "kind", "since", "until"))
    return Registers(household, enrolment, situation, frozenset({"c1"}))


def test_window_of_the_2025_school_year() -> None:
    assert compulsory_window(2025) == ("2010-09-01", "2019-08-31")


def test_each_child_gets_an_outcome_and_a_reason() -> None:
    links = _frame([("p1", "s1"), ("p2", "s2"), ("p6", "s6")], ("left_id", "right_id"))
    pending = _frame([("p7", "s9")], ("left_id", "right_id"))
    rows = outcomes(registers(), links, pending, 2025)
    got = {r["person_no"]: (r["outcome"], r["reason_text"]) for r in rows.iter_rows(named=True)}
    assert got == {
        "p1": ("in_county", None), "p2": ("suspected", "学籍状态为辍学，无特殊情况说明"), "p3": ("documented", None),
        "p4": ("suspected", "未找到学籍记录"), "p6": ("outside", None), "p7": ("review", None),
    }  # fmt: skip
    summary = summarise(rows, 2025)
    # 6 children; 九年级 cohort (born 2010-09-01 .. 2011-08-31): p3 (documented) and p6 (outside), both staying.
    assert (summary.children, summary.cohort, summary.cohort_in_school) == (6, 2, 2)
    assert summary.retention_rate == pytest.approx(1.0)
    # enrolled: p1 in the county, p6 outside, p3 documented; p7 waits for review: 3 of 6 (none gone)
    assert summary.enrolled_rate == pytest.approx(3 / 6)
