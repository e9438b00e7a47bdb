"""A deterministic synthetic county (示例县) and province (示例省) that behave like real ones.

`generate_county()` gives the demo county 990101 in city 9901 of province 99, about 110 schools, 2016-2025
(and enrollment by grade and population back to 2012, `history_from` in params.yaml);
`generate_province(n)` gives n varied counties for benchmarks. Same arguments, same frames, every run.
All magic numbers live in params.yaml with their sources.
"""

from __future__ import annotations

import numpy as np

from eduplan.demo.generate import assemble, simulate
from eduplan.demo.layout import CountySpec
from eduplan.demo.names import county_names
from eduplan.demo.params import Params, load_params
from eduplan.errors import ConfigError
from eduplan.facts import Facts

DEMO_PROVINCE, DEMO_CITY, DEMO_COUNTY = "99", "9901", "990101"

__all__ = ["DEMO_CITY", "DEMO_COUNTY", "DEMO_PROVINCE", "generate_county", "generate_province"]


def _check_years(first_year: int, last_year: int, params: Params, history_from: int | None = None) -> int:
    """The first history year (enrollment and population only), after checking the years."""
    lo, hi = int(params["sim_first_cohort"]) + 19, int(params["last_supported_year"])
    if not lo <= first_year <= last_year <= hi:
        raise ConfigError(
            f"示例数据年份须在 {lo}–{hi} 之间且起始不晚于结束（收到 {first_year}–{last_year}）",
            english=f"demo years must lie within {lo}-{hi}, got {first_year}-{last_year}",
        )
    start = int(params["history_from"]) if history_from is None else history_from
    if start < lo:
        raise ConfigError(
            f"示例数据历史年份不得早于 {lo}（收到 {start}）",
            english=f"demo history must start at {lo} or later, got {start}",
        )
    return min(start, first_year)


def _demo_spec(params: Params, code: str, name: str) -> CountySpec:
    c = params["county"]
    return CountySpec(
        index=0, code=code, name=name, city=code[:4], size=1.0, townships=int(c["townships"]),
        towns=int(c["towns"]), urban_share=float(c["urban_share"]), birth_fall=float(c["births_extra_fall"]),
        lon=114.31, lat=25.12,
    )  # fmt: skip


def generate_county(
    code: str = DEMO_COUNTY,
    name: str = "示例县",
    seed: int | None = None,
    first_year: int = 2016,
    last_year: int = 2025,
    history_from: int | None = None,
) -> Facts:
    """The demo county with its province and city, every fact table filled from `first_year`; enrollment by
    grade and population also from `history_from` (params.yaml's when None) if that is earlier."""
    params = load_params()
    start = _check_years(first_year, last_year, params, history_from)
    if len(code) != 6 or not code.isdigit():
        raise ConfigError(
            f"县级区划代码须为 6 位数字：{code}", english=f"county code must be 6 digits: {code}"
        )
    spec = _demo_spec(params, code, name)
    world = simulate([spec], params["seed"] if seed is None else seed, first_year, last_year, params, start)
    return assemble(world)


def province_specs(n_counties: int, seed: int, params: Params) -> list[CountySpec]:
    """The demo county first, then varied counties, one city per `counties_per_city` counties."""
    pv, c = params["province"], params["county"]
    rng = np.random.default_rng([seed, 0])
    per_city = int(pv["counties_per_city"])
    specs = [_demo_spec(params, DEMO_COUNTY, "示例县")]
    names = county_names(n_counties)
    for i in range(1, n_counties):
        city, k = divmod(i, per_city)
        townships = int(rng.integers(pv["townships_range"][0], pv["townships_range"][1] + 1))
        specs.append(CountySpec(
            index=i, code=f"99{city + 1:02d}{k + 1:02d}", name=names[i - 1],
            city=f"99{city + 1:02d}", size=float(rng.uniform(*pv["size_range"])) * townships / int(c["townships"]),
            townships=townships, towns=max(1, townships // 5),
            urban_share=float(rng.uniform(*pv["urban_share_range"])),
            birth_fall=float(c["births_extra_fall"]) + float(rng.uniform(*pv["birth_fall_range"])),
            access=float(rng.uniform(*pv["access_range"])),
            urbanising=float(rng.uniform(*pv["urbanising_range"])),
            lon=108.0 + 0.9 * (i % 10), lat=22.5 + 0.7 * (i // 10),
        ))  # fmt: skip
    return specs


def generate_province(
    n_counties: int = 10,
    seed: int | None = None,
    first_year: int = 2016,
    last_year: int = 2025,
    history_from: int | None = None,
) -> Facts:
    """Province 99 with n varied counties (the first is 示例县 990101), for benchmarks; years as in
    `generate_county`."""
    params = load_params()
    start = _check_years(first_year, last_year, params, history_from)
    if not 1 <= n_counties <= 990:
        raise ConfigError(
            f"县的个数须在 1–990 之间：{n_counties}", english=f"n_counties out of range: {n_counties}"
        )
    seed = params["seed"] if seed is None else seed
    world = simulate(province_specs(n_counties, seed, params), seed, first_year, last_year, params, start)
    return assemble(world)
