"""Compute every catalogue indicator for every org unit and year, from sums of numerators and denominators.

How: each distinct formula term (a fact column under filters) is summed once per school and year, then up the
hierarchy (school → township → county → city → province), population terms joining at the township (sums.py);
each indicator is then numerator ÷ denominator on each level's sums. A ratio at any level is therefore a ratio of
sums, never an average of school ratios. Every term carries a count of the null inputs it met, so a missing
input yields a null value with a reason instead of a silent 0.

The sums and the output are NumPy arrays indexed by integer row numbers (one pass per table, no hash group-by,
no query to plan); the result becomes a Polars frame a chunk at a time, its code, unit, level and reason columns
categorical (4 bytes a row, not a 16-byte string view: the result is 1.4× its input columns, not 2.3×), each
level's sums dropped once the last indicator that reads them is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from eduplan.facts import SCHOOL_TYPES, Facts
from eduplan.indicators.catalogue import LEVEL_ORDER, Indicator, load_catalogue
from eduplan.indicators.formula import Term, parse_side
from eduplan.indicators.sums import AREA_LEVELS, Filters, Level, Lookup, codes_of, levels
from eduplan.memory import give_back_free_memory

OUTPUT_SCHEMA = {
    "code": pl.Categorical,
    "unit": pl.Categorical,
    "level": pl.Categorical,
    "year": pl.Int64,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "reason": pl.Categorical,
}
MISS = "__miss"
__all__ = [
    "AREA_LEVELS",
    "MISS",
    "OUTPUT_SCHEMA",
    "compute",
    "hierarchy",
    "level_frames",
    "sides",
    "years_of",
]


def sides(ind: Indicator) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """The numerator and denominator terms of a computed indicator."""
    num = parse_side(ind.numerator, ind.where, ind.code)
    den = parse_side(ind.denominator, ind.where, ind.code) if ind.denominator else ()
    return num, den


# ─── the hierarchy ──────────────────────────────────────────────────────────────────────────────────────────

_PREFIX = {"county": 6, "city": 4, "province": 2}


def hierarchy(facts: Facts) -> pl.DataFrame:
    """(township, county, city, province) for every township known to org units, schools or population.

    Ancestors come from org_units' parent chain; a level the chain lacks falls back to the national code prefix
    (county = first 6 digits, city 4, province 2).
    """
    # The last row of a code wins, as in a dict; the chain is walked for every township at once, one step per
    # level (a cycle only revisits codes already met, so the walk stops when no chain has a parent left).
    units = facts.org_units.filter(pl.col("code").is_not_null()).unique(
        "code", keep="last", maintain_order=True
    )
    towns = pl.concat(
        [
            units.filter(pl.col("level") == "township")["code"],
            facts.schools["township"].unique(),
            facts.population["township"].unique(),
        ]
    )
    towns = towns.drop_nulls().unique().sort().alias("township")
    lookup = Lookup(units["code"])
    parent = np.append(lookup(units["parent"]), -1)  # position −1 reads the appended "none"
    level = np.append(codes_of(units["level"], list(_PREFIX)), -1)
    found = {name: np.full(towns.len(), -1) for name in _PREFIX}
    current = parent[lookup(towns)]
    for _ in range(units.height + 1):
        if not (current >= 0).any():
            break
        for i, name in enumerate(_PREFIX):
            first = (level[current] == i) & (found[name] < 0)
            found[name][first] = current[first]
        current = parent[current]
    codes = pl.concat([units["code"], pl.Series([None], dtype=pl.String)])  # the last position: none found
    ancestors = {
        name: codes.gather(pl.Series(np.where(at >= 0, at, units.height))) for name, at in found.items()
    }
    frame = pl.DataFrame({"township": towns, **ancestors})
    return frame.with_columns(
        pl.coalesce(name, pl.col("township").str.slice(0, n)).alias(name) for name, n in _PREFIX.items()
    )


def years_of(facts: Facts) -> list[int]:
    frames = [facts.school_year, facts.stage_year, facts.grade_year, facts.reported]
    return sorted({y for f in frames for y in _distinct_years(f["year"])})


def _distinct_years(year: pl.Series) -> list[int]:
    """A year column's distinct values: counted over its range (one pass, no hashing) when that is short."""
    year = year.drop_nulls()
    if not year.len():
        return []
    low, high = int(year.min()), int(year.max())  # type: ignore[arg-type]
    if high - low > 10 * year.len():
        return [int(y) for y in year.unique().to_list()]
    seen = np.bincount(year.to_numpy() - low, minlength=high - low + 1)
    return (np.flatnonzero(seen) + low).tolist()


def level_frames(
    facts: Facts, terms: Sequence[Term], tree: pl.DataFrame | None = None
) -> dict[str, pl.DataFrame]:
    """One frame per level: unit, year (and the school's attributes at the school level), then each term's sum
    and, where any input was missing, its miss count (`<term>__miss`)."""
    tree = hierarchy(facts) if tree is None else tree
    return {name: level.frame() for name, level in levels(facts, terms, tree, years_of(facts)).items()}


# ─── indicator values ───────────────────────────────────────────────────────────────────────────────────────


def applies_filters(ind: Indicator, num: Sequence[Term]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The school-attribute filters of the schools an indicator is defined for: a school type teaching one of
    its stages, and any school_type/ownership/locale filter common to all its numerator terms."""
    filters: list[tuple[str, tuple[str, ...]]] = []
    if ind.stages:
        filters.append(
            ("school_type", tuple(k for k, (_, st) in SCHOOL_TYPES.items() if set(st) & set(ind.stages)))
        )
    for key in ("school_type", "ownership", "locale"):
        common = [dict(t.filters).get(key) for t in num]
        if common and all(c == common[0] for c in common) and common[0]:
            filters.append((key, common[0]))  # type: ignore[arg-type]
    return tuple(filters)


@dataclass(frozen=True)
class _Part:
    """One indicator on one level: its rows there (None: every row)."""

    ind: Indicator
    num: tuple[Term, ...]
    den: tuple[Term, ...]
    level: Level
    rows: np.ndarray | None
    last: tuple[str, ...] = ()  # the level's terms no later part reads: dropped once this part is written

    def drop_last(self) -> int:
        """Drop the terms this part reads last; the bytes they held."""
        dropped = [
            d.pop(key) for key in self.last for d in (self.level.values, self.level.misses) if key in d
        ]
        return sum(a.nbytes for a in dropped)

    @property
    def height(self) -> int:
        return self.level.n if self.rows is None else len(self.rows)

    def side(self, terms: Sequence[Term]) -> tuple[np.ndarray, np.ndarray | None]:
        """The side's sum over the part's rows and its count of missing inputs (None: nothing missing)."""
        total, miss = self._take(self.level.values[terms[0].key]), None
        for t in terms[1:]:
            total += self._take(self.level.values[t.key])
        for t in terms:
            if t.key in self.level.misses:
                taken = self._take(self.level.misses[t.key])
                miss = taken if miss is None else miss + taken
        return total, miss

    def _take(self, values: np.ndarray) -> np.ndarray:
        """The part's rows of a term, as a new float64 array (the school level keeps terms as small integers)."""
        if self.rows is None:
            return values.astype(np.float64)
        return values[self.rows].astype(np.float64, copy=False)


# Rows per chunk of the result: its arrays are made a chunk at a time, so that they never sit beside all of it.
CHUNK_ROWS = 1 << 18
# Freed term sums go back to the system once this many bytes are free (each time costs the next arrays their
# page faults: not after every chunk).
TRIM_BYTES = 32 << 20


def _batches(parts: Iterable[_Part]) -> Iterable[list[_Part]]:
    """The parts in runs of at least CHUNK_ROWS rows (the last run may be shorter)."""
    batch: list[_Part] = []
    rows = 0
    for part in parts:
        batch.append(part)
        rows += part.height
        if rows >= CHUNK_ROWS:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


class _Output:
    """The result, a chunk of parts at a time: numbers as NaN-for-null arrays, strings as positions."""

    def __init__(self, levels_: dict[str, Level]) -> None:
        self.reasons: list[str | None] = [None]  # position 0: no reason
        self.codes: list[str] = []
        self.units = pl.concat([lv.codes for lv in levels_.values()]).cast(pl.Categorical).rechunk()
        self._unit_at, at = {}, 0
        for name, lv in levels_.items():
            self._unit_at[name], at = at, at + lv.codes.len()
        self.chunks: list[pl.DataFrame] = []
        self.dropped = 0  # bytes of terms dropped since the allocator last gave memory back

    def result(self, parts: Iterable[_Part]) -> pl.DataFrame:
        """The parts' rows; a chunk becomes Polars columns in a second thread while the next one is computed
        (both release the GIL for their array work), with at most one chunk waiting."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting: Future[pl.DataFrame] | None = None
            for batch in _batches(parts):
                arrays = self._chunk(batch)
                if waiting is not None:
                    self.chunks.append(waiting.result())
                waiting = pool.submit(self.frame, arrays, list(self.codes), list(self.reasons))
            if waiting is not None:
                self.chunks.append(waiting.result())
        return pl.concat(self.chunks, rechunk=False) if self.chunks else pl.DataFrame(schema=OUTPUT_SCHEMA)

    def _chunk(self, parts: Sequence[_Part]) -> dict[str, np.ndarray]:
        n = sum(p.height for p in parts)
        self.value, self.numerator, self.denominator = np.empty(n), np.empty(n), np.empty(n)
        self.year = np.empty(n, dtype=np.int64)
        self.code, self.unit, self.reason, self.level = (np.empty(n, dtype=np.uint32) for _ in range(4))
        self.at = 0
        for part in parts:
            self.add(part)
            self.dropped += part.drop_last()
        if self.dropped >= TRIM_BYTES:  # the dropped terms' memory, for the result's columns
            give_back_free_memory()
            self.dropped = 0
        return {name: self.__dict__.pop(name) for name in OUTPUT_SCHEMA}

    def add(self, part: _Part) -> None:
        ind, level, rows = part.ind, part.level, slice(self.at, self.at + part.height)
        self.at = rows.stop
        self.codes.append(ind.code)
        self.code[rows] = len(self.codes) - 1
        self.level[rows] = LEVEL_ORDER.index(level.name)
        unit, year = (
            (level.unit, level.year) if part.rows is None else (level.unit[part.rows], level.year[part.rows])
        )
        np.add(unit, self._unit_at[level.name], out=self.unit[rows], casting="unsafe")
        self.year[rows] = year
        num, num_miss = part.side(part.num)
        value = self.value[rows]
        lacking = None if num_miss is None else num_miss > 0
        bad = lacking
        if part.den:
            den, den_miss = part.side(part.den)
            with np.errstate(divide="ignore", invalid="ignore"):
                np.divide(num, den, out=value)
            value *= ind.scale
            zero = den == 0
            bad = zero if bad is None else bad | zero
            if den_miss is not None:
                den_lacking = den_miss > 0
                bad |= den_lacking
                den[den_lacking] = np.nan
            self.denominator[rows] = den
        else:
            den_miss = None
            value[:] = num
            self.denominator[rows] = np.nan
        self.reason[rows] = 0
        if bad is not None and bad.any():
            value[bad] = np.nan
            some = np.flatnonzero(bad)
            kind, count = np.full(len(some), 3), np.zeros(len(some))
            if den_miss is not None:
                kind[den_miss[some] > 0], count = 2, den_miss[some]
            if lacking is not None:
                kind[lacking[some]], count = 1, np.where(lacking[some], num_miss[some], count)  # type: ignore[index]
                num[lacking] = np.nan
            self.reason[self.at - part.height + some] = self._reasons(ind, kind, count)
        self.numerator[rows] = num

    def _reasons(self, ind: Indicator, kind: np.ndarray, count: np.ndarray) -> np.ndarray:
        """Positions in `reasons` of each (kind, count); the distinct texts are made once each."""
        found, inverse = np.unique(kind * 2**40 + count.astype(np.int64), return_inverse=True)
        at = len(self.reasons)
        self.reasons.extend(_reason(ind, int(k) >> 40, int(k) & (2**40 - 1)) for k in found)
        return at + inverse

    def frame(
        self, arrays: dict[str, np.ndarray], codes: list[str], reasons: list[str | None]
    ) -> pl.DataFrame:
        """A chunk of the result; each array is dropped once its column is made."""
        strings = {
            "code": pl.Series(codes, dtype=pl.Categorical),
            "unit": self.units,
            "level": pl.Series(LEVEL_ORDER, dtype=pl.Categorical),
            "reason": pl.Series(reasons, dtype=pl.Categorical),
        }
        columns = {}
        for name in OUTPUT_SCHEMA:
            values = arrays.pop(name)
            if name in strings:  # gathered by a Series of positions (a NumPy array would be converted first)
                columns[name] = strings[name].gather(pl.Series(values)).alias(name)
            else:
                columns[name] = pl.Series(name, values, nan_to_null=True)
            del values
        return pl.DataFrame(columns)


def _reason(ind: Indicator, kind: int, count: int) -> str:
    if kind == 1:
        return f"分子“{ind.numerator_label}”缺少 {count} 项数据"
    if kind == 2:
        return f"分母“{ind.denominator_label}”缺少 {count} 项数据"
    return f"分母“{ind.denominator_label}”为 0"


def _computed(facts: Facts, inds: Sequence[Indicator], tree: pl.DataFrame) -> pl.DataFrame | None:
    if not inds:
        return None
    by_level, parts = _plan(facts, inds, tree)
    return _Output(by_level).result(parts)


def _plan(
    facts: Facts, inds: Sequence[Indicator], tree: pl.DataFrame
) -> tuple[dict[str, Level], list[_Part]]:
    """Every level's sums, and the parts of the result in order (indicator by indicator, level by level)."""
    formulas = {ind.code: sides(ind) for ind in inds}
    terms = {t.key: t for num, den in formulas.values() for t in (*num, *den)}
    # Per school only the terms of indicators computed per school; every other term is summed up and dropped.
    at_school = {
        t.unlagged.key
        for i in inds
        if "school" in i.levels
        for t in (*formulas[i.code][0], *formulas[i.code][1])
    }
    by_level = levels(facts, list(terms.values()), tree, years_of(facts), at_school)
    give_back_free_memory()  # the sums' scratch arrays, before the result takes their place

    school = by_level["school"]
    chosen: dict[Filters, np.ndarray] = {}  # a few filter sets, many indicators

    def rows_of(filters: Filters) -> np.ndarray:
        if filters not in chosen:
            assert school.schools is not None
            chosen[filters] = np.flatnonzero(school.schools.mask(filters)[school.unit])
        return chosen[filters]

    parts = [
        _Part(ind, *formulas[ind.code], by_level[name],
              rows_of(applies_filters(ind, formulas[ind.code][0])) if name == "school" else None)
        for ind in inds
        for name in ind.levels
    ]  # fmt: skip
    return by_level, _dropping(parts)


def _dropping(parts: list[_Part]) -> list[_Part]:
    """The parts, each naming the terms of its level that it is the last to read (so that the level's sums
    shrink as the result grows, instead of sitting beside all of it)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for part in reversed(parts):
        keys = {t.key for t in (*part.num, *part.den)}
        last = tuple(k for k in sorted(keys) if (part.level.name, k) not in seen)
        seen.update((part.level.name, k) for k in keys)
        out.append(replace(part, last=last))
    return out[::-1]


def compute(facts: Facts, codes: Iterable[str] | None = None) -> pl.DataFrame:
    """Every requested indicator (all when None) for every org unit and year; see OUTPUT_SCHEMA.

    Columns: code, unit (area or school code), level, year, value (null when missing; percent indicators in
    percent), numerator, denominator, reason (why value is null; null when it is present); code, unit, level
    and reason are categorical (compare them with strings as usual; cast to pl.String to join a text column).
    """
    catalogue = load_catalogue()
    return compute_indicators(
        facts, [catalogue.get(c) for c in codes] if codes is not None else list(catalogue)
    )


def compute_indicators(facts: Facts, inds: Sequence[Indicator]) -> pl.DataFrame:
    """`compute` for indicator definitions given directly (a catalogue entry narrowed to a scope, say)."""
    from eduplan.indicators.reported import reported_values

    tree = hierarchy(facts)
    frames = []
    reported = [i for i in inds if i.reported]
    # The reported values (Polars joins) are read in a second thread while the computed ones are summed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        read = pool.submit(reported_values, facts, reported, tree) if reported else None
        computed = _computed(facts, [i for i in inds if not i.reported], tree)
        if computed is not None:
            frames.append(computed)
        if read is not None:
            frames.append(read.result())
    if not frames:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    return pl.concat([f.select(pl.col(k).cast(v) for k, v in OUTPUT_SCHEMA.items()) for f in frames])


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)
