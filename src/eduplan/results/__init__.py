"""Results stored per data version (issue 14): what pages, exports and the API read instead of recomputing.

Each (county, school year) has a data version (eduplan.store.versions) that moves on every import, edit,
approval and undo. A county's indicator values are computed once per version and stored in the database
(shared by every worker and server); a page reads them with `indicator_rows(county, year, unit)`. When the
data has moved on, the previous rows come back marked stale while a refresh runs. `county_facts` gives the
county's facts of the current version, loaded once per process. The functions live in `stored` (which needs
the app's models, so it is imported when first called, not while Django loads the apps).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eduplan.facts import Facts
    from eduplan.results.judgements import Judged
    from eduplan.results.stored import Stored


def indicator_rows(county: str, year: int | None = None, unit: str | None = None) -> Stored:
    """The county's stored indicator values (one year, one unit when given), fresh or marked stale."""
    from eduplan.results import stored

    return stored.indicator_rows(county, year, unit)


def fragment(county: str) -> Stored:
    """The key of the county's current data versions, for caching page fragments drawn from its results."""
    from eduplan.results import stored

    return stored.fragment(county)


def county_facts(county: str) -> Facts:
    """The county's facts of the current data version, loaded once per process and version."""
    from eduplan.results import stored

    return stored.county_facts(county)


def refresh(county: str) -> bool:
    """Recompute and store the county's results unless they are current."""
    from eduplan.results import stored

    return stored.refresh(county)


def rebuild(counties: list[str], progress: Callable[[str], None] | None = None) -> int:
    """Recompute the counties' results whatever their state."""
    from eduplan.results import stored

    return stored.rebuild(counties, progress)


def stale_counties() -> list[str]:
    """The counties whose stored results are not those of their current data."""
    from eduplan.results import stored

    return stored.stale_counties()


def refresh_soon(counties: list[str]) -> None:
    """Start refreshing the counties' results in the background (a web import: the user need not wait)."""
    from eduplan.results import stored

    for county in counties:
        stored.refresh_soon(county)


def judgement(kind: str, county: str, key: str) -> Judged[Any]:
    """The county's stored evaluation ("evaluation", "balanced 2024"), forecast ("forecast", "zone 2024 5
    plans") or plan's progress judgements, fresh or marked stale (`.value`, `.fresh`, `.computed`); an
    EduplanError the computation raised is raised again."""
    from eduplan.results import judgements

    return judgements.judgement(kind, county, key)
