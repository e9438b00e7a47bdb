"""The indicator computation as one DuckDB SQL query: the same terms, split, roll-up, miss counts and outputs.

Each table is grouped once with a SUM(CASE …) per term (one group-by per table), the school frame is summed per
township and then per county, city and province, and each indicator on each level is one SELECT of the result's
UNION ALL. The facts are loaded into DuckDB's own tables before timing; the query writes the result to a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from eduplan.facts import TABLES, Facts
from eduplan.indicators.catalogue import Indicator
from eduplan.indicators.engine import applies_filters, hierarchy, sides, years_of
from eduplan.indicators.formula import GRADE_COLUMNS, HEALTH_COLUMNS, STAGE_COLUMNS, Term
from eduplan.indicators.split import NOT_SPLIT, stage_weights
from eduplan.indicators.sums import PRINCIPAL_AGE_LIMIT, SMALL_SCHOOL_PUPILS

LOADED = ("schools", "school_year", "stage_year", "grade_year", "health_year", "memberships", "population")
KEY_INTS = ("year", "grade", "age")


def connect(facts: Facts, frames: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding the facts (numbers as DOUBLE, as the engine sums them), the tree and years."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for name in LOADED:
        frame = frames[name]  # noqa: F841 (read by DuckDB's replacement scan)
        cols = []
        for c in TABLES[name].columns:
            sql = {"int": "BIGINT" if c.name in KEY_INTS else "DOUBLE", "float": "DOUBLE", "bool": "BOOLEAN"}
            cols.append(f'CAST("{c.name}" AS {sql.get(c.kind, "VARCHAR")}) AS "{c.name}"')
        con.execute(f"CREATE TABLE {name} AS SELECT {', '.join(cols)} FROM frame")
    tree = {c: hierarchy(facts)[c].to_numpy() for c in ("township", "county", "city", "province")}
    tree_frame = pd.DataFrame(tree)  # noqa: F841
    con.execute("CREATE TABLE tree AS SELECT * FROM tree_frame")
    years_frame = pd.DataFrame({"year": pd.Series(years_of(facts), dtype="int64")})  # noqa: F841
    con.execute("CREATE TABLE years AS SELECT * FROM years_frame")
    return con


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(column: str, values: Sequence[str | int]) -> str:
    return f"{column} IN ({', '.join(str(v) if isinstance(v, int) else _q(v) for v in values)})"


def _mask(filters: Sequence[tuple[str, tuple[str, ...]]], row: str = "r") -> str:
    """The SQL condition of a term's filters (stage on the stage row, the rest on the school's attributes)."""
    parts = ["TRUE"]
    for key, values in filters:
        if key == "stage":
            parts.append(_in(f"{row}.stage", values))
        elif key == "boarding":
            parts.append(f"a.boarding = {'TRUE' if values[0] == 'true' else 'FALSE'}")
        elif key not in ("grade", "age"):
            parts.append(_in(f"a.{key}", values))
    return " AND ".join(parts)


class _Names:
    """Short SQL names for term columns: t0, t1 … and their miss counts m0, m1 …."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.at = {t.key: i for i, t in enumerate(terms)}

    def t(self, term: Term) -> str:
        return f"t{self.at[term.key]}"

    def m(self, term: Term) -> str:
        return f"m{self.at[term.key]}"


def _grade_name(t: Term) -> str:
    return f"g_{t.column}_{'_'.join(t.filter('grade'))}"


def _stage_sql(terms: Sequence[Term], n: _Names) -> list[str]:
    grade = {_grade_name(t): t for t in terms if t.column in GRADE_COLUMNS}
    g_cols = ["SUM(COALESCE(enrollment, 0)) AS pupils", "COUNT(enrollment) AS known"]
    for name, t in grade.items():
        keep = _in("grade", [int(x) for x in t.filter("grade")]) if t.filter("grade") else "TRUE"
        g_cols.append(f"SUM(CASE WHEN {keep} THEN COALESCE({t.column}, 0) ELSE 0 END) AS {name}")
        g_cols.append(f"SUM(CASE WHEN {keep} AND {t.column} IS NULL THEN 1 ELSE 0 END)::DOUBLE AS {name}_m")
    stage_cols = sorted({t.column for t in terms if t.column in STAGE_COLUMNS})
    split = sorted(
        {t.column for t in terms if t.column not in GRADE_COLUMNS and t.column not in STAGE_COLUMNS}
    )
    weights, default = stage_weights()
    weight = (
        "CASE "
        + " ".join(f"WHEN stage = {_q(s)} THEN {w!r}" for s, w in weights.items())
        + f" ELSE {default!r} END"
    )
    sr_cols = [
        "COALESCE(g.graded, 0) AS graded",
        "COALESCE(g.pupils, 0) AS pupils",
        "COALESCE(g.known, 0) AS known",
    ]
    sr_cols += [f"COALESCE({c}, 0) AS {c}" for c in [*grade, *(x + "_m" for x in grade)]]
    sr_cols += [f"COALESCE(s.{c}, 0) AS {c}, (s.{c} IS NULL)::DOUBLE AS {c}_m" for c in stage_cols]
    share = ("CASE WHEN sh.n = 1 THEN 1.0 WHEN sh.unknown > 0 THEN NULL WHEN sh.total = 0 THEN w / sh.wsum "
             "ELSE (CASE WHEN known > 0 THEN pupils * w ELSE 0 END) / sh.total END")  # fmt: skip
    rows_cols = []
    for c in split:
        factor = "1.0" if c in NOT_SPLIT else "share"
        lacking = f"y.{c} IS NULL" + ("" if c in NOT_SPLIT else " OR share IS NULL")
        rows_cols.append(f"CASE WHEN graded = 1 THEN COALESCE(y.{c} * {factor}, 0) ELSE 0 END AS {c}")
        rows_cols.append(f"CASE WHEN graded = 1 AND ({lacking}) THEN 1.0 ELSE 0 END AS {c}_m")
    term_cols = []
    for t in terms:
        col = _grade_name(t) if t.column in GRADE_COLUMNS else t.column
        mask = _mask(t.filters)
        term_cols.append(f"SUM(CASE WHEN {mask} THEN r.{col} ELSE 0 END) AS {n.t(t)}")
        term_cols.append(f"SUM(CASE WHEN {mask} THEN r.{col}_m ELSE 0 END) AS {n.m(t)}")
    y_cols = ", ".join(f"y.{c}" for c in split)
    return [
        f"g AS (SELECT school, year, stage, 1 AS graded, {', '.join(g_cols)} FROM grade_year GROUP BY ALL)",
        f"sr AS (SELECT school, year, stage, {', '.join(sr_cols)} FROM g FULL JOIN stage_year s USING (school, year, stage))",
        f"gw AS (SELECT *, {weight} AS w FROM sr WHERE graded = 1)",
        "sh AS (SELECT school, year, COUNT(*) AS n, SUM(CASE WHEN known > 0 THEN pupils * w ELSE 0 END) AS total, "
        "SUM(w) AS wsum, SUM(CASE WHEN known = 0 THEN 1 ELSE 0 END)::DOUBLE AS unknown FROM gw GROUP BY school, year)",
        f"sw AS (SELECT sr.*, CASE WHEN graded = 1 THEN {share} END AS share FROM sr "
        f"LEFT JOIN (SELECT school, year, stage, w FROM gw) USING (school, year, stage) "
        f"LEFT JOIN sh USING (school, year))",
        f"rows AS (SELECT sw.* {', ' if split else ''}{', '.join(rows_cols)} FROM sw "
        f"LEFT JOIN (SELECT school, year{', ' if split else ''}{y_cols} FROM school_year y) y USING (school, year))",
        "st AS (SELECT r.school, r.year, SUM(CASE WHEN r.graded = 1 THEN r.pupils ELSE 0 END) AS pupils, "
        f"SUM(CASE WHEN r.graded = 1 THEN r.known ELSE 0 END) AS known{', ' if terms else ''}{', '.join(term_cols)} "
        "FROM rows r LEFT JOIN attrs a USING (school) GROUP BY r.school, r.year)",
    ]  # fmt: skip


def _school_sql(stage_terms: Sequence[Term], school_terms: Sequence[Term], n: _Names) -> list[str]:
    derived = {
        "schools": "1.0",
        "pupils": "p.pupils_v",
        "in_group": "COALESCE(mem.in_group, 0)",
        "small_school": f"(p.pupils_v < {SMALL_SCHOOL_PUPILS})::DOUBLE",
        "principal_le45": f"(y.principal_age <= {PRINCIPAL_AGE_LIMIT})::DOUBLE",
        "principal_rotated": "y.principal_rotated::DOUBLE",
        "funds_total": "y.public_funds_per_pupil * p.pupils_v",
    }
    cols = []
    for t in stage_terms:
        cols.append(f"COALESCE(st.{n.t(t)}, 0) AS {n.t(t)}, COALESCE(st.{n.m(t)}, 0) AS {n.m(t)}")
    for t in school_terms:
        mask = _mask(t.filters)
        if t.column in HEALTH_COLUMNS:
            value, miss = f"COALESCE(h.{t.column}, 0)", f"COALESCE(h.{t.column}_m, 0)"
        else:
            source = derived.get(t.column, f"y.{t.column}")
            value, miss = f"COALESCE({source}, 0)", f"({source} IS NULL)::DOUBLE"
        cols.append(f"CASE WHEN {mask} THEN {value} ELSE 0 END AS {n.t(t)}")
        cols.append(f"CASE WHEN {mask} THEN {miss} ELSE 0 END AS {n.m(t)}")
    health = ", ".join(
        f"SUM(COALESCE({c}, 0)) AS {c}, SUM(CASE WHEN {c} IS NULL THEN 1 ELSE 0 END)::DOUBLE AS {c}_m"
        for c in HEALTH_COLUMNS
    )
    return [
        "k AS (SELECT school, year FROM school_year UNION SELECT school, year FROM stage_year "
        "UNION SELECT school, year FROM grade_year UNION SELECT school, year FROM health_year)",
        f"h AS (SELECT school, year, {health} FROM health_year GROUP BY school, year)",
        "mem AS (SELECT DISTINCT school, year, 1.0 AS in_group FROM memberships)",
        "p AS (SELECT k.school, k.year, CASE WHEN COALESCE(st.known, 0) > 0 THEN st.pupils END AS pupils_v "
        "FROM k LEFT JOIN st USING (school, year))",
        "sf AS (SELECT k.school AS unit, k.year, a.township, a.school_type, a.ownership, a.locale"
        f"{', ' if cols else ''}{', '.join(cols)} FROM k LEFT JOIN p USING (school, year) "
        "LEFT JOIN st USING (school, year) LEFT JOIN school_year y USING (school, year) "
        "LEFT JOIN h USING (school, year) LEFT JOIN mem USING (school, year) LEFT JOIN attrs a ON a.school = k.school)",
    ]  # fmt: skip


def _area_sql(school_terms: Sequence[Term], pop_terms: Sequence[Term], n: _Names) -> list[str]:
    cols = [c for t in school_terms for c in (n.t(t), n.m(t))]
    sums = ", ".join(f"SUM({c}) AS {c}" for c in cols)
    pop = ", ".join(
        f"SUM(CASE WHEN {_in('age', [int(x) for x in t.filter('age')] or list(range(19)))} "
        f"THEN COALESCE(population, 0) ELSE 0 END) AS {n.t(t)}, "
        f"SUM(CASE WHEN {_in('age', [int(x) for x in t.filter('age')] or list(range(19)))} THEN 1 ELSE 0 END)::DOUBLE AS {n.t(t)}_n"
        for t in pop_terms
    )
    town_cols = [f"COALESCE(s.{c}, 0) AS {c}" for c in cols]
    town_cols += [f"COALESCE(p.{n.t(t)}, 0) AS {n.t(t)}, {len(t.filter('age')) or 19} - COALESCE(p.{n.t(t)}_n, 0) AS {n.m(t)}"
                  for t in pop_terms]  # fmt: skip
    all_cols = cols + [c for t in pop_terms for c in (n.t(t), n.m(t))]
    out = [
        f"ss AS (SELECT township, year{', ' if sums else ''}{sums} FROM sf GROUP BY township, year)",
        f"pp AS (SELECT township, year{', ' if pop else ''}{pop} FROM population GROUP BY township, year)",
        f"lv_township_base AS (SELECT tr.township AS unit, y.year, {', '.join(town_cols)} FROM tree tr CROSS JOIN years y "
        "LEFT JOIN ss s ON s.township = tr.township AND s.year = y.year "
        "LEFT JOIN pp p ON p.township = tr.township AND p.year = y.year)",
    ]  # fmt: skip
    for level in ("county", "city", "province"):
        sums = ", ".join(f"SUM(x.{c}) AS {c}" for c in all_cols)
        out.append(f"lv_{level}_base AS (SELECT tr.{level} AS unit, x.year, {sums} FROM lv_township_base x "
                   f"JOIN tree tr ON tr.township = x.unit GROUP BY tr.{level}, x.year)")  # fmt: skip
    return out


def _level(level: str, lagged: Sequence[Term], n: _Names) -> str:
    """The level's frame: its base sums, and each lagged term as its sum `lag` years earlier (one miss where that
    year is absent)."""
    base = f"lv_{level}_base"
    cols = [f", COALESCE(e{i}.v, 0) AS {n.t(t)}, CASE WHEN e{i}.unit IS NULL THEN 1 ELSE e{i}.m END AS {n.m(t)}"
            for i, t in enumerate(lagged)]  # fmt: skip
    joins = [f" LEFT JOIN (SELECT unit, year, {n.t(t.unlagged)} AS v, {n.m(t.unlagged)} AS m FROM {base}) e{i} "
             f"ON e{i}.unit = b.unit AND e{i}.year = b.year - {t.lag}" for i, t in enumerate(lagged)]  # fmt: skip
    return f"lv_{level} AS (SELECT b.*{''.join(cols)} FROM {base} b{''.join(joins)})"


def _applies(ind: Indicator, num: Sequence[Term]) -> str:
    """The school rows an indicator is defined for."""
    return " AND ".join(["TRUE", *(f"COALESCE({_in(k, v)}, FALSE)" for k, v in applies_filters(ind, num))])


def _level_values(level: str, inds: Sequence[Indicator], n: _Names) -> str:
    """Every indicator of one level: numerator, denominator and misses per indicator as columns, unpivoted to
    one row per indicator (one query per level, not one per indicator), then value and reason from `ind`."""
    cols, groups = [], []
    for i, ind in enumerate(inds):
        num, den = sides(ind)
        cols += [
            " + ".join(n.t(t) for t in num) + f" AS n{i}",
            " + ".join(n.m(t) for t in num) + f" AS nm{i}",
        ]
        cols += [(" + ".join(n.t(t) for t in den) if den else "CAST(NULL AS DOUBLE)") + f" AS d{i}"]
        cols += [(" + ".join(n.m(t) for t in den) if den else "0") + f" AS dm{i}"]
        cols += [(_applies(ind, num) if level == "school" else "TRUE") + f" AS a{i}"]
        groups.append(f'(n{i}, nm{i}, d{i}, dm{i}, a{i}) AS "{ind.code}"')
    wide = f"SELECT unit, year, {', '.join(cols)} FROM lv_{level}"
    lack = "' 项数据'"
    return (f"SELECT u.code, u.unit, {_q(level)} AS level, u.year, "
            "CASE WHEN NOT i.ratio THEN CASE WHEN nm = 0 THEN num END "
            "WHEN nm = 0 AND dm = 0 AND den <> 0 THEN num / den * i.scale END AS value, "
            "CASE WHEN nm = 0 THEN num END AS numerator, CASE WHEN dm = 0 THEN den END AS denominator, "
            f"CASE WHEN nm > 0 THEN '分子“' || i.num_label || '”缺少 ' || CAST(nm AS BIGINT) || {lack} "
            f"WHEN i.ratio AND dm > 0 THEN '分母“' || i.den_label || '”缺少 ' || CAST(dm AS BIGINT) || {lack} "
            "WHEN i.ratio AND den = 0 THEN '分母“' || i.den_label || '”为 0' END AS reason "
            f"FROM ({wide}) UNPIVOT INCLUDE NULLS ((num, nm, den, dm, ok) FOR code IN ({', '.join(groups)})) u "
            "JOIN ind i ON i.code = u.code WHERE u.ok")  # fmt: skip


def _indicators(inds: Sequence[Indicator]) -> str:
    rows = ", ".join(f"({_q(i.code)}, {i.scale!r}, {_q(i.numerator_label)}, {_q(i.denominator_label)}, "
                     f"{'TRUE' if i.denominator else 'FALSE'})" for i in inds)  # fmt: skip
    return f"ind AS (SELECT * FROM (VALUES {rows}) v(code, scale, num_label, den_label, ratio))"


def query(inds: Sequence[Indicator]) -> str:
    """The one SQL query of every computed indicator of `inds` at every level.

    (With a UNION ALL branch per indicator and level DuckDB spent about a second planning it, even for one
    county: each level is one UNPIVOT instead.)
    """
    computed = [i for i in inds if not i.reported]
    terms = list({t.key: t for i in computed for side in sides(i) for t in side}.values())
    lagged = [t for t in terms if t.lag]
    plain = list(
        {t.key: t for t in (*(t for t in terms if not t.lag), *(t.unlagged for t in lagged))}.values()
    )
    n = _Names([*plain, *lagged])
    stage_terms = [t for t in plain if t.base == "stage"]
    school_terms = [t for t in plain if t.base == "school"]
    ctes = ["attrs AS (SELECT DISTINCT ON (code) code AS school, township, school_type, ownership, locale, boarding "
            "FROM schools WHERE code IS NOT NULL)"]  # fmt: skip
    ctes += _stage_sql(stage_terms, n) + _school_sql(stage_terms, school_terms, n)
    ctes += _area_sql([*stage_terms, *school_terms], [t for t in plain if t.base == "township"], n)
    ctes.append("lv_school_base AS (SELECT * FROM sf)")
    levels = ("school", "township", "county", "city", "province")
    # Lagged terms only where an indicator that reads one is computed (as the engine does).
    for level in levels:
        here = [
            t for t in lagged if any(level in i.levels and t in sides(i)[0] + sides(i)[1] for i in computed)
        ]
        ctes.append(_level(level, here, n))
    ctes.append(_indicators(computed))
    body = " UNION ALL ".join(
        _level_values(lv, at, n) for lv in levels if (at := [i for i in computed if lv in i.levels])
    )
    return f"WITH {', '.join(ctes)} {body}"


def run(con: duckdb.DuckDBPyConnection, sql: str, threads: int | None) -> None:
    """Run the query with `threads` threads (None: DuckDB's default); its result stays in memory, uncompressed,
    as DuckDB's materialized result (fetched afterwards by `result`)."""
    con.execute("RESET threads" if threads is None else f"SET threads = {threads}")
    con.execute(sql)


def result(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The last query's result as NumPy masked arrays (no pyarrow needed)."""
    return con.fetchnumpy()
