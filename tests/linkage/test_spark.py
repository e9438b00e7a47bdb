"""The same linkage on Spark (local mode, Java from Debian) gives the same matches as on DuckDB."""

from __future__ import annotations

import shutil

import pytest

from eduplan.linkage.match import link, spark_backend
from eduplan.linkage.synthetic import Places, generate

# A test's Spark lives for one minute of tiny queries, so the JVM's start-up and warm-up are most of its cost:
# the client compiler only (no C2 tier) and the serial collector roughly halve the CPU it spends (measured with
# the session below: about 39 → 22 CPU-seconds). They change how the JVM runs, not what Spark computes; a real
# run (`local_session` in production) keeps the JVM's defaults. The launcher reads JDK_JAVA_OPTIONS at start.
FAST_START_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.mark.spark
@pytest.mark.skipif(shutil.which("java") is None, reason="Java is missing: run `make system-deps`")
def test_spark_links_as_duckdb_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from eduplan.linkage.spark import local_session

    monkeypatch.setenv("JDK_JAVA_OPTIONS", FAST_START_JVM)

    places = Places.province(1, townships=4)
    made = generate(places, 2025, 600, seed=2)
    left, right = made.for_matching(places)
    on_duckdb = link(left, right)
    # The model learnt once (on DuckDB, or on a sample) is what a country-wide Spark run applies.
    on_spark = link(left, right, spark_backend(local_session()), model=on_duckdb.model)
    key = ["left_id", "right_id"]
    assert on_duckdb.counts["by_model"] > 20  # the model, not only the ids, made links
    assert (
        on_spark.pairs.select(*key, "method", "band")
        .sort(key)
        .equals(on_duckdb.pairs.select(*key, "method", "band").sort(key))
    )
    both = on_duckdb.pairs.join(on_spark.pairs, on=key, suffix="_spark")
    assert (both["probability"] - both["probability_spark"]).abs().max() < 1e-9  # type: ignore[operator]
    assert on_spark.thresholds == on_duckdb.thresholds
