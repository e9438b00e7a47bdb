"""Throughput of plan-document reading (normalise + structure + statements) against a naive regex scan.

Input: the seed plans of ../shared/seeds (a built-in sample when absent), repeated to at least 5 MB of UTF-8.
Goal: at least 1 MB/s on one core.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from eduplan.text.codes import match_code
from eduplan.text.statements import extract

TARGET_BYTES = 5 * 1024 * 1024
_SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"
_SAMPLE = (
    "某县教育事业“十四五”发展规划\n一、发展基础\n全县學前三年毛入園率達 86.8%，义务教育巩固率达99%。\n"
    "二、主要目标\n到2025年，学前三年毛入园率巩固在96%以上，新增学位3000个，每年补充教师100人左右。\n"
)
_NAIVE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|个|所|人|名|元)")


def _documents() -> list[str]:
    docs = [p.read_text(encoding="utf-8") for p in sorted(_SEEDS.glob("*.txt"))] if _SEEDS.is_dir() else []
    return docs or [_SAMPLE * 50]


def _corpus() -> list[str]:
    docs = _documents()
    out: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        for doc in docs:
            out.append(doc)
            size += len(doc.encode("utf-8"))
    return out


def _time(fn: object, corpus: list[str]) -> tuple[float, int]:
    """CPU seconds of one process (the machine is shared: wall time would count others' work)."""
    assert callable(fn)
    start = time.process_time()
    count = sum(fn(doc) for doc in corpus)
    return time.process_time() - start, count


def _ours(doc: str) -> int:
    match_code.cache_clear()  # the corpus repeats its documents: do not let the phrase cache flatter us
    return len(extract(doc, "bench.txt").statements)


def _naive(doc: str) -> int:
    return sum(1 for _ in _NAIVE.finditer(doc))


def run() -> None:
    """Print MB/s of the extractor and of a naive number-with-unit regex scan, and their ratio."""
    corpus = _corpus()
    extract(corpus[0], "warm-up.txt")  # load the alias tables (and the indicator catalogue) once, untimed
    mb = sum(len(d.encode("utf-8")) for d in corpus) / 1e6
    ours_s, ours_n = _time(_ours, corpus)
    naive_s, naive_n = _time(_naive, corpus)
    ours_rate, naive_rate = mb / ours_s, mb / naive_s
    print(f"corpus: {len(corpus)} documents, {mb:.1f} MB")
    print(f"extract (normalise+structure+statements): {ours_rate:6.2f} MB/s  ({ours_n} statements)")
    print(f"baseline naive regex scan:                {naive_rate:6.2f} MB/s  ({naive_n} matches)")
    print(f"ratio extract/baseline: {ours_rate / naive_rate:.3f}  (goal: extract >= 1 MB/s: "
          f"{'met' if ours_rate >= 1 else 'NOT met'})")  # fmt: skip
