"""The reader scored by the shared scorer on the seeds and on the corpus of real documents of every genre.

The issue's bars: seeds overall F1 >= 0.95 and codes >= 0.90; on the corpus 0.85 overall and 0.75 in every genre.
The held-out documents (never tuned on, labelled before the reader saw them) estimate what unseen documents score;
the issue aims at 0.85 there, which the reader does not reach yet: the floor below is what it does reach today
(see docs/text.md), asserted so that no change can lose ground unnoticed.
"""

from __future__ import annotations

import json

import pytest

from tests.text import scoring

pytestmark = pytest.mark.skipif(not scoring.SCORER.is_file(), reason="../shared missing")

CORPUS_BAR = 0.85
GENRE_BAR = 0.75
HELD_OUT_FLOOR = 0.85  # measured 0.910 (c152–c156: 0.876 first run, 0.888 now; c157–c161: 0.948 first run)


def test_seed_bars() -> None:
    scores = scoring.seeds()
    assert scores["overall"] >= 0.95, scores
    assert scores["codes"] >= 0.90, scores


def test_corpus_bar() -> None:
    scores = scoring.corpus()
    assert scores["overall"] >= CORPUS_BAR, scores


@pytest.mark.parametrize("genre", sorted({row["genre"] for row in scoring.genres().values()}))
def test_genre_bar(genre: str) -> None:
    scores = scoring.corpus(genre)
    assert scores["overall"] >= GENRE_BAR, (genre, scores)


def test_held_out_floor() -> None:
    scores = scoring.corpus("held-out")
    assert scores["overall"] >= HELD_OUT_FLOOR, scores


def test_every_corpus_file_is_labelled_and_typed() -> None:
    """Every document has a genre row and gold rows (or a no-statement row); every quote is its raw text."""
    table = scoring.genres()
    files = {p.name for p in scoring.CORPUS.glob("*.txt")}
    assert files == set(table) and len(files) >= 25
    assert len({row["province"] for row in table.values()} - {"全国", "未知"}) >= 10
    assert {row["genre"] for row in table.values()} >= {
        "plan", "action", "workplan", "tasks", "standard", "summary", "bulletin", "monitoring", "news", "template"
    }  # fmt: skip
    gold = [
        json.loads(line) for line in (scoring.CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert {r["doc"] for r in gold} == files
    for r in gold:
        if r["kind"] != "document":
            assert r["quote"] in (scoring.CORPUS / r["doc"]).read_text(encoding="utf-8"), r
