"""Who of the compulsory-age 户籍 children is in school, and who is suspected out of school, and why.

Input: the 户籍 children, the 学籍 records, the documented special situations, and the links between them
(pairs a person or the model accepted, and pairs still waiting for review). Output: one row per child with
its outcome; the suspected list is the rows whose outcome is `suspected`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

IN_SCHOOL = ("在读", "毕业")
GONE = ("死亡", "出国（境）", "户籍迁出")  # not counted in the denominators any more

REASONS = {
    "not_found": "未找到学籍记录",
    "left": "学籍状态为{status}，无特殊情况说明",
    "transferred": "学籍已转出，未见在读记录",
}
STAYING = ("in_county", "outside", "documented")
OUTCOMES = {
    "in_county": "县内在读",
    "outside": "县外就读",
    "documented": "特殊情况已登记",
    "gone": "死亡或迁出",
    "review": "待人工核对",
    "suspected": "疑似失学辍学",
}


def compulsory_window(year: int) -> tuple[str, str]:
    """Birth dates of 义务教育适龄 children in school year `year` (6 by 31 August, nine grades): 《义务教育法》
    第十一条 (年满六周岁入学) with the 31 August cut-off most provinces use."""
    return dt.date(year - 15, 9, 1).isoformat(), dt.date(year - 6, 8, 31).isoformat()


def final_grade_window(year: int) -> tuple[str, str]:
    """Birth dates of the cohort due in 九年级 (初三) in school year `year`."""
    return dt.date(year - 15, 9, 1).isoformat(), dt.date(year - 14, 8, 31).isoformat()


@dataclass(frozen=True)
class Registers:
    """What `outcomes` reads. household: person_no, township, birth …; enrolment: student_no, school, status;
    situation: person_no, kind, since, until; schools: the county's school codes."""

    household: pl.DataFrame
    enrolment: pl.DataFrame
    situation: pl.DataFrame
    schools: frozenset[str]


def _documented(situation: pl.DataFrame, year: int) -> pl.DataFrame:
    """Situations in force during school year `year`: one row per child, the first kind."""
    start, end = f"{year}-09-01", f"{year + 1}-08-31"
    live = situation.filter(
        (pl.col("since").is_null() | (pl.col("since") <= end))
        & (pl.col("until").is_null() | (pl.col("until") >= start))
    )
    return live.group_by("person_no").agg(pl.col("kind").sort().first().alias("situation"))


def outcomes(reg: Registers, links: pl.DataFrame, pending: pl.DataFrame, year: int) -> pl.DataFrame:
    """One row per compulsory-age child: person_no, township, student_no, school, status, situation, outcome
    (a key of OUTCOMES), reason (a key of REASONS, for suspected children) and reason_text."""
    first, last = compulsory_window(year)
    children = reg.household.filter(pl.col("birth").is_between(pl.lit(first), pl.lit(last))).select(
        "person_no", "township", "birth"
    )
    linked = links.select(pl.col("left_id").alias("person_no"), pl.col("right_id").alias("student_no")).join(
        reg.enrolment.select("student_no", "school", "status"), on="student_no", how="left"
    )
    waiting = pending.select(pl.col("left_id").alias("person_no")).unique().with_columns(review=pl.lit(True))
    rows = (
        children.join(linked, on="person_no", how="left")
        .join(_documented(reg.situation, year), on="person_no", how="left")
        .join(waiting, on="person_no", how="left")
    )
    status, school = pl.col("status"), pl.col("school")
    outcome = (
        pl.when(pl.col("situation").is_in(GONE) | (status == "死亡")).then(pl.lit("gone"))
        .when(pl.col("situation").is_not_null()).then(pl.lit("documented"))
        .when(status.is_in(IN_SCHOOL) & school.is_in(sorted(reg.schools))).then(pl.lit("in_county"))
        .when(status.is_in(IN_SCHOOL)).then(pl.lit("outside"))
        .when(status.is_null() & pl.col("review").fill_null(False)).then(pl.lit("review"))
        .otherwise(pl.lit("suspected"))
    )  # fmt: skip
    reason = (
        pl.when(outcome != "suspected").then(None)
        .when(status == "转出").then(pl.lit("transferred"))
        .when(status.is_not_null()).then(pl.lit("left"))
        .otherwise(pl.lit("not_found"))
    )  # fmt: skip
    out = rows.with_columns(outcome=outcome).with_columns(reason=reason)
    text = pl.col("reason").replace_strict(REASONS, default=None)
    return (
        out.with_columns(
            reason_text=pl.when(pl.col("reason") == "left")
            .then(text.str.replace("{status}", status, literal=True))
            .otherwise(text)
        )
        .select(
            "person_no",
            "township",
            "birth",
            "student_no",
            "school",
            "status",
            "situation",
            "outcome",
            "reason",
            "reason_text",
        )
        .sort("person_no")
    )


@dataclass(frozen=True)
class Summary:
    """Counts of one county's compulsory-age children by outcome, and the register-based rates."""

    children: int
    by_outcome: dict[str, int]
    cohort: int  # children due in 九年级, not gone
    cohort_in_school: int  # of them in school (in or outside the county) or documented (送教上门 …)

    @classmethod
    def stored(cls, summary: dict[str, Any]) -> Summary:
        """The summary as a run stores it (its JSON)."""
        return cls(summary["children"], summary["by_outcome"], summary["cohort"], summary["cohort_in_school"])

    @property
    def enrolled(self) -> int:
        """In school (in or outside the county) or documented (送教上门 …); children waiting for review are not."""
        return sum(self.by_outcome.get(k, 0) for k in STAYING)

    @property
    def enrolled_rate(self) -> float | None:
        """义务教育适龄儿童入学率 by the registers: enrolled ÷ children not gone."""
        base = self.children - self.by_outcome.get("gone", 0)
        return None if base == 0 else self.enrolled / base

    @property
    def retention_rate(self) -> float | None:
        """The cohort due in 九年级 still in school (or documented) ÷ that cohort: the registers' 巩固率 check."""
        return None if self.cohort == 0 else self.cohort_in_school / self.cohort


def summarise(rows: pl.DataFrame, year: int) -> Summary:
    counts = dict(rows.group_by("outcome").len().iter_rows())
    first, last = final_grade_window(year)
    cohort = rows.filter(
        pl.col("birth").is_between(pl.lit(first), pl.lit(last)) & (pl.col("outcome") != "gone")
    )
    staying = cohort.filter(pl.col("outcome").is_in(STAYING)).height
    return Summary(rows.height, {k: int(counts.get(k, 0)) for k in OUTCOMES}, cohort.height, staying)


def by_township(rows: pl.DataFrame) -> pl.DataFrame:
    """Per township: children, suspected, documented, in school outside the county."""
    return (
        rows.group_by("township")
        .agg(
            children=pl.len(),
            suspected=(pl.col("outcome") == "suspected").sum(),
            documented=(pl.col("outcome") == "documented").sum(),
            outside=(pl.col("outcome") == "outside").sum(),
        )
        .sort("township")
    )
