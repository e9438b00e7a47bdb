"""Linkage quality on synthetic registers with known truth (typos, homophones, missing and 15-digit ids,
swapped dates, children in other counties, children gone away, documented situations, migrants, twins)."""

from __future__ import annotations

import polars as pl

from eduplan.linkage.match import link
from eduplan.linkage.schooling import outcomes
from eduplan.linkage.synthetic import Places, generate


def _measure(children: int, seed: int) -> dict[str, float]:
    places = Places.province(2, townships=12)
    made = generate(places, 2025, children, seed=seed)
    left, right = made.for_matching(places)
    linked = link(left, right)
    reg = made.schooling_registers(places)
    truth = made.out_of_school()

    def scores(links: pl.DataFrame, pending: pl.DataFrame) -> tuple[float, float]:
        rows = outcomes(reg, links, pending, 2025)
        listed = set(rows.filter(pl.col("outcome") == "suspected")["person_no"])
        hit = len(listed & truth)
        return hit / len(listed), hit / len(truth)

    model_only = scores(linked.links(), linked.review())
    # A reviewer who knows the truth answers the review queue: its true pairs become links.
    true_pairs = made.pupil_truth.select(left_id="person_no", right_id="student_no")
    confirmed = linked.review().join(true_pairs, on=["left_id", "right_id"], how="semi")
    reviewed = scores(pl.concat([linked.links(), confirmed], how="diagonal"), linked.review().clear())
    return {"precision": model_only[0], "recall": model_only[1], "reviewed_precision": reviewed[0],
            "reviewed_recall": reviewed[1], "suspected": len(truth), "review": linked.review().height}  # fmt: skip


def test_out_of_school_list_is_precise_and_complete() -> None:
    # About 30,000 compulsory-age children and 1.5% truly out of school (≈ 450): 0.99 allows about 4 wrong names.
    got = _measure(30_000, seed=11)
    assert got["suspected"] > 400
    assert got["precision"] >= 0.99, got
    assert got["recall"] >= 0.98, got
    assert got["reviewed_precision"] >= 0.99 and got["reviewed_recall"] >= 0.98, got
