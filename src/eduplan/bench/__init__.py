"""Benchmarks run by `make bench`: each area adds bench/<area>.py with a `run() -> None` that prints its figures.

Every benchmark times our implementation side by side with a plain baseline and prints the ratio.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` runs of `fn`, in seconds (the least disturbed by the rest of the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
