"""Indicator engine benchmark: a demo province of 100 counties × 10 years, every indicator at every level.

Prints our time (wall and CPU), a plain pandas implementation of the same computation (same terms, same stage
split, same roll-up, same missing-input counting, the same value/numerator/denominator/reason outputs) timed in
the same run, their ratio, the check that both agree, the machine's load and the peak memory; then two
national-scale runs of 500,000 schools built by replicating the province: the latest year in one computation,
and all 10 years province by province (no level sits above a province, so that is the same result).
Each measured run happens in a fresh subprocess so that its peak resident memory is its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import polars as pl

from eduplan.facts import SCHOOL_TYPES, Facts
from eduplan.indicators.catalogue import Indicator, load_catalogue
from eduplan.indicators.engine import MISS, compute, hierarchy, sides, years_of
from eduplan.indicators.formula import GRADE_COLUMNS, HEALTH_COLUMNS, STAGE_COLUMNS, Term
from eduplan.indicators.split import NOT_SPLIT, RESOURCE_COLUMNS, stage_weights

COUNTIES = 100
OUTPUT_COLUMNS = ["code", "unit", "level", "year", "value", "numerator", "denominator"]
SEED = 20240901
FIRST_YEAR, LAST_YEAR = 2016, 2025
NATIONAL_SCHOOLS = 500_000
POLARS_REPEATS, PANDAS_REPEATS = 3, 2  # best of n for both, as timeit does


# ─── the plain pandas baseline ──────────────────────────────────────────────────────────────────────────────


def to_pandas(facts: Facts) -> dict[str, pd.DataFrame]:
    """Plain pandas frames (numpy columns; no pyarrow needed): the baseline's input, made before timing."""
    return {
        name: pd.DataFrame({c: frame[c].to_numpy() for c in frame.columns}, columns=frame.columns)
        for name, frame in facts.frames().items()
    }


def _pd_split(d: dict[str, pd.DataFrame]) -> pd.DataFrame:
    weights, default = stage_weights()
    g = d["grade_year"]
    pupils = g.groupby(["school", "year", "stage"], as_index=False)["enrollment"].sum(min_count=1)
    pupils = pupils.rename(columns={"enrollment": "pupils"})
    pupils["w"] = pupils["pupils"] * pupils["stage"].map(weights).fillna(default)
    total = pupils.groupby(["school", "year"])["w"].transform("sum")
    n = pupils.groupby(["school", "year"])["w"].transform("size")
    pupils["share"] = np.where(n == 1, 1.0, pupils["w"] / total)
    out = pupils.merge(d["school_year"], on=["school", "year"], how="left")
    for c in RESOURCE_COLUMNS:
        if c not in NOT_SPLIT and c in out:
            out[c] = out[c] * out["share"]
    return out


def _pd_school(d: dict[str, pd.DataFrame], keys: pd.DataFrame) -> pd.DataFrame:
    g = d["grade_year"]
    pupils = g.groupby(["school", "year"], as_index=False)["enrollment"].sum(min_count=1)
    pupils = pupils.rename(columns={"enrollment": "pupils"})
    groups = d["memberships"][["school", "year"]].drop_duplicates().assign(in_group=1)
    f = keys.merge(d["school_year"], on=["school", "year"], how="left").merge(
        pupils, on=["school", "year"], how="left"
    )
    f = f.merge(groups, on=["school", "year"], how="left")
    f["schools"] = 1
    f["in_group"] = f["in_group"].fillna(0)
    f["small_school"] = (f["pupils"] < 100).astype(float).where(f["pupils"].notna())
    f["principal_le45"] = (f["principal_age"] <= 45).astype(float).where(f["principal_age"].notna())
    f["principal_rotated"] = f["principal_rotated"].astype(float)
    f["funds_total"] = f["public_funds_per_pupil"] * f["pupils"]
    return f


def _pd_mask(frame: pd.DataFrame, term: Term) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, values in term.filters:
        if key in ("grade", "age"):
            mask &= frame[key].isin([int(v) for v in values])
        elif key == "boarding":
            mask &= frame[key] == (values[0] == "true")
        else:
            mask &= frame[key].isin(values)
    return mask


def _pd_terms(d: dict[str, pd.DataFrame], terms: list[Term]) -> pd.DataFrame:
    """Per (school, year): each term summed and its null count, one groupby per term."""
    attrs = d["schools"].rename(columns={"code": "school"})[
        ["school", "township", "school_type", "ownership", "locale", "boarding"]
    ]
    keys = pd.concat(
        [d[t][["school", "year"]] for t in ("school_year", "stage_year", "grade_year", "health_year")]
    )
    keys = keys.drop_duplicates()
    sources = {
        "grade": d["grade_year"],
        "stage": d["stage_year"],
        "health": d["health_year"],
        "split": _pd_split(d),
        "school": _pd_school(d, keys),
    }
    sources = {k: v.merge(attrs, on="school", how="left") for k, v in sources.items()}
    out = keys.merge(attrs, on="school", how="left").set_index(["school", "year"])
    columns: dict[str, pd.Series] = {}
    for t in terms:
        frame = sources[_source_name(t)]
        # Only the rows and the one column the term reads; one group-by gives its sum and its null count.
        part = frame.loc[_pd_mask(frame, t), ["school", "year", t.column]]
        stats = part.groupby(["school", "year"])[t.column].agg(["sum", "count", "size"])
        columns[t.key] = stats["sum"]
        columns[t.key + MISS] = stats["size"] - stats["count"]
    # A school-year without a row for the term adds 0 and lacks nothing.
    summed = pd.DataFrame(columns).fillna(0).reindex(out.index, fill_value=0)
    return pd.concat([out, summed], axis=1).reset_index()


def _source_name(t: Term) -> str:
    if t.column in GRADE_COLUMNS:
        return "grade"
    if t.column in STAGE_COLUMNS:
        return "stage"
    if t.column in HEALTH_COLUMNS:
        return "health"
    return "split" if t.base == "stage" else "school"


def _because(
    reason: pd.Series, why: pd.Series, text: str, count: pd.Series | None = None, tail: str = ""
) -> None:
    """Set `reason` where `why` holds and no earlier reason is set: text, or text + count + tail."""
    rows = why & reason.isna()
    if rows.any():
        reason[rows] = text + count[rows].astype(int).astype(str) + tail if count is not None else text


def pandas_compute(facts: Facts, d: dict[str, pd.DataFrame], inds: list[Indicator]) -> pd.DataFrame:
    """The same computation written plainly in pandas: term by term, level by level, indicator by indicator."""
    computed = [i for i in inds if not i.reported]
    terms = {t.key: t for i in computed for side in sides(i) for t in side}
    for t in list(terms.values()):
        if t.lag:
            terms[t.unlagged.key] = t.unlagged
    school_terms = [t for t in terms.values() if t.base != "township" and not t.lag]
    pop_terms = [t for t in terms.values() if t.base == "township"]
    schools = _pd_terms(d, school_terms)
    h = hierarchy(facts)
    tree = pd.DataFrame({c: h[c].to_numpy() for c in h.columns})
    years = pd.DataFrame({"year": years_of(facts)})
    cols = [c for t in school_terms for c in (t.key, t.key + MISS)]
    town = tree[["township"]].merge(years, how="cross")
    town = town.merge(schools.groupby(["township", "year"], as_index=False)[cols].sum(), how="left").fillna(0)
    pop = d["population"]
    for t in pop_terms:
        part = (
            pop[_pd_mask(pop, t)]
            .groupby(["township", "year"], as_index=False)["population"]
            .agg(["sum", "size"])
        )
        part.columns = ["township", "year", t.key, "_n"]
        part[t.key + MISS] = len(t.filter("age") or range(19)) - part.pop("_n")
        town = town.merge(part, on=["township", "year"], how="left")
        town[t.key + MISS] = town[t.key + MISS].fillna(len(t.filter("age") or range(19)))
    all_cols = cols + [c for t in pop_terms for c in (t.key, t.key + MISS)]
    town = town.merge(tree, on="township")
    levels = {
        "school": schools.rename(columns={"school": "unit"}),
        "township": town.rename(columns={"township": "unit"}),
    }
    for lv in ("county", "city", "province"):
        levels[lv] = town.groupby([lv, "year"], as_index=False)[all_cols].sum().rename(columns={lv: "unit"})
    for frame_name, frame in levels.items():
        for t in (t for t in terms.values() if t.lag):
            earlier = frame[["unit", "year", t.unlagged.key, t.unlagged.key + MISS]].copy()
            earlier["year"] += t.lag
            earlier.columns = ["unit", "year", t.key, t.key + MISS]
            frame = frame.merge(earlier, on=["unit", "year"], how="left")
            frame[t.key + MISS] = frame[t.key + MISS].fillna(1)
        levels[frame_name] = frame
    results = []
    for ind in computed:
        num, den = sides(ind)
        for lv in ind.levels:
            frame = levels[lv]
            needed = ["unit", "year", *(c for t in (*num, *den) for c in (t.key, t.key + MISS))]
            if lv == "school" and ind.stages:
                types = [k for k, (_, st) in SCHOOL_TYPES.items() if set(st) & set(ind.stages)]
                frame = frame.loc[frame["school_type"].isin(types), needed]
            n = frame[[t.key for t in num]].sum(axis=1)
            n_miss = frame[[t.key + MISS for t in num]].sum(axis=1)
            # The same outputs as the engine: value, numerator, denominator and why a value is missing
            # (the first reason that holds; its text is made only for the rows it applies to).
            reason = pd.Series(None, index=frame.index, dtype=object)
            _because(reason, n_miss > 0, "分子“" + ind.numerator_label + "”缺少 ", n_miss, " 项数据")
            if den:
                dd = frame[[t.key for t in den]].sum(axis=1)
                d_miss = frame[[t.key + MISS for t in den]].sum(axis=1)
                ok = (n_miss == 0) & (d_miss == 0) & (dd != 0)
                value = (n / dd * ind.scale).where(ok)
                _because(reason, d_miss > 0, "分母“" + ind.denominator_label + "”缺少 ", d_miss, " 项数据")
                _because(reason, dd == 0, f"分母“{ind.denominator_label}”为 0")
                denominator = dd.where(d_miss == 0)
            else:
                value = n.where(n_miss == 0)
                denominator = pd.Series(np.nan, index=frame.index)
            results.append(pd.DataFrame({"code": ind.code, "unit": frame["unit"], "level": lv,
                                         "year": frame["year"], "value": value,
                                         "numerator": n.where(n_miss == 0), "denominator": denominator,
                                         "reason": reason}))  # fmt: skip
    reported = d["reported"]
    results.append(reported[reported["indicator"].isin([i.code for i in inds if i.reported])])
    return pd.concat(results, ignore_index=True)


# ─── runs ────────────────────────────────────────────────────────────────────────────────────────────────────


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def replicate(facts: Facts, times: int, start: int = 0) -> Facts:
    """`times` copies of a province, each under its own province code (10 + start, …) and school-code prefix."""
    area_cols = {"org_units": ("code", "parent"), "schools": ("township",), "population": ("township",),
                 "births": ("township",), "reported": ("unit",)}  # fmt: skip
    school_cols = {"schools": "code", "school_year": "school", "stage_year": "school", "grade_year": "school",
                   "health_year": "school", "memberships": "school", "reported": "unit"}  # fmt: skip
    out: dict[str, list[pl.DataFrame]] = {name: [] for name in facts.frames()}
    for k in range(start, start + times):
        prov = f"{10 + k:02d}"
        for name, frame in facts.frames().items():
            exprs = [pl.col(c).str.replace(r"^99", prov) for c in area_cols.get(name, ())]
            if name in school_cols:
                c = school_cols[name]
                is_school = pl.col(c).str.len_chars() == 10
                exprs = [e for e in exprs if e.meta.output_name() != c] + [
                    pl.when(is_school)
                    .then(pl.lit(prov) + pl.col(c).str.slice(2))
                    .otherwise(pl.col(c).str.replace(r"^99", prov))
                    .alias(c)
                ]
            out[name].append(frame.with_columns(exprs) if exprs else frame)
    return Facts(**{name: pl.concat(parts) for name, parts in out.items()})


def last_year(facts: Facts) -> Facts:
    """The facts of the latest year only (the one-shot national run)."""
    last = max(years_of(facts))
    frames = {
        name: frame.filter(pl.col("year") == last) if "year" in frame.columns else frame
        for name, frame in facts.frames().items()
    }
    return Facts(**frames)


T = TypeVar("T")


def _timed(work: Callable[[], T], repeats: int) -> tuple[T, float, float]:
    """The result and the best wall and CPU seconds of `repeats` runs (the machine is shared: best of n)."""
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return result, min(walls), min(cpus)


def _province() -> Facts:
    from eduplan.demo import generate_province

    # Exactly the 10 years: no earlier enrollment history (the demo's default adds 4 years of it).
    return generate_province(
        COUNTIES, SEED, first_year=FIRST_YEAR, last_year=LAST_YEAR, history_from=FIRST_YEAR
    )


def _warm(facts: Facts) -> None:
    """Imports, the catalogue and Polars' thread pool, on empty frames: not part of any timing."""
    compute(facts.__class__(**{k: v.head(0) for k, v in facts.frames().items()}))


def _child(mode: str) -> None:
    """Run one measurement and print it as JSON (called in a fresh subprocess)."""
    t0 = time.perf_counter()
    facts = _province()
    result: dict[str, Any] = {"generate_s": time.perf_counter() - t0, "schools": facts.schools.height,
                              "years": len(years_of(facts)), "threads": pl.thread_pool_size()}  # fmt: skip
    _warm(facts)
    if mode == "province":
        before = _peak_mb()
        out, wall, cpu = _timed(lambda: compute(facts), POLARS_REPEATS)
        result |= {"polars_s": wall, "polars_cpu": cpu, "rows": out.height, "peak_mb": _peak_mb(),
                   "before_mb": before}  # fmt: skip
        inds = list(load_catalogue())
        frames = to_pandas(facts)
        base, wall, cpu = _timed(lambda: pandas_compute(facts, frames, inds), PANDAS_REPEATS)
        result |= {"pandas_s": wall, "pandas_cpu": cpu, "agree": _agree(out, base)}
    elif mode == "national":
        facts = replicate(last_year(facts), -(-NATIONAL_SCHOOLS // facts.schools.height))
        before = _peak_mb()
        out, wall, cpu = _timed(lambda: compute(facts), 1)
        result |= {"schools": facts.schools.height, "years": 1, "polars_s": wall, "polars_cpu": cpu,
                   "rows": out.height, "peak_mb": _peak_mb(), "before_mb": before}  # fmt: skip
    else:  # all years, province by province
        result |= _by_province(facts, -(-NATIONAL_SCHOOLS // facts.schools.height))
    print(json.dumps(result))


def _by_province(province: Facts, copies: int) -> dict[str, Any]:
    """Every indicator, level and year of `copies` provinces, computed one province at a time.

    No level sits above the province, so provinces are independent and their results are exactly those of one
    national computation; each province's rows are counted and dropped (a real run would write them out).
    """
    walls, cpus, rows, schools = 0.0, 0.0, 0, 0
    for k in range(copies):
        facts = replicate(province, 1, start=k)
        t0, c0 = time.perf_counter(), time.process_time()
        rows += compute(facts).height
        walls += time.perf_counter() - t0
        cpus += time.process_time() - c0
        schools += facts.schools.height
    return {"schools": schools, "polars_s": walls, "polars_cpu": cpus, "rows": rows, "peak_mb": _peak_mb(),
            "provinces": copies}  # fmt: skip


def _agree(ours: pl.DataFrame, base: pd.DataFrame) -> dict[str, float]:
    """Largest relative difference of value, numerator and denominator over the rows both computed, and how
    many of those rows give a different reason for a missing value."""
    base = base[[*OUTPUT_COLUMNS, "reason"]].dropna(subset=["code", "unit", "level"])
    theirs = pl.DataFrame(
        {
            **{c: base[c].astype(str).to_numpy() for c in ("code", "unit", "level")},
            "year": base["year"].astype("int64").to_numpy(),
            **{
                c: pl.Series(base[c].astype("float64").to_numpy()).fill_nan(None)
                for c in ("value", "numerator", "denominator")
            },
            "reason": pl.Series([r if isinstance(r, str) else None for r in base["reason"]], dtype=pl.String),
        }
    )
    both = ours.join(theirs, on=["code", "unit", "level", "year"], how="inner", suffix="_pd")

    def rel(c: str) -> pl.Expr:
        diff = (pl.col(c) - pl.col(c + "_pd")).abs() / pl.col(c).abs().clip(lower_bound=1e-9)
        return pl.when(pl.col(c).is_null() != pl.col(c + "_pd").is_null()).then(float("inf")).otherwise(diff)

    out = both.select(
        *(rel(c).max().alias(c) for c in ("value", "numerator", "denominator")),
        pl.col("reason").ne_missing(pl.col("reason_pd")).sum().alias("reasons"),
        pl.len().alias("rows"),
    ).row(0, named=True)
    return {k: float(v or 0.0) for k, v in out.items()}


def _measure(mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", f"from eduplan.bench.indicators import _child; _child({mode!r})"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> None:
    n_ind = len(load_catalogue())
    p = _measure("province")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"省级示例：{COUNTIES} 个县，{p['schools']} 所学校 × {p['years']} 年，{n_ind} 个指标，全部层级"
          f"（生成数据 {p['generate_s']:.1f} 秒；计时取最好值：Polars {POLARS_REPEATS} 次，pandas {PANDAS_REPEATS} 次）")  # fmt: skip
    print(f"  机器负载（uptime 1/5/15 分钟）：{load}；CPU 核数 {os.cpu_count()}；Polars 线程 {p['threads']}")
    print(f"  eduplan (Polars)：{p['polars_s']:.2f} 秒（CPU {p['polars_cpu']:.2f} 秒），{p['rows']} 行；"
          f"进程内存峰值 {p['peak_mb']:.0f} MB（计算前 {p['before_mb']:.0f} MB）")  # fmt: skip
    print(f"  pandas 基线：     {p['pandas_s']:.2f} 秒（CPU {p['pandas_cpu']:.2f} 秒）")
    g = p["agree"]
    print(f"  加速比：{p['pandas_s'] / p['polars_s']:.1f} 倍（按 CPU 时间 {p['pandas_cpu'] / p['polars_cpu']:.1f} 倍）；"
          f"两者最大相对差 {max(g[c] for c in ('value', 'numerator', 'denominator')):.2e}"
          f"（比对 {g['rows']:.0f} 行：值、分子、分母；缺失原因不同 {g['reasons']:.0f} 行）")  # fmt: skip
    n = _measure("national")
    print(f"全国规模（一次算完）：{n['schools']} 所学校 × 1 年（最近一年），全部指标与层级：{n['polars_s']:.2f} 秒"
          f"（CPU {n['polars_cpu']:.2f} 秒），{n['rows']} 行；进程内存峰值 {n['peak_mb']:.0f} MB"
          f"（计算前 {n['before_mb']:.0f} MB）")  # fmt: skip
    a = _measure("national_years")
    print(f"全国规模（逐省计算）：{a['schools']} 所学校 × {a['years']} 年，{a['provinces']} 个省依次计算"
          f"（省以上无汇总层级，结果与一次算完相同）：合计 {a['polars_s']:.1f} 秒（CPU {a['polars_cpu']:.1f} 秒），"
          f"{a['rows']} 行；进程内存峰值 {a['peak_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    run()
