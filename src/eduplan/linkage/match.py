"""Linking two registers: exact on valid ids first, then a Fellegi-Sunter model (Splink) on the rest.

The model compares names as characters and as toneless pinyin (so 章/张 and 欣/心 agree, with a lower weight
than the same characters), birth dates (a day/month swap is its own level), sex and township. Its m
probabilities are learnt from the pairs the ids already linked (they are true matches whatever their names
say), else by expectation maximisation; u by random sampling. Thresholds come from the model's own
posterior probabilities (`choose_thresholds`). Every record links to at most one record of the other side.

DuckDB runs it by default; `spark_backend(session)` runs the same SQL on Spark for a whole country.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from eduplan.linkage.registers import MATCH_COLUMNS

log = logging.getLogger(__name__)

# The model's posterior probability a pair must reach to be accepted without review …
ACCEPT_PROBABILITY = 0.99
# … and, among the pairs so accepted, the expected share of true matches (precision) the model must promise.
ACCEPT_PRECISION = 0.995
# Pairs below ACCEPT are reviewed by a person down to the probability where the model expects no more than
# this share of all true matches to lie below (recall lost without review).
REVIEW_MISSED = 0.002
REVIEW_CEILING = 0.5  # a pair the model finds more likely a match than not is never dropped unseen
REVIEW_FLOOR = 0.05  # nothing less likely than this is worth a reviewer's time
MIN_LABELS = 50  # id-linked pairs needed to learn m from them rather than by EM
U_PAIRS = 2e6  # random pairs sampled for u
SEED = 17

LEFT, RIGHT = "left_register", "right_register"  # dataset names in Splink's SQL (left/right are keywords)
Backend = Callable[[], Any]  # returns a Splink DatabaseAPI


def duckdb_backend() -> Any:
    import duckdb
    from splink import DuckDBAPI

    # No progress bar: it would write over the command line's own output.
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    return DuckDBAPI(connection=connection)


def spark_backend(session: Any) -> Backend:
    """A backend running on `session` (a pyspark SparkSession, local or a cluster)."""

    def make() -> Any:
        from splink import SparkAPI

        return SparkAPI(spark_session=session, num_partitions_on_repartition=4)

    return make


@dataclass(frozen=True)
class Thresholds:
    accept: float  # match probability from which a pair is a link
    review: float  # … from which, below accept, a person decides

    def band(self, probability: float) -> str:
        return "match" if probability >= self.accept else "review" if probability >= self.review else "none"


@dataclass
class Linkage:
    """The links between a left register (户籍 or a needy list) and a right register (学籍)."""

    pairs: pl.DataFrame  # left_id, right_id, method (id | model), band (match | review), probability, weight
    thresholds: Thresholds
    model: dict[str, Any]  # Splink's settings with the learnt parameters (no personal data)
    counts: dict[str, int] = field(default_factory=dict)

    def links(self) -> pl.DataFrame:
        return self.pairs.filter(pl.col("band") == "match")

    def review(self) -> pl.DataFrame:
        return self.pairs.filter(pl.col("band") == "review")


# ---------------------------------------------------------------------------------------------- the model


def _comparisons() -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def level(sql: str, label: str) -> Any:
        return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="姓名",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True).configure(label_for_charts="相同"),
            cll.ExactMatchLevel("name_py").configure(label_for_charts="同音（拼音相同）"),
            cll.LevenshteinLevel("name", 1).configure(label_for_charts="差一个字"),
            cll.JaroWinklerLevel("name_py", 0.9).configure(label_for_charts="读音相近"),
            cll.ElseLevel(),
        ],
    )
    # The date an id carries is a second witness of the birth date: a typo in one field is caught by the other.
    witnessed = cll.Or(
        cll.ExactMatchLevel("birth"), level("birth_l = id_birth_r", ""), level("id_birth_l = birth_r", "")
    ).configure(label_for_charts="相同（或与对方身份证号中的日期相同）")
    near = cll.Or(
        cll.AbsoluteDateDifferenceLevel("birth", input_is_string=True, threshold=10, metric="day"),
        cll.LevenshteinLevel("birth", 1),
    ).configure(label_for_charts="相差十天内或差一位数字")
    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_description="出生日期",
        comparison_levels=[
            cll.NullLevel("birth"),
            witnessed,
            level("birth_key_l = birth_key_r", "日与月颠倒"),
            near,
            level("birth_year_l = birth_year_r", "同年"),
            cll.ElseLevel(),
        ],
    )
    return [name, birth, cl.ExactMatch("sex"), cl.ExactMatch("township")]


def _settings(prior: float) -> Any:
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_only",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=[
            block_on("birth_key"),  # same date, or day and month swapped
            block_on("name_py", "birth_year"),  # homophones, dates mistyped within the year
            block_on("name", "township"),  # the same name in the same township, any date
        ],
        probability_two_random_records_match=prior,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _register(api: Any, frame: pl.DataFrame, name: str) -> Any:
    if type(api).__name__ == "SparkAPI":
        table: Any = api.spark.createDataFrame(frame.to_arrow())
    else:
        table = frame.to_arrow()
    # Spark keeps temporary views for the whole session: each registration gets a table name of its own.
    return api.register(table, dataset_display_name=name, table_name=f"{name}_{uuid.uuid4().hex[:8]}")


def _prior(exact: int, left: int, right: int) -> float:
    """Prior probability that two random records of the remainders match: as many matches as the smaller side
    would have if it linked at the rate the ids linked."""
    if left == 0 or right == 0:
        return 1e-6
    rate = min(max(exact / max(min(left, right), 1), 0.5), 1.0) if exact else 0.9
    return min(rate * min(left, right) / (left * right), 0.5)


def train(
    left: pl.DataFrame, right: pl.DataFrame, exact: pl.DataFrame, prior: float, backend: Backend
) -> dict[str, Any]:
    """The model's parameters: m from the id-linked pairs (or EM when too few), u from random pairs."""
    from splink import Linker, block_on

    api = backend()
    linker = Linker(
        [_register(api, left, LEFT), _register(api, right, RIGHT)],
        _settings(prior),
        log_level=logging.WARNING,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
    if exact.height >= MIN_LABELS:
        labels = exact.select(
            pl.lit(LEFT).alias("source_dataset_l"), pl.col("left_id").alias("unique_id_l"),
            pl.lit(RIGHT).alias("source_dataset_r"), pl.col("right_id").alias("unique_id_r"),
        )  # fmt: skip
        table = (
            api.spark.createDataFrame(labels.to_arrow())
            if type(api).__name__ == "SparkAPI"
            else labels.to_arrow()
        )
        registered = linker.table_management.register_table(table, "__eduplan_labels", overwrite=True)
        linker.training.estimate_m_from_pairwise_labels(registered)
    else:
        for rule in (block_on("birth_key"), block_on("name_py")):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The model's parameters on the comparisons written in `dialect` (a model saved by DuckDB quotes names as
    DuckDB does, which Spark would read as strings)."""
    fresh: dict[str, Any] = (
        _settings(model["probability_two_random_records_match"]).get_settings(dialect).as_dict()
    )
    for new, old in zip(fresh["comparisons"], model["comparisons"], strict=True):
        for new_level, old_level in zip(new["comparison_levels"], old["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in old_level:
                    new_level[key] = old_level[key]
    return fresh


def _predict(
    left: pl.DataFrame, right: pl.DataFrame, model: dict[str, Any], floor: float, backend: Backend
) -> pl.DataFrame:
    from splink import Linker

    schema = {"left_id": pl.String, "right_id": pl.String, "probability": pl.Float64, "weight": pl.Float64}
    if left.is_empty() or right.is_empty():
        return pl.DataFrame(schema=schema)
    api = backend()
    settings = for_dialect(model, api.sql_dialect.sql_dialect_str)
    linker = Linker(
        [_register(api, left, LEFT), _register(api, right, RIGHT)], settings, log_level=logging.WARNING
    )
    predicted = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
    frame = pl.from_pandas(predicted.as_pandas_dataframe())
    predicted.drop_table_from_database_and_remove_from_cache()
    if frame.is_empty():
        return pl.DataFrame(schema=schema)
    left_first = frame["source_dataset_l"] == LEFT
    return frame.select(
        left_id=pl.when(left_first)
        .then(pl.col("unique_id_l"))
        .otherwise(pl.col("unique_id_r"))
        .cast(pl.String),
        right_id=pl.when(left_first)
        .then(pl.col("unique_id_r"))
        .otherwise(pl.col("unique_id_l"))
        .cast(pl.String),
        probability=pl.col("match_probability").cast(pl.Float64),
        weight=pl.col("match_weight").cast(pl.Float64),
    )


# ---------------------------------------------------------------------------------------------- linking


def exact_pairs(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """Pairs with the same usable id; an id held twice on one side links nothing here (the model decides)."""

    def once(frame: pl.DataFrame) -> pl.DataFrame:
        keyed = frame.filter(pl.col("id_key").is_not_null())
        return keyed.filter(pl.col("id_key").is_unique()).select("unique_id", "id_key")

    return (
        once(left)
        .join(once(right), on="id_key", suffix="_r")
        .select(left_id="unique_id", right_id="unique_id_r")
    )


def one_to_one(pairs: pl.DataFrame) -> pl.DataFrame:
    """Keep, round by round, the pairs that are each side's most probable partner (ties by id), so that every
    record keeps at most one partner; the rest are dropped."""
    kept = []
    rest = pairs.sort(["probability", "left_id", "right_id"], descending=[True, False, False])
    while not rest.is_empty():
        best = rest.filter(
            (pl.int_range(pl.len()).over("left_id") == 0) & (pl.int_range(pl.len()).over("right_id") == 0)
        )
        kept.append(best)
        rest = rest.join(best, on="left_id", how="anti").join(best, on="right_id", how="anti")
    return pl.concat(kept) if kept else pairs.clear()


def choose_thresholds(probabilities: pl.Series) -> Thresholds:
    """Thresholds read off the model's posteriors of the candidate pairs (each the model's chance that the pair
    is a true match): accept from the lowest probability at which the accepted pairs' expected precision is at
    least ACCEPT_PRECISION (and never below ACCEPT_PROBABILITY); review down to where the pairs below hold no
    more than REVIEW_MISSED of the expected true matches (and at least down to REVIEW_CEILING)."""
    p = probabilities.drop_nulls().sort(descending=True)
    if p.is_empty():
        return Thresholds(ACCEPT_PROBABILITY, ACCEPT_PROBABILITY / 2)
    expected = p.cum_sum()
    precision = expected / pl.Series(range(1, len(p) + 1))
    good = p.filter(precision >= ACCEPT_PRECISION)
    accept = max(float(good.min()) if not good.is_empty() else 1.0, ACCEPT_PROBABILITY)  # type: ignore[arg-type]
    total = float(expected[-1])
    below = total - expected + p  # expected true matches at this pair and below
    keep = p.filter(below > REVIEW_MISSED * total)
    review = float(keep.min()) if not keep.is_empty() else accept  # type: ignore[arg-type]
    return Thresholds(accept, max(min(review, REVIEW_CEILING), REVIEW_FLOOR))


def link(left: pl.DataFrame, right: pl.DataFrame, backend: Backend = duckdb_backend,
         model: dict[str, Any] | None = None, decided: pl.DataFrame | None = None) -> Linkage:  # fmt: skip
    """Link `left` to `right` (both as `registers.prepare` makes them). A `model` learnt before (e.g. on DuckDB)
    is used as is; otherwise one is learnt from these registers. `decided` holds a person's answers on pairs
    (left_id, right_id, same): confirmed pairs link first, rejected pairs never link."""
    left, right = left.select(MATCH_COLUMNS), right.select(MATCH_COLUMNS)
    decided = (
        decided
        if decided is not None
        else pl.DataFrame(schema={"left_id": pl.String, "right_id": pl.String, "same": pl.Boolean})
    )
    confirmed = (
        decided.filter(pl.col("same")).select("left_id", "right_id")
        .join(left.select(left_id="unique_id"), on="left_id", how="semi")
        .join(right.select(right_id="unique_id"), on="right_id", how="semi")
    )  # fmt: skip
    rejected = decided.filter(~pl.col("same")).select("left_id", "right_id")
    left = left.join(confirmed, left_on="unique_id", right_on="left_id", how="anti")
    right = right.join(confirmed, left_on="unique_id", right_on="right_id", how="anti")
    exact = exact_pairs(left, right).join(rejected, on=["left_id", "right_id"], how="anti")
    rest_l = left.join(exact, left_on="unique_id", right_on="left_id", how="anti")
    rest_r = right.join(exact, left_on="unique_id", right_on="right_id", how="anti")
    if model is None:
        prior = _prior(exact.height, rest_l.height, rest_r.height)
        model = train(left, right, exact, prior, backend)
    scored = _predict(rest_l, rest_r, model, REVIEW_FLOOR / 10, backend).join(
        rejected, on=["left_id", "right_id"], how="anti"
    )
    thresholds = choose_thresholds(scored["probability"])
    chosen = one_to_one(scored.filter(pl.col("probability") >= thresholds.review))
    modelled = chosen.with_columns(
        method=pl.lit("model"),
        band=pl.when(pl.col("probability") >= thresholds.accept)
        .then(pl.lit("match"))
        .otherwise(pl.lit("review")),
    )
    ids = pl.concat(
        [confirmed.with_columns(method=pl.lit("clerical")), exact.with_columns(method=pl.lit("id"))]
    ).with_columns(band=pl.lit("match"), probability=pl.lit(1.0), weight=pl.lit(math.inf))
    pairs = pl.concat([ids, modelled.select(ids.columns)]).sort("left_id", "right_id")
    counts = {
        "left": left.height + confirmed.height, "right": right.height + confirmed.height, "clerical": confirmed.height,
        "by_id": exact.height, "candidates": scored.height, "by_model": int((modelled["band"] == "match").sum()),
        "review": int((modelled["band"] == "review").sum()),
    }  # fmt: skip
    log.info("linked %s", counts)
    return Linkage(pairs, thresholds, model, counts)


def link_by_id(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """The baseline (what a VLOOKUP on 身份证号 does): pairs with the same id, nothing else."""
    return exact_pairs(left, right)
