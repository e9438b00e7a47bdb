"""The 差异系数 worked by hand on small examples."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eduplan.standards.cv import cv_by_stage, cv_long, weighted_cv


def test_weighted_cv_by_hand() -> None:
    # Xᵢ = 2, 4, 6 with Pᵢ = 100, 100, 200 (P = 400):
    #   X̄ = (200 + 400 + 1200) / 400 = 4.5
    #   S² = ¼(2−4.5)² + ¼(4−4.5)² + ½(6−4.5)² = 1.5625 + 0.0625 + 1.125 = 2.75
    #   CV = √2.75 / 4.5 = 1.658312 / 4.5 = 0.368514
    assert weighted_cv([2, 4, 6], [100, 100, 200]) == pytest.approx(math.sqrt(2.75) / 4.5)
    assert weighted_cv([2, 4, 6], [100, 100, 200]) == pytest.approx(0.368514, abs=1e-6)


def test_weighting_by_pupils_differs_from_plain_cv() -> None:
    # Two schools 1 and 3: equal pupils → X̄ = 2, S = 1, CV = 0.5; pupils 300:100 → X̄ = 1.5,
    # S² = ¾·0.25 + ¼·2.25 = 0.75, CV = √0.75 / 1.5 = 0.57735.
    assert weighted_cv([1, 3], [100, 100]) == pytest.approx(0.5)
    assert weighted_cv([1, 3], [300, 100]) == pytest.approx(math.sqrt(0.75) / 1.5)


def test_scale_free_and_degenerate_cases() -> None:
    assert weighted_cv([200, 400, 600], [100, 100, 200]) == pytest.approx(
        weighted_cv([2, 4, 6], [100, 100, 200])
    )
    assert weighted_cv([5, 5], [10, 20]) == 0.0
    assert weighted_cv([0, 0], [10, 20]) is None
    assert weighted_cv([], []) is None


def test_cv_long_matches_plain_function_per_stage() -> None:
    frame = pl.DataFrame(
        {"stage": ["primary"] * 3 + ["junior"] * 2, "pupils": [100, 100, 200, 100, 100], "a": [2, 4, 6, 1, 3]}
    )
    out = {r["stage"]: r for r in cv_long(frame, ["a"]).iter_rows(named=True)}
    assert out["primary"]["cv"] == pytest.approx(0.368514, abs=1e-6)
    assert out["primary"]["mean"] == pytest.approx(4.5)
    assert out["junior"]["cv"] == pytest.approx(0.5)
    assert out["junior"]["schools"] == 2


def test_cv_by_stage_combined_is_plain_mean() -> None:
    frame = pl.DataFrame(
        {
            "school": ["a", "b"],
            "stage": ["primary"] * 2,
            "pupils": [100.0, 100.0],
            "x": [1.0, 3.0],
            "y": [5.0, 5.0],
        }
    )
    # CV(x) = 0.5, CV(y) = 0 → combined (0.5 + 0) / 2 = 0.25
    result = cv_by_stage(frame)
    assert result["primary"]["cv"] == {"x": pytest.approx(0.5), "y": 0.0}
    assert result["primary"]["combined"] == pytest.approx(0.25)


finite = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
schools = st.lists(st.tuples(finite, st.integers(min_value=1, max_value=5000)), min_size=1, max_size=30)


@given(schools, st.floats(min_value=0.001, max_value=1000))
def test_cv_properties(rows: list[tuple[float, int]], k: float) -> None:
    xs, ps = [x for x, _ in rows], [p for _, p in rows]
    cv = weighted_cv(xs, ps)
    assert cv is not None and cv >= 0
    assert weighted_cv([x * k for x in xs], ps) == pytest.approx(cv, rel=1e-6, abs=1e-9)  # scale-free
    assert weighted_cv(xs, [p * 3 for p in ps]) == pytest.approx(
        cv, rel=1e-9, abs=1e-12
    )  # only shares matter
    frame = pl.DataFrame({"stage": ["primary"] * len(xs), "pupils": ps, "a": xs})
    assert cv_long(frame, ["a"])["cv"][0] == pytest.approx(cv, rel=1e-6, abs=1e-9)
