"""Indicator engine benchmark: a demo province of 100 counties × 10 years, every indicator at every level.

In one run, on the same province: the engine, a competent pandas implementation of the same computation (masked
columns, one group-by per source table and level: _indicators_pandas.py) and the same computation as DuckDB SQL
(_indicators_duckdb.py) on one thread and on DuckDB's default threads. All three must give the same rows,
values, numerators, denominators and reasons (asserted). Times are the best of several runs, wall and CPU (the
machine is shared); the load is printed beside them. Then the engine alone: µs per school-year from 10 to 900
counties (300 and 900: copies of the 100-county province, see `bench_province`), its peak memory against the
size of its input columns, and a national run (≈ 500,000 schools, one year).
Each measurement runs in a fresh subprocess so that its peak memory is its own.

`python -m eduplan.bench indicators --json` prints the figures as one JSON object (engine_s, pandas_fair_s,
duckdb_s, …) instead of the text.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import numpy as np
import polars as pl

from eduplan.facts import TABLES, Facts
from eduplan.indicators.catalogue import load_catalogue
from eduplan.indicators.engine import compute, years_of

COUNTIES = 100
SCALING = (10, 30, 100, 300, 900)
SEED = 20240901
FIRST_YEAR, LAST_YEAR = 2016, 2025
NATIONAL_SCHOOLS = 500_000
REPEATS = {"engine": 5, "pandas": 3, "duckdb": 3}  # best of n, as timeit does
# The input columns the engine reads (the sizes the memory goal is measured against).
INPUT_TABLES = ("schools", "school_year", "stage_year", "grade_year", "health_year", "memberships", "population",
                "org_units", "reported")  # fmt: skip
KEYS = ["code", "unit", "level", "year"]
WARM_ROWS = 2000
TOLERANCE = 1e-9  # relative: sums of shares may differ in the last bits with the order of addition

T = TypeVar("T")


# ─── measuring ───────────────────────────────────────────────────────────────────────────────────────────────


def _timed(work: Callable[[], T], repeats: int) -> tuple[T, float, float]:
    """The last result and the best wall and best CPU seconds of `repeats` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return result, min(walls), min(cpus)


def _peak_reset() -> bool:
    """Reset the process's peak resident memory (Linux), so that the next reading is the peak from now on."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _memory_mb() -> tuple[float, float]:
    """(resident now, peak resident) in MB."""
    try:
        with open("/proc/self/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak


def _cpu_split(work: Callable[[], object], repeats: int) -> dict[str, float]:
    """Mean user and system CPU seconds per run (system: mostly page faults of fresh memory) and the load."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(repeats):
        work()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"user_s": (after.ru_utime - before.ru_utime) / repeats,
            "sys_s": (after.ru_stime - before.ru_stime) / repeats,
            "minor_faults": (after.ru_minflt - before.ru_minflt) / repeats, "load": os.getloadavg()[0]}  # fmt: skip


def _input_mb(facts: Facts) -> float:
    return sum(getattr(facts, name).estimated_size() for name in INPUT_TABLES) / 1e6


def _engine_memory(facts: Facts) -> dict[str, float]:
    """The engine's peak memory above what the process held before it, beside its input and its result."""
    reset = _peak_reset()
    before, _ = _memory_mb()
    out = compute(facts)
    _, peak = _memory_mb()
    input_mb, result_mb = _input_mb(facts), out.estimated_size() / 1e6
    return {"input_mb": input_mb, "result_mb": result_mb, "peak_mb": peak - before, "peak_exact": float(reset),
            "work_mb": peak - before - result_mb, "peak_per_input": (peak - before) / input_mb,
            "work_per_input": (peak - before - result_mb) / input_mb,
            "result_per_input": result_mb / input_mb}  # fmt: skip


# ─── data ────────────────────────────────────────────────────────────────────────────────────────────────────


def province(counties: int = COUNTIES) -> Facts:
    from eduplan.demo import generate_province

    # Exactly the 10 years: no earlier enrollment history (the demo's default adds 4 years of it).
    return generate_province(
        counties, SEED, first_year=FIRST_YEAR, last_year=LAST_YEAR, history_from=FIRST_YEAR
    )


# Where the run's children find the 100-county province once it is made (Parquet; generating it takes ~30 s).
CACHE = "EDUPLAN_BENCH_PROVINCE"


def bench_province(counties: int = COUNTIES) -> Facts:
    """The demo province of `counties`; above COUNTIES, copies of the COUNTIES-county one (each copy a province
    of its own: the generator's time grows faster than its size, over an hour for 900 counties)."""
    if counties < COUNTIES:
        return province(counties)
    folder = os.environ.get(CACHE)
    if folder and os.path.exists(os.path.join(folder, "schools.parquet")):
        base = Facts(**{name: pl.read_parquet(os.path.join(folder, f"{name}.parquet")) for name in TABLES})
    else:
        base = province()
        if folder:
            for name, frame in base.frames().items():
                frame.write_parquet(os.path.join(folder, f"{name}.parquet"))
    return base if counties == COUNTIES else replicate(base, counties // COUNTIES)


def replicate(facts: Facts, times: int) -> Facts:
    """`times` copies of a province, each under its own province code (10, 11, …) and school-code prefix."""
    area_cols = {"org_units": ("code", "parent"), "schools": ("township",), "population": ("township",),
                 "births": ("township",), "reported": ("unit",), "county_finance": ("county",)}  # fmt: skip
    school_cols = {"schools": "code", "school_year": "school", "stage_year": "school", "grade_year": "school",
                   "health_year": "school", "memberships": "school", "reported": "unit",
                   "school_finance": "school"}  # fmt: skip
    out: dict[str, list[pl.DataFrame]] = {name: [] for name in facts.frames()}
    for k in range(times):
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


def _warm(facts: Facts) -> None:
    """Imports, the catalogue, Polars' thread pool and the allocators' first arenas, on the first rows of each
    table: not part of any timing or memory figure (a server has done this once before its first page)."""
    compute(Facts(**{k: v.head(WARM_ROWS) for k, v in facts.frames().items()}))


# ─── agreement ───────────────────────────────────────────────────────────────────────────────────────────────


def from_pandas(frame: Any) -> pl.DataFrame:
    """The pandas baseline's result as a frame of the engine's columns."""
    strings = {
        c: frame[c].astype(object).where(frame[c].notna(), None).tolist()
        for c in ("code", "unit", "level", "reason")
    }
    return pl.DataFrame({
        **{c: pl.Series(c, strings[c], dtype=pl.String) for c in ("code", "unit", "level")},
        "year": frame["year"].to_numpy().astype(np.int64),
        **{c: pl.Series(c, frame[c].to_numpy(dtype=float), nan_to_null=True) for c in ("value", "numerator", "denominator")},
        "reason": pl.Series("reason", strings["reason"], dtype=pl.String),
    })  # fmt: skip


def from_duckdb(columns: dict[str, Any]) -> pl.DataFrame:
    """DuckDB's result (NumPy masked arrays) as a frame of the engine's columns."""

    def strings(name: str) -> pl.Series:
        values, missing = np.ma.getdata(columns[name]), np.ma.getmaskarray(columns[name])
        return pl.Series(name, [None if m else v for v, m in zip(values.tolist(), missing.tolist(), strict=True)],
                         dtype=pl.String)  # fmt: skip

    return pl.DataFrame({
        **{c: strings(c) for c in ("code", "unit", "level")},
        "year": np.ma.getdata(columns["year"]).astype(np.int64),
        **{c: pl.Series(c, np.ma.filled(columns[c].astype(float), np.nan), nan_to_null=True)
           for c in ("value", "numerator", "denominator")},
        "reason": strings("reason"),
    })  # fmt: skip


def agreement(ours: pl.DataFrame, theirs: pl.DataFrame) -> dict[str, float]:
    """Rows only one side has, rows whose value/numerator/denominator is null on one side only, the largest
    relative difference of the three, and rows with another reason."""
    ours, theirs = (f.with_columns(pl.col(pl.Categorical).cast(pl.String)) for f in (ours, theirs))
    both = ours.join(theirs, on=KEYS, how="inner", suffix="_b")
    out: dict[str, float] = {
        "rows": both.height,
        "missing_rows": ours.height + theirs.height - 2 * both.height,
    }
    for c in ("value", "numerator", "denominator"):
        a, b = pl.col(c), pl.col(c + "_b")
        out[f"{c}_nulls"] = both.filter(a.is_null() != b.is_null()).height
        rel = both.select(((a - b).abs() / a.abs().clip(lower_bound=1e-9)).max()).item()
        out[f"{c}_rel"] = float(rel or 0.0)
    out["reasons"] = both.filter(pl.col("reason").ne_missing(pl.col("reason_b"))).height
    return out


def agrees(check: dict[str, float]) -> bool:
    exact = ("missing_rows", "value_nulls", "numerator_nulls", "denominator_nulls", "reasons")
    return all(check[k] == 0 for k in exact) and all(check[f"{c}_rel"] <= TOLERANCE
                                                     for c in ("value", "numerator", "denominator"))  # fmt: skip


def three_ways(facts: Facts) -> dict[str, Any]:
    """The computed indicators by the engine, pandas and DuckDB (the reported ones are read, not computed, by
    the same function in every case: left out), each result as a frame; the inputs made beforehand."""
    from eduplan.bench import _indicators_duckdb, _indicators_pandas

    inds = [i for i in load_catalogue() if not i.reported]
    codes = [i.code for i in inds]
    frames = _indicators_pandas.to_pandas(facts)
    con = _indicators_duckdb.connect(facts, frames)
    sql = _indicators_duckdb.query(inds)
    return {
        "engine": lambda: compute(facts, codes),
        "pandas": lambda: _indicators_pandas.pandas_compute(facts, frames, inds),
        "duckdb": lambda threads: _indicators_duckdb.run(con, sql, threads),
        "duckdb_result": lambda: from_duckdb(_indicators_duckdb.result(con)),
    }


# ─── runs (each in its own subprocess) ───────────────────────────────────────────────────────────────────────


def _province_run() -> dict[str, Any]:
    t0 = time.perf_counter()
    facts = bench_province()
    result: dict[str, Any] = {"generate_s": time.perf_counter() - t0, "counties": COUNTIES,
                              "schools": facts.schools.height, "years": len(years_of(facts)),
                              "polars_threads": pl.thread_pool_size(), "cpus": os.cpu_count()}  # fmt: skip
    _warm(facts)
    result |= _engine_memory(facts)
    _, result["engine_all_s"], result["engine_all_cpu_s"] = _timed(lambda: compute(facts), REPEATS["engine"])
    ways = three_ways(facts)
    ours, result["engine_s"], result["engine_cpu_s"] = _timed(ways["engine"], REPEATS["engine"])
    base, result["pandas_fair_s"], result["pandas_fair_cpu_s"] = _timed(ways["pandas"], REPEATS["pandas"])
    checks = {"pandas": agreement(ours, from_pandas(base))}
    del base
    for threads, key in ((1, "duckdb_1thread"), (None, "duckdb")):
        _, result[f"{key}_s"], result[f"{key}_cpu_s"] = _timed(
            partial(ways["duckdb"], threads), REPEATS["duckdb"]
        )
    import duckdb

    result["duckdb_threads"] = int(duckdb.execute("SELECT current_setting('threads')").fetchone()[0])  # type: ignore[index]
    checks["duckdb"] = agreement(ours, ways["duckdb_result"]())
    result |= {"rows": ours.height, "agree": checks}
    for name in ("pandas_fair", "duckdb", "duckdb_1thread"):
        result[f"{name}_ratio"] = result[f"{name}_s"] / result["engine_s"]
        result[f"{name}_cpu_ratio"] = result[f"{name}_cpu_s"] / result["engine_cpu_s"]
    return result


def _scaling_run(counties: int) -> dict[str, Any]:
    facts = bench_province(counties)
    _warm(facts)
    memory = _engine_memory(facts)
    _, wall, cpu = _timed(lambda: compute(facts), 3)  # as many runs at every size: a fair ratio of the best
    school_years = facts.school_year.height
    split = _cpu_split(lambda: compute(facts), 1)
    return {"counties": counties, "schools": facts.schools.height, "school_years": school_years, "engine_s": wall,
            "engine_cpu_s": cpu, "us_per_school_year": wall / school_years * 1e6,
            "cpu_us_per_school_year": cpu / school_years * 1e6,
            "user_us_per_school_year": split["user_s"] / school_years * 1e6,
            "sys_us_per_school_year": split["sys_s"] / school_years * 1e6, **split, **memory}  # fmt: skip


def _national_run() -> dict[str, Any]:
    one = last_year(bench_province())
    facts = replicate(one, -(-NATIONAL_SCHOOLS // one.schools.height))
    _warm(facts)
    memory = _engine_memory(facts)
    out, wall, cpu = _timed(lambda: compute(facts), 3)
    return {"schools": facts.schools.height, "years": 1, "engine_s": wall, "engine_cpu_s": cpu, "rows": out.height,
            **_cpu_split(lambda: compute(facts), 1), **memory}  # fmt: skip


def _child(mode: str) -> None:
    """One measurement, printed as JSON (called in a fresh subprocess)."""
    if mode == "province":
        result = _province_run()
    elif mode == "national":
        result = _national_run()
    else:
        result = _scaling_run(int(mode))
    print(json.dumps(result))


def _measure(mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", f"from eduplan.bench.indicators import _child; _child({mode!r})"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def figures() -> dict[str, Any]:
    """Every figure of the benchmark (the JSON object of `--json`)."""
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        os.environ[CACHE] = folder
        try:
            return _figures(load)
        finally:
            del os.environ[CACHE]


def _figures(load: tuple[float, float, float]) -> dict[str, Any]:
    p = _measure("province")
    for way, check in p["agree"].items():
        if not agrees(check):
            raise AssertionError(f"引擎与 {way} 结果不一致：{check}")
    scaling = [_measure(str(n)) for n in SCALING]
    national = _measure("national")
    return {**p, "load_before": list(load), "load_after": list(os.getloadavg()), "scaling": scaling,
            "national": national, "goals": goals(p, scaling, national)}  # fmt: skip


# The goals, each as (figure, limit): a figure met is ≥ its limit for a ratio, ≤ it for the others.
def goals(
    p: dict[str, Any], scaling: list[dict[str, Any]], national: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Each goal of the engine with its figure by wall and by CPU time, and whether it is met."""
    by_size = {s["counties"]: s for s in scaling}
    big, mid = by_size[max(by_size)], by_size[100] if 100 in by_size else scaling[0]
    peak = max(s["peak_per_input"] for s in [*scaling, national])
    work = max(s["work_per_input"] for s in [*scaling, national])
    figures = {
        "pandas_fair_ratio ≥ 5": (p["pandas_fair_ratio"], p["pandas_fair_cpu_ratio"], 5.0, True),
        "duckdb_ratio ≥ 1.5": (p["duckdb_ratio"], p["duckdb_cpu_ratio"], 1.5, True),
        # Linear: µs per school-year at the largest size within 25 % of that at 100 counties.
        "us_per_school_year_900_over_100 ≤ 1.25": (
            big["us_per_school_year"] / mid["us_per_school_year"],
            big["cpu_us_per_school_year"] / mid["cpu_us_per_school_year"], 1.25, False),
        "peak_per_input ≤ 2 (with the result)": (peak, peak, 2.0, False),
        "work_per_input ≤ 2 (peak less the result)": (work, work, 2.0, False),
        "national_s ≤ 3": (national["engine_s"], national["engine_cpu_s"], 3.0, False),
    }  # fmt: skip
    out = {}
    for name, (wall, cpu, limit, at_least) in figures.items():
        met = (lambda x: x >= limit) if at_least else (lambda x: x <= limit)  # noqa: B023
        out[name] = {"wall": wall, "cpu": cpu, "met_wall": met(wall), "met_cpu": met(cpu)}
    return out


def run_json() -> None:
    print(json.dumps(figures(), ensure_ascii=False))


def run() -> None:
    f = figures()
    n_ind = len(load_catalogue())
    n_computed = sum(not i.reported for i in load_catalogue())
    load = " / ".join(f"{x:.1f}" for x in f["load_before"])
    print(
        f"省级示例：{f['counties']} 个县，{f['schools']} 所学校 × {f['years']} 年，全部层级（生成数据 {f['generate_s']:.1f} 秒）"
    )
    print(f"  机器负载（uptime 1/5/15 分钟，开始时）：{load}；CPU 核数 {f['cpus']}；Polars 线程 {f['polars_threads']}；"
          f"计时取最好值（引擎 {REPEATS['engine']} 次，pandas、DuckDB 各 {REPEATS['duckdb']} 次）")  # fmt: skip
    print(f"  计算的 {n_computed} 个指标（直报指标不计算，三者都不含）：{f['rows']} 行")
    print(f"  引擎：            {f['engine_s']:.3f} 秒（CPU {f['engine_cpu_s']:.3f} 秒）")
    print(f"  pandas（公平基线）：{f['pandas_fair_s']:.3f} 秒（CPU {f['pandas_fair_cpu_s']:.3f} 秒）"
          f"  → 引擎快 {f['pandas_fair_ratio']:.1f} 倍（按 CPU {f['pandas_fair_cpu_ratio']:.1f} 倍）")  # fmt: skip
    print(f"  DuckDB（{f['duckdb_threads']} 线程，默认）：{f['duckdb_s']:.3f} 秒（CPU {f['duckdb_cpu_s']:.3f} 秒）"
          f"  → 引擎快 {f['duckdb_ratio']:.1f} 倍（按 CPU {f['duckdb_cpu_ratio']:.1f} 倍）")  # fmt: skip
    print(f"  DuckDB（1 线程）：  {f['duckdb_1thread_s']:.3f} 秒（CPU {f['duckdb_1thread_cpu_s']:.3f} 秒）"
          f"  → 引擎快 {f['duckdb_1thread_ratio']:.1f} 倍")  # fmt: skip
    for way, c in f["agree"].items():
        rel = max(c[f"{k}_rel"] for k in ("value", "numerator", "denominator"))
        print(f"  与 {way} 一致：比对 {c['rows']:.0f} 行，缺行 {c['missing_rows']:.0f}，空值不同 "
              f"{c['value_nulls'] + c['numerator_nulls'] + c['denominator_nulls']:.0f}，原因不同 {c['reasons']:.0f}，"
              f"最大相对差 {rel:.1e}")  # fmt: skip
    print(f"  全部 {n_ind} 个指标（含直报）：{f['engine_all_s']:.3f} 秒（CPU {f['engine_all_cpu_s']:.3f} 秒）；内存：输入列 "
          f"{f['input_mb']:.0f} MB，结果 {f['result_mb']:.0f} MB，计算中峰值比计算前多 {f['peak_mb']:.0f} MB"
          f"（除结果外 {f['work_mb']:.0f} MB = 输入的 {f['work_mb'] / f['input_mb']:.1f} 倍）")  # fmt: skip
    print("按规模（引擎，全部指标；每校年微秒数；CPU = 用户 + 系统，系统时间多为新内存的缺页）：")
    for s in f["scaling"]:
        print(
            f"  {s['counties']:>4} 个县 {s['school_years']:>8} 校年：{s['engine_s']:.3f} 秒（CPU {s['engine_cpu_s']:.3f}），"
            f"{s['us_per_school_year']:.2f} µs/校年（CPU {s['cpu_us_per_school_year']:.2f} = 用户 "
            f"{s['user_us_per_school_year']:.2f} + 系统 {s['sys_us_per_school_year']:.2f}；负载 {s['load']:.1f}）"
        )
        print(f"        输入 {s['input_mb']:.0f} MB，结果 {s['result_mb']:.0f} MB（输入的 {s['result_per_input']:.2f} 倍），"
              f"峰值增量 {s['peak_mb']:.0f} MB = 输入的 {s['peak_per_input']:.2f} 倍（除结果外 {s['work_mb']:.0f} MB = "
              f"{s['work_per_input']:.2f} 倍）")  # fmt: skip
    n = f["national"]
    print(f"全国规模：{n['schools']} 所学校 × 1 年，全部指标与层级：{n['engine_s']:.2f} 秒（CPU {n['engine_cpu_s']:.2f} 秒 = "
          f"用户 {n['user_s']:.2f} + 系统 {n['sys_s']:.2f}；负载 {n['load']:.1f}），{n['rows']} 行；输入 {n['input_mb']:.0f} MB，"
          f"结果 {n['result_mb']:.0f} MB，峰值增量 {n['peak_mb']:.0f} MB = 输入的 {n['peak_per_input']:.2f} 倍"
          f"（除结果外 {n['work_per_input']:.2f} 倍）")  # fmt: skip
    print("目标（按墙钟 / 按 CPU）：")
    for name, g in f["goals"].items():
        verdict = "达到" if g["met_wall"] else ("仅按 CPU 达到" if g["met_cpu"] else "未达到")
        print(f"  {name}：{g['wall']:.2f} / {g['cpu']:.2f} → {verdict}")
    print(f"  机器负载（结束时）：{' / '.join(f'{x:.1f}' for x in f['load_after'])}")


if __name__ == "__main__":
    run()
