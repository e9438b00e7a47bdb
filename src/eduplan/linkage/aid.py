"""资助全覆盖: every child of a 困难家庭 list found in 学籍, and whether aided in the school year.

Coverage (家庭经济困难学生资助覆盖率) = needy children in school in the county who received aid this year ÷
needy children in school in the county. A child on several lists counts once. Children in school in another
county are aided there and left out of both counts; children not found in 学籍 are listed (they may be out
of school) and left out too: the rate is about aid, the suspected list about schooling.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

FINDINGS = {
    "aided": "已资助",
    "unaided": "在读未资助",
    "outside": "县外就读（由就读地资助）",
    "not_in_school": "学籍状态非在读",
    "not_found": "未找到学籍",
}


def coverage(needy: pl.DataFrame, links: pl.DataFrame, enrolment: pl.DataFrame, aid: pl.DataFrame, year: int,
             schools: frozenset[str]) -> pl.DataFrame:  # fmt: skip
    """One row per needy child of `year`: person_no, kinds, township, student_no, school, status, finding."""
    children = (
        needy.filter(pl.col("year") == year)
        .group_by("person_no")
        .agg(pl.col("kind").unique().sort().str.join("、").alias("kinds"), pl.col("township").first())
    )
    paid = aid.filter(pl.col("year") == year).select("student_no").unique().with_columns(paid=pl.lit(True))
    rows = (
        children.join(links.select(person_no="left_id", student_no="right_id"), on="person_no", how="left")
        .join(enrolment.select("student_no", "school", "status"), on="student_no", how="left")
        .join(paid, on="student_no", how="left")
    )
    finding = (
        pl.when(pl.col("student_no").is_null()).then(pl.lit("not_found"))
        .when(pl.col("status") != "在读").then(pl.lit("not_in_school"))
        .when(~pl.col("school").is_in(sorted(schools))).then(pl.lit("outside"))
        .when(pl.col("paid").fill_null(False)).then(pl.lit("aided"))
        .otherwise(pl.lit("unaided"))
    )  # fmt: skip
    return rows.with_columns(finding=finding).drop("paid").sort("person_no")


@dataclass(frozen=True)
class Coverage:
    aided: int
    in_school: int  # needy children in school in the county (the denominator)
    by_finding: dict[str, int]

    @property
    def rate(self) -> float | None:
        return None if self.in_school == 0 else self.aided / self.in_school


def rate(rows: pl.DataFrame) -> Coverage:
    # A child on two lists under two list numbers is one pupil: count pupils, not list entries.
    pupils = rows.filter(pl.col("finding").is_in(["aided", "unaided"])).unique("student_no")
    counts = dict(rows.group_by("finding").len().iter_rows())
    aided = pupils.filter(pl.col("finding") == "aided").height
    return Coverage(aided, pupils.height, {k: int(counts.get(k, 0)) for k in FINDINGS})
