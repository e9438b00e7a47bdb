"""Score the reader on the seeds and on the corpus with the shared scorer, overall, per genre and held-out.

.venv/bin/python tests/text/scoring.py [--verbose] [GENRE|held-out|dev|seeds]...
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CORPUS = Path(__file__).resolve().parent / "corpus"
SEED_GOLD = SHARED / "gold" / "seed_statements.jsonl"
SCORER = SHARED / "tools" / "score_statements.py"


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_statements", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def genres() -> dict[str, dict[str, str]]:
    """file name → its row of corpus/genres.tsv (genre, province, script, split)."""
    with (CORPUS / "genres.tsv").open(encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


def predict(paths: list[Path]) -> list[dict[str, object]]:
    from eduplan.text.readers import read_document
    from eduplan.text.statements import extract

    return [st.gold() for p in paths for st in extract(read_document(p), p.name).statements]


def score(
    gold: list[dict[str, object]], pred: list[dict[str, object]], verbose: bool = False
) -> dict[str, float]:
    """The scorer's summary line as numbers (commitments, baselines, overall, codes)."""
    with tempfile.TemporaryDirectory() as tmp:
        g, p = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        g.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold), encoding="utf-8")
        p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pred), encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            scorer().main(["score", str(g), str(p)] + (["--verbose"] if verbose else []))
    text = out.getvalue().strip()
    if verbose:
        print(text)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", text.splitlines()[-1])}


def seeds(verbose: bool = False) -> dict[str, float]:
    gold = [json.loads(line) for line in SEED_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return score(gold, predict(sorted((SHARED / "seeds").glob("*.txt"))), verbose)


def corpus(select: str | None = None, verbose: bool = False) -> dict[str, float]:
    """Score the corpus documents whose genre or split is `select` (all when None)."""
    table = genres()
    files = [f for f, row in table.items() if select in (None, row["genre"], row["split"])]
    gold = [json.loads(line) for line in (CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = [r for r in gold if r["doc"] in files]
    return score(gold, predict([CORPUS / f for f in sorted(files)]), verbose)


def main(argv: list[str]) -> None:
    verbose = "--verbose" in argv
    names = [a for a in argv if a != "--verbose"]
    if not names:
        print(f"{'seeds':12s}", seeds())
        print(f"{'corpus':12s}", corpus())
        for name in [*sorted({row["genre"] for row in genres().values()}), "dev", "held-out"]:
            print(f"{name:12s}", corpus(name))
        return
    for name in names:
        print(name, seeds(verbose) if name == "seeds" else corpus(name, verbose))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main(sys.argv[1:])
