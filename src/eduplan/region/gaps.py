"""Teachers short and 公用经费 below the floor, per county of a region in one year, from the areas' own results.

Teachers (staffing/posts.py, the norms of staffing/norms.py): of the schools with teacher records (专任教师名册)
in the year, the positive subject gaps (required − in post) summed school by school, so one school's surplus
hides no other's shortage, and how many of those schools are short in any subject. A school with only the
aggregate forms is left out (those carry PE, arts and all teachers only) and counted as without a roster; a county
with no records at all has no teacher figure (无数据), never 0.

Money (finance/floors.py): the schools with a 生均公用经费 floor, how many were allocated less than it, and the gaps
summed in 万元; a school without a reported allocation is 无法评估 and counted apart. A county with no allocation
reported for the year has no money figure (无数据), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from eduplan.errors import NotFound
from eduplan.facts import Facts
from eduplan.finance.floors import school_floors
from eduplan.staffing.posts import TOTAL, subject_table

YUAN_PER_WAN = 10_000


@dataclass(frozen=True)
class Teachers:
    """One county's teacher shortage in a year, over the schools with teacher records."""

    short: float  # posts: the positive subject gaps summed
    schools_short: int
    roster_schools: int  # compulsory schools with teacher records
    schools: int  # compulsory schools open and teaching


@dataclass(frozen=True)
class Money:
    """One county's 公用经费 against the floors in a year."""

    schools_under: int
    gap_wan: float  # 万元, the gaps of the schools under summed
    assessed: int  # schools with a floor and a reported allocation
    unknown: int  # schools with a floor and no allocation reported (无法评估)


@dataclass(frozen=True)
class CountyGaps:
    county: str
    teachers: Teachers | None  # None: no teacher records in the year (无数据)
    money: Money | None  # None: no allocation reported in the year (无数据)


def teachers_short(facts: Facts, county: str, year: int) -> Teachers | None:
    """The county's teacher shortage from staffing's subject table; None without any teacher records."""
    try:
        table = subject_table(facts, county, year)
    except NotFound:  # no compulsory school teaching this year
        return None
    records = table.filter(pl.col("source") == "records")
    if records.is_empty():
        return None
    subjects = records.filter((pl.col("subject") != TOTAL) & pl.col("gap").is_not_null())
    per_school = subjects.group_by("school").agg(pl.col("gap").clip(lower_bound=0).sum().alias("short"))
    return Teachers(
        short=float(per_school["short"].sum()),
        schools_short=per_school.filter(pl.col("short") > 0).height,
        roster_schools=records["school"].n_unique(),
        schools=table["school"].n_unique(),
    )


def money_gaps(facts: Facts, year: int) -> dict[str, Money]:
    """Per county with an allocation reported in `year`: the schools under their floor and the gaps in 万元."""
    schools = school_floors(facts, last=year).schools.filter(pl.col("year") == year)
    out = {}
    for county, rows in schools.group_by("county"):
        known = rows.filter(pl.col("status") != "unknown")
        if known.is_empty():
            continue
        under = known.filter(pl.col("status") == "under")
        out[str(county[0])] = Money(
            schools_under=under.height,
            gap_wan=round(float(under["gap"].sum()) / YUAN_PER_WAN, 6),
            assessed=known.height,
            unknown=rows.height - known.height,
        )
    return out


def county_gaps(facts: Facts, counties: Sequence[str], year: int) -> list[CountyGaps]:
    """Teachers short and 公用经费 gaps of each of `counties` in `year`, in their order."""
    money = money_gaps(facts, year)
    return [CountyGaps(c, teachers_short(facts, c, year), money.get(c)) for c in counties]
