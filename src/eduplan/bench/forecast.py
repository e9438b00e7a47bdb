"""Forecast every zone of a province 10 years ahead: the array projection against a plain Python loop."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from eduplan.facts import Facts
from eduplan.forecast.chain import Chain, full_chain
from eduplan.forecast.cohort import DEFAULT_METHOD, Method
from eduplan.forecast.inputs import cohorts, forecast_facts, placement
from eduplan.forecast.synthetic import synthetic_facts

HORIZON = 10
TARGET_SECONDS = 2.0
N_COUNTIES = 16
PLAIN = Method(base_years=3, estimator="pooled")  # what the loop baseline implements


def province() -> tuple[Facts, str]:
    try:
        from eduplan.demo import generate_province  # type: ignore[attr-defined]
    except ImportError:
        return synthetic_facts(n_townships=170, zones_per_township=6, seed=1), "合成数据（170 乡镇 × 6 学区）"
    # About 62 zones a county (primary, junior and kindergarten catchments): 16 counties ≈ 1,000 zones.
    return generate_province(N_COUNTIES), f"示例省（{N_COUNTIES} 个县）"  # type: ignore[no-any-return]


Series = dict[tuple[int, int], float]  # (year, position) -> pupils


def loop_forecast(facts: Facts, origin: int) -> dict[str, Series]:
    """The same point projection (pooled ratios over 3 base years) in plain Python loops and dicts."""
    chain = full_chain()
    pos = {(p.stage, p.grade): i for i, p in enumerate(chain)}
    where = {r[0]: (r[1], r[2]) for r in placement(facts.schools, "zone").iter_rows()}
    units: dict[str, Series] = defaultdict(lambda: defaultdict(float))
    areas: dict[str, Series] = defaultdict(lambda: defaultdict(float))
    rows = facts.grade_year.select("school", "year", "stage", "grade", "enrollment").iter_rows()
    for school, year, stage, grade, pupils in rows:
        if (stage, grade) in pos and school in where and pupils is not None and year <= origin:
            units[where[school][0]][(year, pos[(stage, grade)])] += pupils
            areas[where[school][1]][(year, pos[(stage, grade)])] += pupils
    born = {(a, y): s for a, y, s in cohorts(facts.births, facts.population).iter_rows() if y <= origin}
    last: dict[str, int] = {}
    for a, y in born:
        last[a] = max(last.get(a, y), y)
    members: dict[str, set[str]] = defaultdict(set)
    for u, a in where.values():
        members[u].add(a)
    area_series = _loop({a: {a} for a in areas}, areas, None, born, last, chain, origin)
    return _loop(members, units, area_series, born, last, chain, origin)


def _loop(
    members: dict[str, set[str]],
    hist: dict[str, Series],
    feeders: dict[str, Series] | None,
    born: dict[tuple[str, int], float],
    last: dict[str, int],
    chain: Chain,
    origin: int,
) -> dict[str, Series]:
    out: dict[str, Series] = {}
    region: Series = defaultdict(float)  # the whole region's feeding grades (高中 draws on every township)
    for series in (feeders or {}).values():
        for key, value in series.items():
            region[key] += value
    units = {}
    pooled = [[0.0, 0.0] for _ in chain]
    for u, its in members.items():
        own: Series = dict(hist[u])

        def driver(y: int, p: int, own: Series = own, its: set[str] = its) -> float:
            pos = chain[p]
            if pos.source == "cohort":
                return sum(born.get((a, min(y - pos.lag, last.get(a, 0))), 0.0) for a in its)
            if pos.source == "transition" and feeders is not None:
                if pos.scope == "region":
                    return region.get((y - 1, pos.feeder), 0.0)
                return sum(feeders[a].get((y - 1, pos.feeder), 0.0) for a in its)
            return own.get((y - 1, pos.feeder), 0.0)

        sums = []
        for p in range(len(chain)):
            num = den = 0.0
            for y in range(origin - PLAIN.base_years + 1, origin + 1):
                d = driver(y, p)
                if d > 0:
                    num, den = num + own.get((y, p), 0.0), den + d
            sums.append((num, den))
            pooled[p][0] += num
            pooled[p][1] += den
        units[u] = (own, driver, sums)
    for u, (own, driver, sums) in units.items():
        teaching = sum(own.get((origin, q), 0.0) for q in range(len(chain))) > 0
        ratios = []
        for p, (num, den) in enumerate(sums):
            if den == 0 and chain[p].source == "progression" and pooled[p][1] > 0:
                num, den = pooled[p]  # a new school borrows the ratio of all units
            ratios.append(num / den if den > 0 and teaching else 0.0)
        for y in range(origin + 1, origin + HORIZON + 1):
            for p in range(len(chain)):
                own[(y, p)] = ratios[p] * driver(y, p)
        out[u] = own
    return out


def _best_of(n: int, work: Callable[[], object]) -> float:
    """The fastest of n runs: the machine is shared, the minimum is the least disturbed."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> None:
    facts, name = province()
    origin = int(facts.grade_year["year"].max())  # type: ignore[arg-type]
    zones = placement(facts.schools, "zone")["unit"].n_unique()
    print(f"{name}：{zones} 个学区，{facts.grade_year.height} 行分年级数据，预测 {HORIZON} 年")
    ours = _best_of(3, lambda: forecast_facts(facts, "zone", origin, HORIZON, DEFAULT_METHOD))
    print(
        f"数组实现（默认方法，含预测区间，3 次取最快）：{ours:.3f} 秒（目标 ≤ {TARGET_SECONDS:.0f} 秒）{'达标' if ours <= TARGET_SECONDS else '超时'}"
    )
    plain = forecast_facts(facts, "zone", origin, HORIZON, PLAIN)
    ours_plain = _best_of(3, lambda: forecast_facts(facts, "zone", origin, HORIZON, PLAIN))
    start = time.perf_counter()
    loop = loop_forecast(facts, origin)
    base = time.perf_counter() - start
    print(
        f"同一方法（3 年合计比率、无趋势）：数组 {ours_plain:.3f} 秒，Python 循环基线 {base:.3f} 秒；加速比 {base / ours_plain:.1f} 倍"
    )
    chain_ix = {(p.stage, p.grade): i for i, p in enumerate(full_chain())}
    rows = plain.frame.select("unit", "year", "stage", "grade", "enrollment").iter_rows()
    diffs = [abs(e - loop[u].get((y, chain_ix[(s, g)]), 0.0)) for u, y, s, g, e in rows]
    print(f"两种实现结果最大差异：{max(diffs, default=0.0):.6f} 人")
