"""Results read from and written to the database, one county at a time, named by the data versions they were
computed from. A page asks `indicator_rows`; stale rows are returned at once, marked stale, while a refresh
runs (in a thread of the server, or inline where settings ask for it)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from django.conf import settings
from django.core.signals import request_started
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from eduplan.facts import Facts
from eduplan.memo import per_facts
from eduplan.results.compute import COLUMNS, COUNTY_DIGITS, SCHEMA, county_indicators
from eduplan.results.models import IndicatorValue, ResultState
from eduplan.store import load_facts
from eduplan.store.versions import versions
from eduplan.store.writing import insert_rows

INDICATORS = "indicators"
FRAGMENT_SECONDS = 3600  # a page fragment of one data version (a new version makes a new key anyway)
STUCK = timedelta(minutes=10)  # a refresh started longer ago than this has died with its process
log = logging.getLogger(__name__)
REFRESHING: dict[str, threading.Thread] = {}  # the latest background refresh of this process, by county


@dataclass(frozen=True)
class Stored:
    """Rows as stored, and whether they are those of the current data (else a refresh is under way)."""

    rows: pl.DataFrame
    fresh: bool
    computed: datetime | None
    key: str = ""  # the data versions the rows are of: part of the key of every page fragment drawn from them

    @property
    def cache_seconds(self) -> int:
        """How long a page fragment drawn from these rows may be kept (0: not at all, the baseline)."""
        return FRAGMENT_SECONDS if self.key else 0


def fragment(county: str) -> Stored:
    """No rows, only the key of the county's current data versions: for pages whose fragments are drawn
    from results memoised on the county's facts (evaluations, forecasts)."""
    if not settings.EDUPLAN_RESULTS_STORE:
        return Stored(pl.DataFrame(), True, None)
    return Stored(pl.DataFrame(), True, None, repr(sorted((region_versions(county) or {}).items())))


def indicator_rows(county: str, year: int | None = None, unit: str | None = None) -> Stored:
    """The county's stored indicator values (of one year and unit when given): code, unit, level, year,
    value, numerator, denominator, reason. Computed now when nothing is stored yet."""
    if not settings.EDUPLAN_RESULTS_STORE:
        return _recomputed(county, year, unit)
    current = region_versions(county) or {}
    state = _state(county)
    if state.versions is None:
        try:
            refresh(county)
        except DatabaseError:  # SQLite: another request is storing them this moment; answer without storing
            log.warning("results of %s computed without storing", county, exc_info=True)
            return _recomputed(county, year, unit)
        state.refresh_from_db()
    fresh = state.versions == current
    if not fresh and settings.EDUPLAN_RESULTS_REFRESH == "inline":  # the page waits for fresh rows
        refresh(county)
        state.refresh_from_db()
        fresh = state.versions == current
    rows = _read(county, year, unit)  # before a refresh thread starts: the rows the state names
    if not fresh:
        refresh_soon(county)
    known: dict[str, int] = state.versions or {}
    return Stored(rows, fresh, state.computed, repr(sorted(known.items())))


def _recomputed(county: str, year: int | None, unit: str | None) -> Stored:
    """Computed from the county's facts now: the baseline (once per request, as pages did before), or when
    they cannot be stored this moment."""
    facts = county_facts(county)
    rows = per_facts(facts, ("county_indicators", county), lambda: county_indicators(facts, county))
    if year is not None:
        rows = rows.filter(pl.col("year") == year)
    if unit is not None:
        rows = rows.filter(pl.col("unit") == unit)
    return Stored(rows.select("code", "unit", "level", "year", *COLUMNS[4:]), True, timezone.now())


def _state(county: str) -> ResultState:
    try:
        state, _ = ResultState.objects.get_or_create(county=county, kind=INDICATORS)
    except IntegrityError:  # another request created it a moment ago
        state = ResultState.objects.get(county=county, kind=INDICATORS)
    return state


def _read(county: str, year: int | None, unit: str | None) -> pl.DataFrame:
    query = IndicatorValue.objects.filter(county=county).order_by("id")
    if year is not None:
        query = query.filter(year=year)
    if unit is not None:
        query = query.filter(unit=unit)
    sql, params = query.values_list(*COLUMNS).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=SCHEMA, orient="row").select(
        "code", "unit", "level", "year", *COLUMNS[4:]
    )


def refresh(county: str) -> bool:
    """Recompute and store the county's results (indicator values, then its stored evaluations, forecasts and
    judgements) unless they are current; True when something was computed. Refreshes of one county run one at
    a time (the state rows are locked)."""
    from eduplan.results import judgements

    indicators = _refresh_indicators(county)
    return judgements.refresh(county) or indicators


def _refresh_indicators(county: str) -> bool:
    _state(county)
    with transaction.atomic():
        state = ResultState.objects.select_for_update().get(county=county, kind=INDICATORS)
        current = region_versions(county) or {}  # read before the facts: a write in between only stales
        if state.versions == current:
            return False
        values = county_indicators(county_facts(county, current), county)
        IndicatorValue.objects.filter(county=county).delete()
        insert_rows(
            IndicatorValue, ["county", *COLUMNS], values.select(pl.lit(county).alias("county"), *COLUMNS)
        )
        state.versions, state.computed, state.refreshing = current, timezone.now(), None
        state.save()
    return True


def refresh_soon(county: str) -> None:
    """Start refreshing the county's stored results unless a refresh is under way; `EDUPLAN_RESULTS_REFRESH`
    says how (thread, inline, off). A thread started is `REFRESHING[county]`."""
    mode = settings.EDUPLAN_RESULTS_REFRESH
    if mode == "off":
        return
    if mode == "inline":
        refresh(county)
        return
    state = ResultState.objects.filter(county=county, kind=INDICATORS)
    _state(county)
    now = timezone.now()
    claimed = state.exclude(refreshing__gt=now - STUCK).update(refreshing=now)
    if claimed:  # only the request that claimed it starts the thread, in whichever worker it runs
        thread = threading.Thread(target=_background, args=(county,), daemon=True, name=f"results-{county}")
        REFRESHING[county] = thread
        thread.start()


def _background(county: str) -> None:
    try:
        refresh(county)
    except Exception:  # a thread has no one to tell but the log; the next request tries again
        log.exception("refreshing results of %s failed", county)
    finally:
        ResultState.objects.filter(county=county, kind=INDICATORS).update(refreshing=None)
        connection.close()


def stale_counties() -> list[str]:
    """The counties whose stored results are not those of their current data (after an import or an undo:
    the counties it touched); counties never computed wait for a page or a rebuild."""
    from eduplan.results import judgements

    stored = dict(ResultState.objects.filter(kind=INDICATORS).values_list("county", "versions"))
    stale = {c for c, v in stored.items() if v is not None and v != region_versions(c)}
    return sorted(stale | judgements.stale_counties())


def rebuild(counties: list[str], progress: Callable[[str], None] | None = None) -> int:
    """Recompute the counties' results whatever their state (indicator values, then the evaluations, forecasts
    and judgements stored or shown by default); the number of counties recomputed."""
    from eduplan.results import judgements

    ResultState.objects.filter(county__in=counties, kind=INDICATORS).update(versions=None)
    for county in counties:
        _refresh_indicators(county)
        judgements.rebuild(county)
        if progress is not None:
            progress(county)
    return len(counties)


# One county's facts per data version, kept in this process: pages that need facts besides stored results
# (names, the year picker, evaluations, forecasts) share one object between requests, and with it every
# result memoised on it (eduplan.memo). A write moves the versions, so a changed county is loaded afresh.
_FACTS: OrderedDict[tuple[str, str], Facts] = OrderedDict()
_FACTS_LOCK = threading.Lock()


def county_facts(county: str, current: dict[str, int] | None = None) -> Facts:
    """`load_facts(county)` for the current data version, loaded once per process and version (once per
    request when results are not stored: the baseline). A city or province (a code of fewer digits) is
    kept by the versions of every county in it."""
    if not settings.EDUPLAN_RESULTS_STORE:
        return _per_request(county)
    if current is None:
        current = region_versions(county)
        if current is None:  # a township or a school: not worth keeping, and no version of its own
            return load_facts(county)
    key = (county, repr(sorted(current.items())))
    with _FACTS_LOCK:
        if key in _FACTS:
            _FACTS.move_to_end(key)
            return _FACTS[key]
    facts = load_facts(county)
    with _FACTS_LOCK:
        _FACTS[key] = facts
        while len(_FACTS) > settings.EDUPLAN_RESULTS_FACTS:
            _FACTS.popitem(last=False)
    return facts


def region_versions(code: str) -> dict[str, int] | None:
    """The versions of a county, or of every county of a city or province ("county:year" keys); None for a
    township or a school."""
    if len(code) == COUNTY_DIGITS:
        return versions(code)
    if len(code) > COUNTY_DIGITS:
        return None
    from eduplan.store.models import DataVersion

    rows = DataVersion.objects.filter(county__startswith=code).values_list("county", "year", "version")
    return {f"{county}:{year}": version for county, year, version in rows}


_REQUEST = threading.local()


def _per_request(county: str) -> Facts:
    cached: dict[str, Facts] = getattr(_REQUEST, "facts", None) or {}
    if county not in cached:
        cached[county] = load_facts(county)
        _REQUEST.facts = cached
    return cached[county]


def _forget_request_facts(**_: object) -> None:
    _REQUEST.facts = None


request_started.connect(_forget_request_facts, dispatch_uid="results-per-request-facts")
