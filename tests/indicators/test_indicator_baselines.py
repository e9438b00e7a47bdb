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
