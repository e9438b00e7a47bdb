"""居民身份证号 (GB 11643-1999): check character, 15 → 18 digits, and the cross-check with a record's birth
date and sex.

An id is never dropped for being wrong: `check_ids` keeps every row and says what is wrong with its id.
Area codes (the first six digits) are not checked against a list: retired codes stay on people's cards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

# GB 11643-1999 §7.2: weights of the 17 body digits, and the check character by (weighted sum mod 11).
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
FIRST_BIRTH_YEAR = 1900  # no one in a school register was born before

# Problems with an id, in the order they are looked for; the first found is the one reported.
PROBLEMS = {
    "missing": "身份证号缺失",
    "shape": "身份证号应为 18 位（末位可为 X）或 15 位数字",
    "date": "身份证号中的出生日期无效",
    "check": "身份证号校验码错误",
    "birth": "身份证号中的出生日期与登记的出生日期不符",
    "sex": "身份证号中的性别与登记的性别不符",
}
# Problems after which the id is still a well-formed id of someone (usable for exact matching); the others
# leave no usable id.
USABLE = ("birth", "sex")


def check_character(body: str) -> str:
    """The 18th character of an id whose first 17 digits are `body`."""
    return CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def upgrade(old: str, century: str = "19") -> str:
    """A 15-digit id (no century, no check character) as its 18-digit form."""
    body = old[:6] + century + old[6:]
    return body + check_character(body)


@dataclass(frozen=True)
class IdCheck:
    id18: str | None  # the 18-digit id when it is well formed (even when it disagrees with the record)
    problem: str | None  # a key of PROBLEMS
    upgraded: bool = False  # given as 15 digits

    @property
    def message(self) -> str:
        return PROBLEMS[self.problem] if self.problem else ""


def check_id(raw: str | None, birth: str | None = None, sex: str | None = None) -> IdCheck:
    """One id checked (birth as YYYY-MM-DD, sex 男/女); `check_ids` does the same for a whole frame."""
    frame = pl.DataFrame(
        {"id": [raw], "birth": [birth], "sex": [sex]}, schema=dict.fromkeys(("id", "birth", "sex"), pl.String)
    )
    row = check_ids(frame, "id", "birth", "sex").row(0, named=True)
    return IdCheck(row["id18"], row["id_problem"], row["id_upgraded"])


def normalised(column: str) -> pl.Expr:
    """Spaces removed, full-width digits and x made plain, upper case."""
    cleaned = pl.col(column).str.replace_all(r"\s", "")
    for wide, plain in (("０１２３４５６７８９", "0123456789"), ("Ｘｘx", "XXX")):
        cleaned = cleaned.str.replace_many(list(wide), list(plain))
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


def check_characters(bodies: np.ndarray) -> np.ndarray:
    """The check character of each 17-digit body (an array of ASCII strings), computed as one matrix product."""
    if len(bodies) == 0:
        return np.array([], dtype="<U1")
    raw = np.frombuffer("".join(bodies.tolist()).encode("ascii"), dtype=np.uint8)
    digits = (raw.reshape(len(bodies), 17) - ord("0")).astype(np.int64)
    return np.array(list(CHECK))[(digits @ np.array(WEIGHTS)) % 11]


def _with_check(frame: pl.DataFrame) -> pl.DataFrame:
    """`_check`: the check character of `_body` where the id has a well-formed shape."""
    shaped = frame["_shape"].to_numpy()
    checks = np.full(frame.height, None, dtype=object)
    checks[shaped] = check_characters(frame["_body"].filter(frame["_shape"]).to_numpy().astype(str))
    return frame.with_columns(_check=pl.Series(checks.tolist(), dtype=pl.String))


def check_ids(frame: pl.DataFrame, id_col: str, birth_col: str | None, sex_col: str | None) -> pl.DataFrame:
    """`frame` with `id18` (the 18-digit id when well formed), `id_problem` (a key of PROBLEMS or null) and
    `id_upgraded` (given as 15 digits) added; every row kept."""
    raw = normalised(id_col)
    old = raw.str.contains(r"^\d{15}$")
    # GB 11643-1999 upgrades every 15-digit id with 19; registers also hold 15-digit entries typed for children
    # born in the 2000s (century left out): where the record's birth date is 20yymmdd of the id, use 20.
    century = pl.lit("19")
    if birth_col is not None:
        born = pl.col(birth_col).cast(pl.String).str.replace_all("-", "")
        century = (
            pl.when((born.str.slice(0, 2) == "20") & (born.str.slice(2, 6) == raw.str.slice(6, 6)))
            .then(pl.lit("20"))
            .otherwise(century)
        )
    body = (
        pl.when(old).then(raw.str.slice(0, 6) + century + raw.str.slice(6, 9)).otherwise(raw.str.slice(0, 17))
    )
    out = frame.with_columns(
        _raw=raw,
        _body=body,
        _old=old.fill_null(False),
        _shape=(raw.str.contains(r"^\d{17}[0-9X]$") | old).fill_null(False),
    ).with_columns(_born=pl.col("_body").str.slice(6, 8).str.to_date("%Y%m%d", strict=False))
    out = _with_check(out)
    given_check = pl.when(pl.col("_old")).then(pl.col("_check")).otherwise(pl.col("_raw").str.slice(17, 1))
    well_formed = (
        pl.col("_shape")
        & pl.col("_born").is_not_null()
        & (pl.col("_born").dt.year() >= FIRST_BIRTH_YEAR)
        & (pl.col("_born") <= dt.date.today())
        & (given_check == pl.col("_check"))
    )
    problem = (
        pl.when(pl.col("_raw").is_null()).then(pl.lit("missing"))
        .when(~pl.col("_shape")).then(pl.lit("shape"))
        .when(pl.col("_born").is_null() | (pl.col("_born").dt.year() < FIRST_BIRTH_YEAR) | (pl.col("_born") > dt.date.today())).then(pl.lit("date"))
        .when(given_check != pl.col("_check")).then(pl.lit("check"))
    )  # fmt: skip
    if birth_col is not None:
        recorded = pl.col(birth_col).cast(pl.String).str.to_date("%Y-%m-%d", strict=False)
        problem = problem.when(recorded.is_not_null() & (recorded != pl.col("_born"))).then(pl.lit("birth"))
    if sex_col is not None:
        odd = pl.col("_body").str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1
        id_sex = pl.when(odd).then(pl.lit("男")).otherwise(pl.lit("女"))
        problem = problem.when(pl.col(sex_col).is_in(["男", "女"]) & (pl.col(sex_col) != id_sex)).then(
            pl.lit("sex")
        )
    return out.with_columns(
        id18=pl.when(well_formed).then(pl.col("_body") + pl.col("_check")),
        id_problem=problem.otherwise(None),
        id_upgraded=pl.col("_old") & well_formed,
    ).drop("_raw", "_body", "_old", "_shape", "_check", "_born")


def mask_id(id18: str | None) -> str:
    """4401**********1234: the first four and last four characters shown."""
    if not id18:
        return ""
    return id18[:4] + "*" * max(len(id18) - 8, 0) + id18[-4:] if len(id18) > 8 else "*" * len(id18)


def mask_name(name: str | None) -> str:
    """张*明, 张*, 欧**明: the first and (for three characters or more) the last character shown."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]
