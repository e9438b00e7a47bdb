"""Evaluations, forecasts and plans' progress judgements stored per data version (table `results_storedresult`).

A page asks `judgement(kind, county, key)`. The row of that key is returned when it was computed from the
current hand-entered inputs (entered items, plan targets: `Producer.inputs`); when only the data versions have
moved since, it comes back marked stale and the county's refresh recomputes it (with its indicator values).
A key never computed, or computed from other hand-entered inputs (the user has just entered an item), is
computed now, under a lock on the county's `judgements` state row so two workers do not both compute it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from eduplan import __version__
from eduplan.errors import EduplanError
from eduplan.facts import Facts
from eduplan.memo import per_facts
from eduplan.results import codec
from eduplan.results.models import ResultState, StoredResult

JUDGEMENTS = "judgements"  # the state row whose lock claims a computation of the county's stored judgements
DECODED = 256  # decoded results kept per process (a balanced evaluation takes ~14 ms to decode)
T = TypeVar("T")
log = logging.getLogger(__name__)


class Producer(Protocol):
    """How one kind of stored result is made: its type, its hand-entered inputs, its computation."""

    result: Any  # the class the payload decodes to

    def inputs(self, county: str, key: str) -> str:
        """The hand-entered inputs the result depends on besides the data, as text (hashed)."""

    def compute(self, facts: Callable[[], Facts], county: str, key: str) -> Any:
        """The result, from the county's facts (loaded when called); an EduplanError is stored and raised
        on every read."""

    def defaults(self, facts: Facts, county: str) -> list[str]:
        """The keys a rebuild computes ahead of any page (what the pages show by default)."""


PRODUCERS: dict[str, Producer] = {}


@dataclass(frozen=True)
class Judged(Generic[T]):
    """A stored result and whether it is that of the current data (else a refresh is under way)."""

    value: T
    fresh: bool
    computed: datetime | None
    key: str = ""  # which stored row and computation: part of the key of every page fragment drawn from it

    @property
    def cache_seconds(self) -> int:
        """How long a page fragment drawn from this result may be kept (0: not at all, the baseline)."""
        from eduplan.results.stored import FRAGMENT_SECONDS

        return FRAGMENT_SECONDS if self.key else 0


def judgement(kind: str, county: str, key: str, waited: bool = False) -> Judged[Any]:
    """The county's stored result `kind` for `key`: fresh, stale (a refresh started), or computed now."""
    producer = _producers()[kind]
    inputs = digest(producer.inputs(county, key))
    if not settings.EDUPLAN_RESULTS_STORE:  # the baseline: computed once per request's facts
        from eduplan.results.stored import county_facts

        facts = county_facts(county)
        value = per_facts(facts, (kind, key, inputs), lambda: _outcome(producer, lambda: facts, county, key))
        return Judged(_raised(value), True, timezone.now())
    known = per_request(("rows", county, kind), lambda: _rows(county, kind))
    row = known.get(key)
    try:
        if row is None or row.inputs != inputs:
            row = known[key] = _compute(kind, county, key, inputs)
        value = _decoded(row, producer)
    except codec.StaleFormat:  # written by another version of eduplan, or recomputed this moment
        row = known[key] = _compute(kind, county, key, inputs, again=True)
        value = _decoded(row, producer)
    except DatabaseError:  # SQLite: another writer holds the database; answer without storing
        log.warning("%s %s of %s computed without storing", kind, key, county, exc_info=True)
        return _fresh_now(producer, county, key)
    fresh = row.versions == per_request(("versions", county), lambda: versions(county))
    if not fresh:
        from eduplan.results.stored import refresh_soon

        refresh_soon(county)
        if settings.EDUPLAN_RESULTS_REFRESH == "inline" and not waited:  # the page waited: read it again
            _forget(county)
            return judgement(kind, county, key, waited=True)
    return Judged(_raised(value), fresh, row.computed, f"{row.pk} {row.computed.isoformat()}")


def versions(region: str) -> dict[str, int]:
    """The data versions a result of a county (or of a city or province: all its counties') is of."""
    from eduplan.results.stored import region_versions

    return region_versions(region) or {}


def digest(text: str) -> str:
    """The inputs' digest, salted with the package's version, the payload's format and the share of schools
    that makes a year complete: an upgrade (new thresholds, a changed computation) or another setting
    recomputes a stored result on its first read."""
    from eduplan.indicators.completeness import required_share

    salt = f"{__version__} {codec.FORMAT} {required_share()}"
    return hashlib.sha256(f"{salt} {text}".encode()).hexdigest()


# The payload only when not decoded in this process yet.
FIELDS = ("id", "key", "inputs", "versions", "computed")


def _row(county: str, kind: str, key: str) -> StoredResult | None:
    return StoredResult.objects.filter(county=county, kind=kind, key=key).only(*FIELDS).first()


def _rows(county: str, kind: str) -> dict[str, StoredResult]:
    """Every stored result of the county and kind (a page reads several: the history of ten years)."""
    return {r.key: r for r in StoredResult.objects.filter(county=county, kind=kind).only(*FIELDS)}


# What one request has read of the stored results' state (versions, rows, hand-entered inputs): a page that
# shows ten years of evaluations asks once, not ten times. Outside a request (commands, the refresh thread,
# tests calling the functions) nothing is kept.
_REQUEST = threading.local()


def per_request(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per request of this thread; every time outside a request."""
    memo: dict[Hashable, Any] | None = getattr(_REQUEST, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def _forget(county: str) -> None:
    """Drop what this request has read of the county's stored results (they have just been refreshed)."""
    memo: dict[Hashable, Any] | None = getattr(_REQUEST, "memo", None)
    if memo is not None:
        for key in [k for k in memo if isinstance(k, tuple) and len(k) > 1 and k[1] == county]:
            del memo[key]


def _request_started(**_: object) -> None:
    _REQUEST.memo = {}


def _request_finished(**_: object) -> None:
    _REQUEST.memo = None


request_started.connect(_request_started, dispatch_uid="results-judgements-request-started")
request_finished.connect(_request_finished, dispatch_uid="results-judgements-request-finished")


def _compute(kind: str, county: str, key: str, inputs: str, again: bool = False) -> StoredResult:
    """Compute and store one result unless another worker stored it while this one waited for the claim."""
    _claim_row(county)
    with transaction.atomic():
        ResultState.objects.select_for_update().get(county=county, kind=JUDGEMENTS)
        current = versions(county)
        row = _row(county, kind, key)
        if not again and row is not None and row.inputs == inputs and row.versions == current:
            return row
        return _store(kind, county, key, inputs, current)


def _store(kind: str, county: str, key: str, inputs: str, current: dict[str, int]) -> StoredResult:
    """Compute one result (of hand-entered inputs read before: `inputs`) and store it."""
    return _save(county, kind, key, inputs, current, _made(kind, county, key, current))


def _made(kind: str, county: str, key: str, current: dict[str, int]) -> str:
    from eduplan.results.stored import county_facts

    return _payload(_outcome(_producers()[kind], lambda: county_facts(county, current), county, key))


def _save(
    county: str, kind: str, key: str, inputs: str, current: dict[str, int], payload: str
) -> StoredResult:
    row, _ = StoredResult.objects.update_or_create(
        county=county, kind=kind, key=key,
        defaults={"inputs": inputs, "versions": current, "payload": payload, "computed": timezone.now()},
    )  # fmt: skip
    return row


def refresh(county: str) -> bool:
    """Recompute the county's stored results that are not those of its current data and inputs; True when
    something was computed. Runs after its indicator values are refreshed, under the same claim as above."""
    if not StoredResult.objects.filter(county=county).exists():
        return False
    rows = StoredResult.objects.filter(county=county).values_list("kind", "key", "inputs", "versions")
    return _recompute(county, lambda current: [
        (kind, key) for kind, key, inputs, known in rows
        if known != current or inputs != digest(_producers()[kind].inputs(county, key))
    ]) > 0  # fmt: skip


def rebuild(county: str) -> int:
    """Recompute every stored result of the county and those the pages show by default; how many."""
    from eduplan.results.stored import county_facts

    def keys(current: dict[str, int]) -> list[tuple[str, str]]:
        facts = county_facts(county, current)
        found = set(StoredResult.objects.filter(county=county).values_list("kind", "key"))
        found |= {(kind, key) for kind, p in _producers().items() for key in p.defaults(facts, county)}
        return sorted(found)

    return _recompute(county, keys)


def _recompute(county: str, which: Callable[[dict[str, int]], list[tuple[str, str]]]) -> int:
    """Compute the results `which` names for the current versions, then write them all at once (SQLite
    holds its write lock from the first write to the commit: not while computing)."""
    _claim_row(county)
    with transaction.atomic():
        ResultState.objects.select_for_update().get(county=county, kind=JUDGEMENTS)
        current = versions(county)
        made = []
        for kind, key in which(current):
            inputs = digest(_producers()[kind].inputs(county, key))  # read before the computation reads them
            made.append((kind, key, inputs, _made(kind, county, key, current)))
        for kind, key, inputs, payload in made:
            _save(county, kind, key, inputs, current, payload)
    return len(made)


def stale_counties() -> set[str]:
    """The counties with a stored result of data versions that are no longer theirs."""
    found: dict[str, list[Any]] = {}
    for county, known in StoredResult.objects.values_list("county", "versions"):
        found.setdefault(county, []).append(known)
    stale = set()
    for county, known in found.items():
        current = versions(county)  # once per county, not per row
        if any(k != current for k in known):
            stale.add(county)
    return stale


def _claim_row(county: str) -> None:
    with contextlib.suppress(IntegrityError):  # another request created it a moment ago
        ResultState.objects.get_or_create(county=county, kind=JUDGEMENTS)


@dataclass(frozen=True)
class _Failed:
    """An EduplanError the computation raised (no data for the year …): stored, and raised on every read."""

    message: str
    english: str


def _outcome(producer: Producer, facts: Callable[[], Facts], county: str, key: str) -> Any:
    try:
        return producer.compute(facts, county, key)
    except EduplanError as exc:
        return _Failed(exc.message, exc.english)


def _payload(value: Any) -> str:
    if isinstance(value, _Failed):
        return json.dumps({"format": codec.FORMAT, "error": value.message, "english": value.english})
    return codec.dumps(value)


def _raised(value: Any) -> Any:
    if isinstance(value, _Failed):
        raise EduplanError(value.message, english=value.english)
    return value


def _fresh_now(producer: Producer, county: str, key: str) -> Judged[Any]:
    from eduplan.results.stored import county_facts

    return Judged(
        _raised(_outcome(producer, lambda: county_facts(county), county, key)), True, timezone.now()
    )


# Decoded results by row and computation time, kept in this process: every reader of one stored result gets
# the same object (and so whatever a page memoises on it), and its JSON is parsed once.
_DECODED: OrderedDict[tuple[int, datetime], Any] = OrderedDict()
_DECODED_LOCK = threading.Lock()


def _decoded(row: StoredResult, producer: Producer) -> Any:
    key = (row.pk, row.computed)
    with _DECODED_LOCK:
        if key in _DECODED:
            _DECODED.move_to_end(key)
            return _DECODED[key]
    payload = StoredResult.objects.filter(pk=row.pk, computed=row.computed).values_list("payload", flat=True)
    if not payload:  # recomputed since the row was read: the newer one, next time
        raise codec.StaleFormat("recomputed meanwhile")
    value = _decode(payload[0], producer)
    with _DECODED_LOCK:
        _DECODED[key] = value
        while len(_DECODED) > DECODED:
            _DECODED.popitem(last=False)
    return value


def _decode(payload: str, producer: Producer) -> Any:
    data = json.loads(payload)
    if "error" in data:
        return _Failed(data["error"], data.get("english", data["error"]))
    return codec.load(data, producer.result)


def _producers() -> dict[str, Producer]:
    if not PRODUCERS:
        from eduplan.results.producers import register_all

        register_all(PRODUCERS)
    return PRODUCERS
