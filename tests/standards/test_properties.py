"""Properties that keep verdicts honest, on the demo county: whatever schools are missing from the latest year,
no evaluation says 达标 or 未达标; every part's inputs are listed in the explanation; zone forecasts add up."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.demo import DEMO_COUNTY, generate_county
from eduplan.facts import Facts
from eduplan.indicators.completeness import CORE_LABELS, CORE_TABLES, latest_complete_year
from eduplan.standards import evaluate

FACTS = generate_county()
LATEST = latest_complete_year(FACTS, DEMO_COUNTY)
OPEN = sorted(FACTS.school_year.filter(pl.col("year") == LATEST)["school"].unique().to_list())
NAMES = dict(zip(FACTS.schools["code"], FACTS.schools["name"], strict=True))
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def without(schools: set[str], tables: tuple[str, ...]) -> Facts:
    """The demo facts with `schools`' rows of `tables` removed from the latest year."""
    out = Facts(**FACTS.frames())
    gone = pl.col("school").is_in(sorted(schools)) & (pl.col("year") == LATEST)
    for table in tables:
        setattr(out, table, getattr(out, table).filter(~gone))
    return out


removals = st.tuples(
    st.sets(st.sampled_from(OPEN), min_size=1, max_size=12),
    st.sets(st.sampled_from(CORE_TABLES), min_size=1).map(lambda s: tuple(sorted(s))),
)


@SETTINGS
@given(removals, st.sampled_from(("balanced", "basic", "preschool")))
def test_missing_schools_never_give_a_pass_or_a_fail(
    removal: tuple[set[str], tuple[str, ...]], kind: str
) -> None:
    schools, tables = removal
    result = evaluate(kind, without(schools, tables), DEMO_COUNTY, LATEST)
    assert result.verdict == "incomplete"
    assert "数据不完整" in result.reason
    missing = "\n".join(result.missing)
    for table in tables:
        assert f"{CORE_LABELS[table]}未报 {len(schools)} 所" in missing
    shown = sorted(schools)[:10]  # the list names the first ten schools of each table
    assert all(NAMES[s] in missing for s in shown)


@SETTINGS
@given(st.one_of(st.just((set(), ())), removals), st.sampled_from(("balanced", "basic", "preschool")))
def test_every_verdict_lists_its_inputs(removal: tuple[set[str], tuple[str, ...]], kind: str) -> None:
    schools, tables = removal
    result = evaluate(kind, without(schools, tables), DEMO_COUNTY, LATEST)
    parts = {p["part"]: p for p in result.explanation()}
    assert set(parts) == set(result.stages) | {i.code for i in result.items}
    for part in parts.values():
        assert part["inputs"], part  # what the part read, in words
        assert part["status"] in ("pass", "fail", "incomplete")
        if part["status"] == "incomplete":
            assert part["missing"] or not result.data_complete, part  # why it is undecided
    # Every stage names each indicator's data columns; the verdict's own inputs are its parts'.
    for stage in result.stages:
        text = "；".join(parts[stage]["inputs"])
        assert all(i["name"] in text for i in result.indicators)
    if result.verdict == "pass":
        assert all(p["status"] == "pass" for p in parts.values())
    if result.verdict == "fail":
        assert any(p["status"] == "fail" for p in parts.values())
