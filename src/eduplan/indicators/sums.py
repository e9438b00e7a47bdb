"""Every formula term summed per school and year, then per township, county, city and province and year.

How: a school's code, a year and a stage become integer row numbers once (the code by `Lookup`, the year as an
offset from the first year), so that every sum below is one `np.bincount` of a table's rows into a dense array:
one pass over the rows, no hash group-by, linear in the input. A term (a fact column under filters) is its
column masked by the school's attributes and the stage, summed per school-year; each area sums the rows of the
level below it. Every term carries a count of the null inputs it met, kept only where there is at least one, so
that a missing input yields a null value with a reason instead of a silent 0. Sums are sums of float64 (exact for
the integer counts; a split resource is a product with a share).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from eduplan.facts import STAGES, Facts
from eduplan.indicators.formula import DERIVED, GRADE_COLUMNS, HEALTH_COLUMNS, STAGE_COLUMNS, Term
from eduplan.indicators.split import NOT_SPLIT, stage_weights

AREA_LEVELS = ("township", "county", "city", "province")
# Below this, a school counts as a 乡村小规模学校 (国办发〔2018〕27号: 不足100人).
SMALL_SCHOOL_PUPILS = 100
# 45岁以下 includes 45 ("以下"包括本数).
PRINCIPAL_AGE_LIMIT = 45
SCHOOL_TABLES = ("school_year", "stage_year", "grade_year", "health_year", "memberships")
ATTRS = ("township", "school_type", "ownership", "locale", "boarding")
Filters = tuple[tuple[str, tuple[str, ...]], ...]


# ─── grouping by integer row numbers ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Groups:
    """Each input row's group number in [0, n); a row outside every group carries n (a slot that is dropped)."""

    index: np.ndarray
    n: int

    def sum(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Σ weights per group (the row count without weights), as float64."""
        # (float64 always: NumPy counts in int64 without weights, and with empty weights too)
        return np.bincount(self.index, weights, self.n + 1)[: self.n].astype(np.float64, copy=False)

    def gather(self, values: np.ndarray, missing: float = 0.0) -> np.ndarray:
        """Per input row, its group's value (`missing` for a row outside every group)."""
        return np.append(values, missing)[self.index]


class Index:
    """Row numbers of distinct non-negative integer keys, in key order: dense when the key range is small."""

    def __init__(self, keys: Sequence[np.ndarray], size: int) -> None:
        keys = [np.maximum(k, -1) if len(k) and k.min() < -1 else k for k in keys]
        self._dense = size <= 4 * sum(len(k) for k in keys) + 4096
        if self._dense:
            present = np.zeros(size + 1, dtype=bool)
            for k in keys:
                present[k] = True  # −1 marks the last slot, dropped below
            self.keys = np.flatnonzero(present[:size])
            self._pos = np.full(size + 1, len(self.keys), dtype=np.intp)
            self._pos[self.keys] = np.arange(len(self.keys))
        else:
            valid = [k[k >= 0] for k in keys]
            self.keys = np.unique(np.concatenate(valid)) if valid else np.zeros(0, dtype=np.int64)
        self.n = len(self.keys)

    def groups(self, keys: np.ndarray) -> Groups:
        """The row number of each key (n for a negative key or one that is not in the index)."""
        if self._dense:
            # −1 reads the last position (not found) directly; other negatives are mapped to it first.
            return Groups(self._pos[np.maximum(keys, -1) if len(keys) and keys.min() < -1 else keys], self.n)
        at = np.searchsorted(self.keys, keys).clip(max=max(self.n - 1, 0))
        found = (keys >= 0) & (self.keys[at] == keys) if self.n else np.zeros(len(keys), dtype=bool)
        return Groups(np.where(found, at, self.n).astype(np.intp), self.n)


# Plain NumPy on the columns from here on: a Polars Series method that runs as a one-expression query costs a
# query plan per call, more than the work itself on these columns.


def column(frame: pl.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The column as float64 with null (and NaN) as 0, and where it is null (None: nowhere)."""
    series = frame[name]
    if series.dtype == pl.Boolean:
        series = series.cast(pl.Int8)
    values = series.to_numpy().astype(np.float64, copy=False)  # a null comes out as NaN
    nulls = np.isnan(values)
    if not nulls.any():
        return values, None
    return np.where(nulls, 0.0, values), nulls


def integers(series: pl.Series, missing: int = -1) -> np.ndarray:
    """An integer column as int64, `missing` where it is null."""
    values = series.to_numpy()
    if values.dtype.kind == "f":
        return np.where(np.isnan(values), missing, values).astype(np.int64)
    return values.astype(np.int64, copy=False)


class Lookup:
    """Positions of strings in a list of distinct, non-null codes (−1 where a string is null or not a code).

    Codes that are all numbers of one length (school 标识码, area codes) are looked up as integers by a sorted
    search, then checked against the strings: several times faster than hashing half a million strings. Other
    codes go through an Enum cast.
    """

    def __init__(self, codes: pl.Series) -> None:
        self.codes = codes
        numbers = codes.cast(pl.UInt64, strict=False)
        lengths = codes.str.len_bytes()
        # Digits only and one length: distinct codes are distinct numbers.
        self._numeric = (
            codes.len() > 0
            and numbers.null_count() == 0
            and lengths.min() == lengths.max()
            and bool(codes.str.contains(r"^[0-9]+$").all())
        )
        if self._numeric:
            values = numbers.to_numpy()
            self._order = np.argsort(values, kind="stable")
            self._sorted = values[self._order]
        else:
            self._enum = pl.Enum(codes)

    def __call__(self, strings: pl.Series) -> np.ndarray:
        # Fact tables come a school (or township) at a time: each run of equal strings is looked up once.
        heads = run_heads(strings)
        if 2 * len(heads) > strings.len():
            return self._find(strings)
        lengths = np.diff(np.append(heads, strings.len()))
        return np.repeat(self._find(strings.gather(pl.Series(heads))), lengths)

    def _find(self, strings: pl.Series) -> np.ndarray:
        if not self._numeric:
            return integers(strings.cast(self._enum, strict=False).to_physical())
        numbers = strings.cast(pl.UInt64, strict=False).fill_null(0).to_numpy()
        at = self._order[np.searchsorted(self._sorted, numbers).clip(max=len(self._sorted) - 1)]
        same = (self.codes.gather(pl.Series(at)) == strings).fill_null(False).to_numpy()
        return np.where(same, at, -1)


def run_heads(strings: pl.Series) -> np.ndarray:
    """Where each run of equal consecutive strings starts (a run of nulls is one run)."""
    if strings.len() < 2:
        return np.arange(strings.len())
    changed = strings.slice(1).ne_missing(strings.slice(0, strings.len() - 1)).to_numpy()
    return np.append(0, np.flatnonzero(changed) + 1)


def codes_of(strings: pl.Series, codes: pl.Series | Sequence[str]) -> np.ndarray:
    """Each string's position in `codes` (distinct, non-null), −1 where it is null or absent."""
    return Lookup(codes if isinstance(codes, pl.Series) else pl.Series(codes, dtype=pl.String))(strings)


def member(values: np.ndarray, wanted: Iterable[int], size: int) -> np.ndarray:
    """Whether each small non-negative integer is one of `wanted` (a look-up table; −1 and ≥ size: no)."""
    table = np.zeros(size + 1, dtype=bool)
    table[[w for w in wanted if 0 <= w < size]] = True
    return table[np.where((values >= 0) & (values < size), values, size)]


class Attributes:
    """Each school's school_type, ownership, locale and boarding as small integer codes: masks in NumPy."""

    def __init__(self, schools: pl.DataFrame) -> None:
        self.frame = schools
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        for name in ATTRS[1:]:
            series = schools[name].cast(pl.String)  # boarding: "true" / "false", as filters write it
            names = series.drop_nulls().unique().sort().to_list()
            self._codes[name] = codes_of(series, names), names
        self._cache: dict[Filters, np.ndarray] = {}

    def mask(self, filters: Filters) -> np.ndarray:
        """Per school: whether it meets every school-attribute filter (a null attribute meets none)."""
        if filters not in self._cache:
            out = np.ones(self.frame.height, dtype=bool)
            for key, values in filters:
                if key in self._codes:
                    codes, names = self._codes[key]
                    wanted = values[:1] if key == "boarding" else values  # boarding = the first value
                    out &= member(codes, [names.index(v) for v in wanted if v in names], len(names))
            self._cache[filters] = out
        return self._cache[filters]


# ─── the school-year rows ───────────────────────────────────────────────────────────────────────────────────


@dataclass
class Keys:
    """The school tables' rows numbered: school-year rows r (school, then year) and school-year-stage rows j."""

    schools: Attributes  # (school, township, school_type, ownership, locale, boarding) in school-number order
    first: int
    span: int
    sid: np.ndarray  # per r: the school's number
    year: np.ndarray  # per r: the year
    rows: dict[str, Groups]  # per fact row of each school table: its r
    stages: tuple[str, ...]
    stage_rows: dict[str, Groups]  # grade_year and stage_year rows: their j
    j_row: np.ndarray  # per j: its r
    j_stage: np.ndarray  # per j: its stage number
    index: Index  # k = school × span + (year − first) → r

    @property
    def n(self) -> int:
        return len(self.sid)

    def lag_rows(self, lag: int) -> Groups:
        """Per r: the row of the same school `lag` years earlier (n where there is none)."""
        earlier = self.index.keys - lag
        earlier[(self.year - lag) < self.first] = -1
        return self.index.groups(earlier)


def _school_numbers(facts: Facts) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
    """Schools numbered in their table's order, then codes only the fact tables name (sorted); each fact row's number."""
    attrs = facts.schools.select(pl.col("code").alias("school"), *ATTRS)
    schools = attrs.filter(pl.col("school").is_not_null()).unique("school", keep="first", maintain_order=True)
    tables = {name: getattr(facts, name)["school"] for name in SCHOOL_TABLES}
    lookup = Lookup(schools["school"])
    numbers = {name: lookup(col) for name, col in tables.items()}
    if any((numbers[n] < 0).sum() > tables[n].null_count() for n in tables):
        # A fact row of a school missing from the schools table is still counted, under its own code.
        every = pl.concat([c.drop_nulls() for c in tables.values()]).unique()
        extra = every.filter(~every.is_in(schools["school"].implode())).sort()
        schools = pl.concat([schools, pl.DataFrame({"school": extra})], how="diagonal")
        lookup = Lookup(schools["school"])
        numbers = {name: lookup(col) for name, col in tables.items()}
    return schools, numbers


def _years(facts: Facts) -> tuple[int, int]:
    lows, highs = [], []
    for name in SCHOOL_TABLES:
        year = getattr(facts, name)["year"]
        if year.len() > year.null_count():
            lows.append(int(year.min()))  # type: ignore[arg-type]
            highs.append(int(year.max()))  # type: ignore[arg-type]
    return (min(lows), max(highs) - min(lows) + 1) if lows else (0, 1)


def _row_keys(sid: np.ndarray, years: pl.Series, first: int, span: int) -> np.ndarray:
    """Per fact row: school × span + (year − first), −1 where the school or the year is unknown."""
    year = integers(years, first - 1)
    key = sid * span  # in place from here: one new array, not one per step
    key += year
    key -= first
    key[(sid < 0) | (year < first)] = -1
    return key


def encode(facts: Facts) -> Keys:
    schools, numbers = _school_numbers(facts)
    first, span = _years(facts)
    keys = {name: _row_keys(sid, getattr(facts, name)["year"], first, span) for name, sid in numbers.items()}
    index = Index([keys[n] for n in SCHOOL_TABLES if n != "memberships"], max(schools.height * span, 1))
    rows = {name: index.groups(k) for name, k in keys.items()}
    named = pl.concat([facts.grade_year["stage"].unique(), facts.stage_year["stage"].unique()]).drop_nulls()
    stage_names = tuple(STAGES) + tuple(sorted(set(named.unique().to_list()) - set(STAGES)))
    ns = len(stage_names)
    stage_keys = {}
    for name in ("grade_year", "stage_year"):
        stage = codes_of(getattr(facts, name)["stage"], stage_names)
        key = rows[name].index * ns  # a new array: the row numbers stay as they are
        key += stage
        key[(rows[name].index == index.n) | (stage < 0)] = -1
        stage_keys[name] = key
    stage_index = Index(list(stage_keys.values()), max(index.n * ns, 1))
    return Keys(
        schools=Attributes(schools),
        first=first,
        span=span,
        sid=index.keys // span,
        year=index.keys % span + first,
        rows=rows,
        stages=stage_names,
        stage_rows={name: stage_index.groups(k) for name, k in stage_keys.items()},
        j_row=stage_index.keys // ns,
        j_stage=stage_index.keys % ns,
        index=index,
    )


# ─── per school-year-stage values ───────────────────────────────────────────────────────────────────────────


class StageValues:
    """Per stage row j: the value and miss count of grade sums, stage statistics and split school resources."""

    def __init__(self, facts: Facts, keys: Keys) -> None:
        self.facts, self.keys = facts, keys
        self.grades = keys.stage_rows["grade_year"]
        self.stage_year = keys.stage_rows["stage_year"]
        enrollment, nulls = column(facts.grade_year, "enrollment")
        self.pupils = self.grades.sum(enrollment)
        self.known = self.grades.sum(None if nulls is None else ~nulls)
        self.graded = self.grades.sum() > 0  # j has grade rows
        self._grade_number = integers(facts.grade_year["grade"])
        self._share: np.ndarray | None = None

    def grade(self, name: str, grades: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray | None]:
        values, nulls = column(self.facts.grade_year, name)
        keep = member(self._grade_number, [int(g) for g in grades], 100) if grades else None
        if keep is not None:
            values = np.where(keep, values, 0.0)
        miss = None
        if nulls is not None:
            miss = self.grades.sum(nulls if keep is None else nulls & keep)
        return self.grades.sum(values), miss

    def stage(self, name: str) -> tuple[np.ndarray, np.ndarray | None]:
        """A stage_year column; a stage with pupils but no stage_year row lacks it (missing, never 0)."""
        values, nulls = column(self.facts.stage_year, name)
        known = self.stage_year.sum(None if nulls is None else ~nulls)
        miss = (known == 0).astype(np.float64)
        return self.stage_year.sum(values), (miss if miss.any() else None)

    def share(self) -> np.ndarray:
        """The stage's weighted share of its school's resources (split.py); NaN where a stage's pupils are unknown."""
        if self._share is None:
            self._share = _shares(self.keys, self.pupils, self.known, self.graded)
        return self._share

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray | None]:
        """A school_year resource on the stage rows that have pupils, times the stage's share (if it is split)."""
        whole, nulls = _per_row(self.facts.school_year, name, self.keys)
        on_row = self.keys.j_row
        values = np.where(self.graded, whole[on_row], 0.0)
        missing = self.graded & nulls[on_row]
        if name not in NOT_SPLIT:
            share = self.share()
            values = np.where(np.isnan(share), 0.0, values * share)
            # A share that cannot be worked out (a stage's pupils unknown) leaves the stage's part unknown.
            missing |= self.graded & np.isnan(share)
        return values, (missing.astype(np.float64) if missing.any() else None)


def _shares(keys: Keys, pupils: np.ndarray, known: np.ndarray, graded: np.ndarray) -> np.ndarray:
    """Per stage row: w·P / Σ w·P over its school's stages with pupils (split.py); 1 for a school of one stage."""
    weights, default = stage_weights()
    weight = np.array([weights.get(s, default) for s in keys.stages])[keys.j_stage]
    per_row = Groups(np.where(graded, keys.j_row, keys.n), keys.n)
    unknown_pupils = graded & (known == 0)
    weighted = np.where(unknown_pupils, 0.0, pupils * weight)
    stages = per_row.gather(per_row.sum())
    total = per_row.gather(per_row.sum(weighted))
    weight_sum = per_row.gather(per_row.sum(weight))
    unknown = per_row.gather(per_row.sum(unknown_pupils)) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total == 0, weight / weight_sum, weighted / total)
    share = np.where(unknown, np.nan, share)
    # A stage row without grade rows (only stage statistics) has no share: 0, never the 0/0 above.
    return np.where(graded, np.where(stages == 1, 1.0, share), 0.0)


def _per_row(frame: pl.DataFrame, name: str, keys: Keys) -> tuple[np.ndarray, np.ndarray]:
    """A school_year column per r: its value (0 where null) and whether it is null (or the row is absent)."""
    values, nulls = column(frame, name)
    rows = keys.rows["school_year"]
    out = np.zeros(keys.n + 1)
    out[rows.index] = values
    absent = np.ones(keys.n + 1, dtype=bool)
    absent[rows.index] = False if nulls is None else nulls
    return out[:-1], absent[:-1]


# ─── terms per school-year ──────────────────────────────────────────────────────────────────────────────────


class SchoolTerms:
    """Each term's sum and miss count per school-year row r."""

    def __init__(self, facts: Facts, keys: Keys) -> None:
        self.facts, self.keys = facts, keys
        self.stage_values = StageValues(facts, keys)
        self._by_stage: dict[tuple[str, tuple[str, ...]], tuple[np.ndarray, np.ndarray | None]] = {}
        self._derived: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        self._masks: dict[tuple[str, Filters], np.ndarray] = {}
        self._column = ""
        self.on_rows = Groups(keys.j_row, keys.n)
        self._j_school = keys.sid[keys.j_row]

    def term(self, t: Term) -> tuple[np.ndarray, np.ndarray | None]:
        """The term's sum and miss count per r; asked column by column, only one column's values are kept."""
        if t.column != self._column:
            self._by_stage.clear()
            self._derived.clear()
            self._column = t.column
        if t.base == "stage":
            return self._stage_term(t)
        values, nulls = self._school_column(t.column)
        mask = self._mask("school", t.filters)
        value = np.where(mask, values, 0.0)
        miss = None if nulls is None else np.where(mask, nulls, 0.0)
        return value, (miss if miss is not None and miss.any() else None)

    def _stage_term(self, t: Term) -> tuple[np.ndarray, np.ndarray | None]:
        values, miss = self._stage_column(t)
        mask = self._mask("stage", t.filters)
        value = self.on_rows.sum(np.where(mask, values, 0.0))
        missing = None if miss is None else self.on_rows.sum(np.where(mask, miss, 0.0))
        return value, (missing if missing is not None and missing.any() else None)

    def _mask(self, base: str, filters: Filters) -> np.ndarray:
        """Per r (base school) or j (base stage): whether the row meets the filters (grade aside)."""
        filters = tuple((k, v) for k, v in filters if k != "grade")
        if (base, filters) not in self._masks:
            keys, schools = self.keys, self.keys.schools.mask(filters)
            if base == "school":
                mask = schools[keys.sid]
            else:
                mask = schools[self._j_school]
                if stages := dict(filters).get("stage"):
                    wanted = [keys.stages.index(s) for s in stages if s in keys.stages]
                    mask &= member(keys.j_stage, wanted, len(keys.stages))
            self._masks[(base, filters)] = mask
        return self._masks[(base, filters)]

    def _stage_column(self, t: Term) -> tuple[np.ndarray, np.ndarray | None]:
        grades = t.filter("grade") if t.column in GRADE_COLUMNS else ()
        key = (t.column, grades)
        if key not in self._by_stage:
            sv = self.stage_values
            if t.column in GRADE_COLUMNS:
                self._by_stage[key] = sv.grade(t.column, grades)
            elif t.column in STAGE_COLUMNS:
                self._by_stage[key] = sv.stage(t.column)
            else:
                self._by_stage[key] = sv.split(t.column)
        return self._by_stage[key]

    def _school_column(self, name: str) -> tuple[np.ndarray, np.ndarray | None]:
        """Per r: the value (0 where null) and its miss count (None: no miss anywhere)."""
        if name not in self._derived:
            if name in HEALTH_COLUMNS:
                rows = self.keys.rows["health_year"]
                values, nulls = column(self.facts.health_year, name)
                # A school without a health row was not tested: it adds nothing and lacks nothing.
                self._derived[name] = rows.sum(values), (None if nulls is None else rows.sum(nulls))
            elif name in DERIVED:
                self._derived[name] = self._derive(name)
            else:
                values, absent = _per_row(self.facts.school_year, name, self.keys)
                self._derived[name] = values, (absent.astype(np.float64) if absent.any() else None)
        return self._derived[name]

    def _derive(self, name: str) -> tuple[np.ndarray, np.ndarray | None]:
        n, sv = self.keys.n, self.stage_values
        pupils = self.on_rows.sum(np.where(sv.graded, sv.pupils, 0.0))
        no_pupils = self.on_rows.sum(np.where(sv.graded, sv.known, 0.0)) == 0
        if name == "schools":
            return np.ones(n), None
        if name == "pupils":
            return np.where(no_pupils, 0.0, pupils), _flag(no_pupils)
        if name == "in_group":
            return (self.keys.rows["memberships"].sum() > 0).astype(np.float64), None
        if name == "small_school":
            return np.where(no_pupils, 0.0, pupils < SMALL_SCHOOL_PUPILS), _flag(no_pupils)
        if name == "funds_total":
            funds, absent = _per_row(self.facts.school_year, "public_funds_per_pupil", self.keys)
            return np.where(no_pupils, 0.0, funds * pupils), _flag(no_pupils | absent)
        if name == "principal_le45":
            age, absent = _per_row(self.facts.school_year, "principal_age", self.keys)
            return np.where(absent, 0.0, age <= PRINCIPAL_AGE_LIMIT), _flag(absent)
        rotated, absent = _per_row(self.facts.school_year, "principal_rotated", self.keys)
        return rotated, _flag(absent)


def _flag(missing: np.ndarray) -> np.ndarray | None:
    return missing.astype(np.float64) if missing.any() else None


# ─── levels ─────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Level:
    """One level's rows, each a (unit, year), with every term's sum and its miss count where there is a miss."""

    name: str
    codes: pl.Series  # the level's unit codes
    unit: np.ndarray  # per row: its unit's position in `codes`
    year: np.ndarray  # per row: the year
    values: dict[str, np.ndarray] = field(default_factory=dict)
    misses: dict[str, np.ndarray] = field(default_factory=dict)
    schools: Attributes | None = None  # the school level: attributes per unit position

    @property
    def n(self) -> int:
        return len(self.unit)

    def add(self, key: str, value: np.ndarray, miss: np.ndarray | None) -> None:
        """Keep a term's sums (and miss counts); per school in the smallest type that holds them exactly."""
        keep = _compact if self.schools is not None else _same
        self.values[key] = keep(value)
        if miss is not None and miss.any():
            self.misses[key] = keep(miss)

    def add_lag(self, t: Term, earlier: Groups) -> None:
        """A lagged term at year Y is its unlagged sum at Y − lag; a row with no such year lacks one value."""
        base = t.unlagged.key
        value = earlier.gather(self.values[base])
        miss = earlier.gather(self.misses.get(base, np.zeros(self.n)), missing=1.0)
        self.add(t.key, value, miss)

    def frame(self) -> pl.DataFrame:
        """The level as a frame: unit, year (the school's attributes at the school level), terms, miss counts."""
        columns: dict[str, pl.Series] = {
            "unit": self.codes.gather(self.unit).alias("unit"),
            "year": pl.Series("year", self.year, dtype=pl.Int64),
        }
        if self.schools is not None:
            for name in ATTRS:
                columns[name] = self.schools.frame[name].gather(self.unit)
        for key, value in self.values.items():
            columns[key] = pl.Series(key, value, dtype=pl.Float64)
            if key in self.misses:
                columns[key + "__miss"] = pl.Series(key + "__miss", self.misses[key]).cast(pl.Int64)
        return pl.DataFrame(columns)


# The school level keeps every per-school term until the output is written: mostly counts, they are held as
# small integers (exact: converted back only when they are the very same numbers), a quarter of the memory.
_INTEGERS = tuple(np.iinfo(t) for t in (np.int8, np.int16, np.int32))


def _compact(values: np.ndarray) -> np.ndarray:
    """The values as the smallest integer type that gives back exactly the same float64 numbers, else as they are."""
    if not len(values):
        return values
    low, high = values.min(), values.max()
    for info in _INTEGERS:
        if info.min <= low and high <= info.max:
            small = values.astype(info.dtype)
            return small if np.array_equal(small, values) else values
    return values


def _same(values: np.ndarray) -> np.ndarray:
    return values


def _grid(units: pl.Series, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of every unit × year, unit-major: each row's unit position and year."""
    return np.repeat(np.arange(units.len()), len(years)), np.tile(years, units.len())


def _area_level(name: str, codes: pl.Series, years: np.ndarray) -> Level:
    unit, year = _grid(codes, years)
    return Level(name, codes, unit, year)


def _rollup(below: Level, groups: Groups, above: Level, keys: Iterable[str]) -> None:
    for key in keys:
        miss = below.misses.get(key)
        above.add(key, groups.sum(below.values[key]), None if miss is None else groups.sum(miss))


def _year_positions(years: np.ndarray, of: np.ndarray) -> np.ndarray:
    """Each of `of`'s years as a position in `years` (sorted, distinct), −1 where absent."""
    at = np.searchsorted(years, of).clip(max=max(len(years) - 1, 0))
    found = (years[at] == of) if len(years) else np.zeros(len(of), dtype=bool)
    return np.where(found, at, -1)


def _grid_groups(unit: np.ndarray, year: np.ndarray, years: np.ndarray, n_units: int) -> Groups:
    """Rows (unit position, year) → their row in the unit × year grid of the level above."""
    at = _year_positions(years, year)
    n = n_units * len(years)
    return Groups(np.where((unit >= 0) & (at >= 0), unit * len(years) + at, n).astype(np.intp), n)


def _population(facts: Facts, terms: Sequence[Term], town: Level, years: np.ndarray) -> None:
    """Per (township, year): each population term summed, and the ages it lacks as its miss count."""
    pop = facts.population
    groups = _grid_groups(
        codes_of(pop["township"], town.codes), integers(pop["year"]), years, town.codes.len()
    )
    values, _ = column(pop, "population")
    age = integers(pop["age"])
    for t in terms:
        ages = [int(a) for a in t.filter("age")] or list(range(19))
        keep = member(age, ages, 200)
        town.add(t.key, groups.sum(np.where(keep, values, 0.0)), len(ages) - groups.sum(keep))


def _lags(level: Level, terms: Sequence[Term], earlier: dict[int, Groups]) -> None:
    for t in terms:
        level.add_lag(t, earlier[t.lag])


def _area_lags(level: Level, years: np.ndarray, lag: int) -> Groups:
    at = _year_positions(years, level.year - lag)
    n = level.n
    return Groups(np.where(at >= 0, level.unit * len(years) + at, n).astype(np.intp), n)


def levels(
    facts: Facts,
    terms: Sequence[Term],
    tree: pl.DataFrame,
    years: Sequence[int],
    at_school: set[str] | None = None,
) -> dict[str, Level]:
    """Every level's sums of `terms` (lagged terms included): school, township, county, city, province.

    `at_school`: the term keys kept per school (None: all); the others are summed into the townships and dropped.
    """
    lagged = [t for t in terms if t.lag]
    plain = list(
        {t.key: t for t in (*(t for t in terms if not t.lag), *(t.unlagged for t in lagged))}.values()
    )
    keys = encode(facts)
    school = Level("school", keys.schools.frame["school"], keys.sid, keys.year, schools=keys.schools)
    year_array = np.array(sorted(years), dtype=np.int64)
    town = _area_level("township", tree["township"], year_array)
    town_of_school = codes_of(keys.schools.frame["township"], tree["township"])
    to_town = _grid_groups(town_of_school[keys.sid], keys.year, year_array, town.codes.len())
    sums = SchoolTerms(facts, keys)
    # Term by term, column by column: a column's per-stage values are made once and dropped after its terms.
    for t in sorted((t for t in plain if t.base != "township"), key=lambda t: (t.column, t.key)):
        value, miss = sums.term(t)
        town.add(t.key, to_town.sum(value), None if miss is None else to_town.sum(miss))
        if at_school is None or t.key in at_school:
            school.add(t.key, value, miss)
    _population(facts, [t for t in plain if t.base == "township"], town, year_array)
    out = {"school": school, "township": town}
    for name in ("county", "city", "province"):
        codes = tree[name].unique().sort()
        above = _area_level(name, codes, year_array)
        of_town = codes_of(tree[name], codes)[town.unit]
        _rollup(town, _grid_groups(of_town, town.year, year_array, codes.len()), above, town.values)
        out[name] = above
    if lagged:
        here = [t for t in lagged if t.unlagged.key in school.values]
        _lags(school, here, {t.lag: keys.lag_rows(t.lag) for t in here})
        for level in AREA_LEVELS:
            _lags(out[level], lagged, {t.lag: _area_lags(out[level], year_array, t.lag) for t in lagged})
    return out
