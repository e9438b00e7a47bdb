"""Results derived from one Facts object, computed once while it lives: a page that evaluates ten years asks
for the same engine run or reporting table ten times. Facts are never changed in place (a change makes a new
object), so the object's identity is its version; its entries go when it is collected."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
_store: dict[int, dict[Hashable, Any]] = {}


def per_facts(facts: object, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` for `facts` and `key`, computed at most once while `facts` lives."""
    entries = _store.get(id(facts))
    if entries is None:
        entries = _store[id(facts)] = {}
        weakref.finalize(facts, _store.pop, id(facts), None)
    if key not in entries:
        entries[key] = compute()
    return entries[key]  # type: ignore[no-any-return]
