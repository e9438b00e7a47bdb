"""The demo city 示例市 (9901): 示例县 as `generate_county` makes it, and counties of other characters.

Each curated county is simulated on its own (its own seed), so 示例县 990101 stays exactly what
`generate_county()` gives; counties beyond the curated five (`eduplan demo --counties N`, for benchmarks) are
simulated together, ten to a city (9901, 9902 …).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from eduplan.demo import DEMO_COUNTY, _check_years, _demo_spec, generate_county
from eduplan.demo.generate import assemble, simulate
from eduplan.demo.layout import CountySpec
from eduplan.demo.names import county_names
from eduplan.demo.params import load_params
from eduplan.errors import ConfigError
from eduplan.facts import Facts


@dataclass(frozen=True)
class Character:
    """A curated county: what it is like, and the spec changes that make it so (relative to 示例县)."""

    code: str
    name: str
    description: str
    changes: dict[str, float]


CURATED = (
    Character(DEMO_COUNTY, "示例县", "山区农业县，规划目标多数按期推进（原示例县，不变）", {}),
    Character("990102", "新城区", "快速发展的城区：人口流入，县城学校学位紧张",
              {"size": 1.4, "townships": 9, "towns": 3, "urban_share": 0.55, "birth_fall": -0.04,
               "urbanising": 1.6, "access": 1.04, "resources": 1.05}),
    Character("990103", "青山县", "人口收缩的山区县：出生减少，乡村学校萎缩",
              {"size": 0.6, "townships": 18, "towns": 2, "urban_share": 0.2, "birth_fall": 0.03,
               "urbanising": 0.8, "access": 0.9, "resources": 0.95}),
    Character("990104", "临川县", "接近优质均衡：办学条件较好，个别指标尚差一点",
              {"size": 0.9, "townships": 12, "towns": 3, "urban_share": 0.33, "birth_fall": 0.0,
               "resources": 1.2}),
    Character("990105", "石门县", "距优质均衡较远：校舍、设备和图书明显不足",
              {"size": 1.1, "townships": 16, "towns": 2, "urban_share": 0.25, "birth_fall": 0.01,
               "access": 0.9, "resources": 0.62}),
)  # fmt: skip
SEED_STEP = 101  # curated county k is simulated with seed params.seed + k * SEED_STEP


def city_specs(n_counties: int) -> list[tuple[CountySpec, int]]:
    """(spec, seed) of the curated counties among the first `n_counties`."""
    params = load_params()
    base = _demo_spec(params, DEMO_COUNTY, "示例县")
    out = []
    for k, c in enumerate(CURATED[: max(1, min(n_counties, len(CURATED)))]):
        changes = {key: (int(v) if key in ("townships", "towns") else v) for key, v in c.changes.items()}
        spec = replace(base, code=c.code, name=c.name, lon=base.lon + 0.6 * k, lat=base.lat + 0.3 * (k % 2),
                       **changes)  # type: ignore[arg-type]  # fmt: skip
        out.append((spec, int(params["seed"]) + k * SEED_STEP))
    return out


def _extra_specs(first: int, n_counties: int) -> list[CountySpec]:
    """Varied counties `first`..n_counties-1, ten to a city, with names not used by the curated ones."""
    params = load_params()
    pv, c = params["province"], params["county"]
    rng = np.random.default_rng([int(params["seed"]), 7])
    used = {x.name for x in CURATED}
    names = [n for n in county_names(n_counties + len(used)) if n not in used]
    specs = []
    for i in range(first, n_counties):
        city, k = divmod(i, 10)
        townships = int(rng.integers(pv["townships_range"][0], pv["townships_range"][1] + 1))
        specs.append(CountySpec(
            index=i - first, code=f"99{city + 1:02d}{k + 1:02d}", name=names[i - first], city=f"99{city + 1:02d}",
            size=float(rng.uniform(*pv["size_range"])) * townships / int(c["townships"]), townships=townships,
            towns=max(1, townships // 5), urban_share=float(rng.uniform(*pv["urban_share_range"])),
            birth_fall=float(c["births_extra_fall"]) + float(rng.uniform(*pv["birth_fall_range"])),
            access=float(rng.uniform(*pv["access_range"])), urbanising=float(rng.uniform(*pv["urbanising_range"])),
            resources=float(rng.uniform(0.7, 1.2)), lon=108.0 + 0.9 * (i % 10), lat=22.5 + 0.7 * (i // 10),
        ))  # fmt: skip
    return specs


def generate_city(n_counties: int = len(CURATED), first_year: int = 2016, last_year: int = 2025) -> Facts:
    """示例市 with `n_counties` counties: the curated ones first (990101 exactly as `generate_county()`), then
    varied ones for benchmarks."""
    if not 1 <= n_counties <= 990:
        raise ConfigError(
            f"县的个数须在 1–990 之间：{n_counties}", english=f"n_counties out of range: {n_counties}"
        )
    params = load_params()
    start = _check_years(first_year, last_year, params)
    parts = [generate_county(first_year=first_year, last_year=last_year)]
    for spec, seed in city_specs(n_counties)[1:]:
        world = simulate([replace(spec, index=0)], seed, first_year, last_year, params, start)
        parts.append(assemble(world))
    if n_counties > len(CURATED):
        extra = _extra_specs(len(CURATED), n_counties)
        parts.append(assemble(simulate(extra, int(params["seed"]) + 7, first_year, last_year, params, start)))
    return _combine(parts)


def _combine(parts: list[Facts]) -> Facts:
    frames = [p.frames() for p in parts]
    combined = {name: pl.concat([f[name] for f in frames], how="vertical_relaxed") for name in frames[0]}
    combined["org_units"] = combined["org_units"].unique("code", keep="first", maintain_order=True)
    return Facts(**combined)
