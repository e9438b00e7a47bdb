"""The extractor on the five seed plans, scored by the shared scorer against the hand-labelled gold."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

from eduplan.cli import main
from eduplan.text.readers import read_document
from eduplan.text.statements import extract

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
GOLD = SHARED / "gold" / "seed_statements.jsonl"
SCORER = SHARED / "tools" / "score_statements.py"

pytestmark = pytest.mark.skipif(
    not (SEEDS and GOLD.is_file() and SCORER.is_file()), reason="../shared missing"
)


def _score(pred: Path) -> dict[str, float]:
    spec = importlib.util.spec_from_file_location("score_statements", SCORER)
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        scorer.main(["score", str(GOLD), str(pred)])
    last = out.getvalue().strip().splitlines()[-1]
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", last)}


def test_seed_f1(tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as f:
        for path in SEEDS:
            for st in extract(read_document(path), path.name).statements:
                f.write(json.dumps(st.gold(), ensure_ascii=False) + "\n")
    scores = _score(pred)
    assert scores["overall"] >= 0.95, scores
    assert scores["codes"] >= 0.90, scores


def test_cli_jsonl_is_the_gold_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEEDS[0])]) == 0
    lines = capsys.readouterr().out.splitlines()
    gold_keys = set(json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0]))
    assert lines and all(set(json.loads(line)) == gold_keys for line in lines)
    assert all(json.loads(line)["doc"] == SEEDS[0].name for line in lines)


def test_every_quote_is_raw_text() -> None:
    for path in SEEDS:
        raw = read_document(path)
        assert all(st.quote and st.quote in raw for st in extract(raw, path.name).statements)
