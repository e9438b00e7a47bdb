"""A local Spark session with Splink's similarity functions, for the Spark backend (`match.spark_backend`).

Spark needs Java (Debian's default-jre-headless; `make system-deps` installs it). On a cluster, build the
session there with the same jar (`splink.backends.spark.similarity_jar_location()`).
"""

from __future__ import annotations

import tempfile
from functools import cache
from typing import Any


@cache
def local_session(cores: int = 2) -> Any:
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("eduplan-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    # Splink breaks long query lineages by checkpointing; a local session keeps them in a temporary folder.
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="eduplan-spark-"))
    session.sparkContext.setLogLevel("ERROR")
    return session
