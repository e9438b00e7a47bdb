"""The reader scored by the shared scorer on the seeds and on the corpus of real documents of every genre.

The bars: seeds overall F1 >= 0.95 and codes >= 0.90 (issue 13). On the corpus the issue asks for 0.85 overall
and 0.75 per genre; what the reader reaches today is asserted as a floor so that no change can lose ground
unnoticed (see docs/text.md for the figures and the genres still below the issue's bar).
"""

from __future__ import annotations

import json

import pytest

from tests.text import scoring

pytestmark = pytest.mark.skipif(not scoring.SCORER.is_file(), reason="../shared missing")

# Floors measured on 2026-12-02 (corpus 0.69 overall, held-out 0.685); raise them as the reader improves.
CORPUS_FLOOR = 0.65
GENRE_FLOOR = {"bulletin": 0.7, "monitoring": 0.65, "news": 0.7, "plan": 0.8, "standard": 0.6, "summary": 0.5,
               "tasks": 0.6, "workplan": 0.6}  # fmt: skip


def test_seed_bars() -> None:
    scores = scoring.seeds()
    assert scores["overall"] >= 0.95, scores
    assert scores["codes"] >= 0.90, scores


def test_corpus_floor() -> None:
    assert scoring.corpus()["overall"] >= CORPUS_FLOOR


@pytest.mark.parametrize("genre", sorted(GENRE_FLOOR))
def test_genre_floor(genre: str) -> None:
    assert scoring.corpus(genre)["overall"] >= GENRE_FLOOR[genre]


def test_every_corpus_file_is_labelled_and_typed() -> None:
    """Every document has a genre row and gold rows (or a no-statement row); every quote is its raw text."""
    table = scoring.genres()
    files = {p.name for p in scoring.CORPUS.glob("*.txt")}
    assert files == set(table) and len(files) >= 25
    assert len({row["province"] for row in table.values()} - {"全国", "未知"}) >= 10
    gold = [
        json.loads(line) for line in (scoring.CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert {r["doc"] for r in gold} == files
    for r in gold:
        if r["kind"] != "document":
            assert r["quote"] in (scoring.CORPUS / r["doc"]).read_text(encoding="utf-8"), r
