"""The engine, the pandas baseline and the DuckDB baseline of the bench agree on every row of a small province."""

from __future__ import annotations

import pytest

from eduplan.bench.indicators import agreement, agrees, from_pandas, province, three_ways
from eduplan.facts import Facts


@pytest.fixture(scope="module")
def small() -> Facts:
    return province(3)


def test_three_implementations_agree(small: Facts) -> None:
    ways = three_ways(small)
    ours = ways["engine"]()
    assert ours.height > 10_000 and ours["reason"].null_count() < ours.height  # some values are missing
    for name, theirs in (("pandas", from_pandas(ways["pandas"]())), ("duckdb", None)):
        if theirs is None:
            ways["duckdb"](1)
            theirs = ways["duckdb_result"]()
        check = agreement(ours, theirs)
        assert check["rows"] == ours.height == theirs.height, name
        assert agrees(check), (name, check)


def test_agreement_sees_a_difference(small: Facts) -> None:
    import polars as pl

    ours = three_ways(small)["engine"]()
    row = pl.int_range(pl.len()) == ours["value"].is_not_null().arg_max()  # the first row with a value
    changed = ours.with_columns(
        pl.when(row).then(pl.col("value") * (1 + 1e-6)).otherwise("value").alias("value")
    )
    assert not agrees(agreement(ours, changed))
    assert not agrees(agreement(ours, ours.head(ours.height - 1)))
    assert agrees(agreement(ours, ours))


def test_bench_goals_verdicts() -> None:
    from eduplan.bench.indicators import goals

    province = {
        "pandas_fair_ratio": 6.0,
        "pandas_fair_cpu_ratio": 4.0,
        "duckdb_ratio": 1.4,
        "duckdb_cpu_ratio": 1.6,
    }
    size = {"peak_per_input": 2.5, "work_per_input": 0.5}
    scaling = [
        {"counties": 100, "us_per_school_year": 4.0, "cpu_us_per_school_year": 3.0, **size},
        {"counties": 900, "us_per_school_year": 6.0, "cpu_us_per_school_year": 3.3, **size},  # 1.5× / 1.1×
    ]
    national = {"engine_s": 3.5, "engine_cpu_s": 2.5, **size}
    met = {name: (g["met_wall"], g["met_cpu"]) for name, g in goals(province, scaling, national).items()}
    assert met == {
        "pandas_fair_ratio ≥ 5": (True, False),
        "duckdb_ratio ≥ 1.5": (False, True),
        "us_per_school_year_900_over_100 ≤ 1.25": (False, True),
        "peak_per_input ≤ 2 (with the result)": (False, False),
        "work_per_input ≤ 2 (peak less the result)": (True, True),
        "national_s ≤ 3": (False, True),
    }
