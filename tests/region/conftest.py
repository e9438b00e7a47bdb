"""Two counties of city 9901, small enough to work out by hand.

甲县 990101 is the tiny county of tests/conftest.py (3 schools). 乙县 990102 is its copy with only the junior
school 1399020002 (renamed). Per county in each year 2023 and 2024 (primary 6 grades, junior 3 grades):
  甲县: primary 1399010001 6 classes (0 large), junior 1399010002 6 classes (all 6 of 60: large), primary
        1399010003 6 classes (0 large) → 大班额 6/18 = 33.33…%
  乙县: junior 1399020002 6 classes, 6 large → 6/6 = 100%
The city 9901: (6 + 6) / (18 + 6) = 12/24 = 50% exactly — not the mean of the rates (66.67%).
"""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.facts import Facts
from tests.conftest import make_tiny_facts

CITY, JIA, YI = "9901", "990101", "990102"
YI_SCHOOL = "1399020002"


def _renamed(frame: pl.DataFrame) -> pl.DataFrame:
    exprs = [
        pl.col(c)
        .str.replace(r"^990101", YI)
        .str.replace(r"^13990100", "13990200")
        .str.replace("示例县", "乙县")
        for c, t in frame.schema.items()
        if t == pl.String
    ]
    return frame.with_columns(exprs) if exprs else frame


def two_counties(drop_yi_school_year: int | None = None) -> Facts:
    """甲县 and 乙县; `drop_yi_school_year` removes 乙县's 学校年度统计 of that year (its year is incomplete)."""
    tiny = make_tiny_facts().frames()
    frames = {}
    for name, frame in tiny.items():
        yi = _renamed(frame)
        if name == "org_units":
            yi = yi.filter(pl.col("level").is_in(["county", "township"]))
            yi = yi.with_columns(pl.col("name").str.replace("^示例县$", "乙县"))
        elif "school" in frame.columns:
            yi = yi.filter(pl.col("school") == YI_SCHOOL)
        elif name == "schools":
            yi = yi.filter(pl.col("code") == YI_SCHOOL)
        if name == "school_year" and drop_yi_school_year is not None:
            yi = yi.filter(pl.col("year") != drop_yi_school_year)
        if name in ("population", "births", "reported"):
            yi = yi.clear()
        frames[name] = pl.concat([frame, yi])
    # Places for the maps: 甲县's schools around (114.0, 25.0), 乙县's one school at (114.6, 25.2).
    spots = {"1399010001": (114.0, 25.0), "1399010002": (114.02, 25.01), "1399010003": (114.1, 24.95),
             YI_SCHOOL: (114.6, 25.2)}  # fmt: skip
    frames["schools"] = frames["schools"].with_columns(
        pl.col("code").replace_strict({k: v[0] for k, v in spots.items()}, default=None).alias("longitude"),
        pl.col("code").replace_strict({k: v[1] for k, v in spots.items()}, default=None).alias("latitude"),
    )
    return Facts(**frames)


@pytest.fixture(scope="session")
def two() -> Facts:
    return two_counties()
