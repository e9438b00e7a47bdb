"""Giving freed memory back to the operating system.

NumPy's arrays come from the C library's allocator, which keeps the memory of freed arrays for reuse: after a
computation that made and dropped many large scratch arrays, the process holds their memory until it exits
(the indicator engine's sums held 2× their live size this way). `malloc_trim` returns the free pages; on a C
library without it (not glibc) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _trim() -> ctypes._NamedFuncPointer | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def give_back_free_memory() -> None:
    """Return the allocator's free memory to the operating system (a few milliseconds)."""
    trim = _trim()
    if trim is not None:
        trim(0)
