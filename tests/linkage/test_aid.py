"""资助 coverage worked out by hand: one child on two lists counts once; outside and not-found are left out."""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.linkage.aid import coverage, rate


def test_coverage_of_five_needy_children() -> None:
    needy = pl.DataFrame({
        "year": [2025] * 6, "kind": ["低保", "脱贫户", "低保", "低保", "孤儿", "低保"],
        "person_no": ["n1", "n1", "n2", "n3", "n4", "n5"], "township": ["t1"] * 6,
    })  # fmt: skip
    links = pl.DataFrame({"left_id": ["n1", "n2", "n3", "n5"], "right_id": ["s1", "s2", "s3", "s5"]})
    enrolment = pl.DataFrame({"student_no": ["s1", "s2", "s3", "s5"], "school": ["c1", "c1", "x9", "c1"],
                              "status": ["在读", "在读", "在读", "休学"]})  # fmt: skip
    aid = pl.DataFrame({"student_no": ["s1", "s1", "s3"], "year": [2025, 2024, 2025]})
    rows = coverage(needy, links, enrolment, aid, 2025, frozenset({"c1"}))
    assert dict(rows.select("person_no", "finding").iter_rows()) == {
        "n1": "aided", "n2": "unaided", "n3": "outside", "n4": "not_found", "n5": "not_in_school",
    }  # fmt: skip
    assert rows.filter(pl.col("person_no") == "n1")["kinds"][0] == "低保、脱贫户"
    cover = rate(rows)
    assert (cover.aided, cover.in_school) == (1, 2)  # n1 aided of n1, n2 in school in the county
    assert cover.rate == pytest.approx(0.5)
