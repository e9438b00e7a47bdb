"""Matching: names as characters and as pinyin, swapped dates, one partner each, thresholds from the model."""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.linkage.match import choose_thresholds, exact_pairs, link, one_to_one
from eduplan.linkage.registers import normalise_names, prepare
from eduplan.linkage.synthetic import Noise, Places, generate


def test_names_are_normalised_and_spoken() -> None:
    out = normalise_names(pl.Series(["張 心怡", "章欣怡", "欧阳·娜娜", "ＬＩ Ming"]))
    assert out["name"].to_list() == ["张心怡", "章欣怡", "欧阳娜娜", "LIMing"]
    # 章/张 and 欣/心 sound alike: the same pinyin, different characters
    assert out["name_py"].to_list()[:2] == ["zhang xin yi", "zhang xin yi"]


def test_birth_key_puts_a_swapped_date_in_the_same_block() -> None:
    frame = pl.DataFrame({"k": ["a", "b"], "name": ["张三", "张三"], "birth": ["2015-03-04", "2015-04-03"],
                          "sex": ["男", "男"], "township": [None, None], "id": [None, None]})  # fmt: skip
    out = prepare(frame, "k", "id")
    assert out["birth_key"].to_list() == ["2015-03-04", "2015-03-04"]


def _pairs(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"left_id": pl.String, "right_id": pl.String, "probability": pl.Float64}, orient="row"
    )


def test_one_to_one_keeps_each_sides_best_partner() -> None:
    # a-x 0.9 is both sides' best; then b's best left is x (taken), so b-y 0.6; c-y loses to b-y (0.6 > 0.5).
    pairs = _pairs([("a", "x", 0.9), ("b", "x", 0.8), ("b", "y", 0.6), ("c", "y", 0.5)])
    kept = one_to_one(pairs).sort("left_id")
    assert kept.select("left_id", "right_id").rows() == [("a", "x"), ("b", "y")]


def test_thresholds_follow_the_models_posteriors() -> None:
    # Accept: the accepted pairs' mean posterior must reach 0.995 and each at least 0.99: 1.0, 0.999, 0.99 → mean
    # 0.9963 ≥ 0.995, so accept = 0.99. Review: below-and-including sums (total 3.689): at 0.4 it is 0.7 (> 0.2% of
    # 3.689 = 0.0074), at 0.2 it is 0.3, at 0.1 it is 0.1 → review would be 0.1, capped to at most 0.5 and at
    # least the 0.05 floor → 0.1.
    chosen = choose_thresholds(pl.Series([1.0, 0.999, 0.99, 0.4, 0.2, 0.1]))
    assert chosen.accept == pytest.approx(0.99)
    assert chosen.review == pytest.approx(0.1)


def test_an_id_held_twice_links_nothing_by_id() -> None:
    left = pl.DataFrame({"unique_id": ["a", "b", "c"], "id_key": ["1", "1", "2"]})
    right = pl.DataFrame({"unique_id": ["x", "y"], "id_key": ["1", "2"]})
    assert exact_pairs(left, right).rows() == [("c", "y")]


@pytest.fixture(scope="module")
def small() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    places = Places.province(1, townships=4)
    noisy = Noise(
        pupil_id_missing=0.3, homophone=0.1, typo=0.05, swapped=0.08
    )  # many hard cases on few children
    made = generate(places, 2025, 2000, seed=2, noise=noisy)
    left, right = made.for_matching(places)
    return left, right, made.pupil_truth


def test_homophones_typos_and_swaps_link_without_ids(
    small: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    left, right, truth = small
    linked = link(left, right)
    links = linked.links().join(truth, left_on="right_id", right_on="student_no")
    assert (links["left_id"] == links["person_no"]).mean() >= 0.998  # type: ignore[operator]
    by_model = links.filter(pl.col("method") == "model")
    names = left.join(by_model, left_on="unique_id", right_on="left_id").join(
        right, left_on="right_id", right_on="unique_id", suffix="_r"
    )
    differ = names["name"] != names["name_r"]
    assert (differ & (names["name_py"] == names["name_py_r"])).sum() >= 1  # homophones (章/张) were linked
    assert (differ & (names["name_py"] != names["name_py_r"])).sum() >= 1  # and typos
    assert (names["birth_key"] == names["birth_key_r"]).sum() > (
        names["birth"] == names["birth_r"]
    ).sum()  # swaps
    assert linked.thresholds.accept >= 0.99 and linked.thresholds.review <= 0.5


def test_a_persons_answer_wins(small: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]) -> None:
    left, right, _ = small
    first = link(left, right)
    taken = first.links().filter(pl.col("method") == "model").row(0, named=True)
    wrong = first.links().filter(pl.col("right_id") != taken["right_id"]).row(0, named=True)
    decided = pl.DataFrame({"left_id": [taken["left_id"], taken["left_id"]], "right_id": [taken["right_id"], wrong["right_id"]],
                            "same": [False, True]})  # fmt: skip
    again = link(left, right, model=first.model, decided=decided)
    mine = again.pairs.filter(pl.col("left_id") == taken["left_id"])
    assert mine.select("right_id", "method").rows() == [(wrong["right_id"], "clerical")]
