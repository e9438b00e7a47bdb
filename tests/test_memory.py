"""Freed memory goes back to the system."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from eduplan.memory import give_back_free_memory


def _resident_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim, /proc")
def test_freed_arrays_are_given_back() -> None:
    arrays, pins = [], []
    for _ in range(
        4000
    ):  # 64 KB arrays (below the allocator's mmap threshold: its heap), each pinned by a small one
        arrays.append(np.ones(8000))
        pins.append(np.ones(500))
    held = _resident_mb()
    del arrays
    assert _resident_mb() > held - 50  # freed, but the allocator keeps the holes between the pins
    give_back_free_memory()
    assert _resident_mb() < held - 200  # 250 MB freed: most of it back
    assert len(pins) == 4000
