"""The static directory of a synthetic province: org units, townships, schools and their school-stage units."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from eduplan.demo import names
from eduplan.facts import stages_of

LOCALE_CODES = ("urban", "town", "rural")
URBAN, TOWN, RURAL = 0, 1, 2
STAGE_INDEX = {"preschool": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 4, "special": 5}
COUNTY_POOLED = ("senior", "vocational", "special")  # stages whose pupils come from the whole county
FAR_PAST = 1950
URBAN_PUBLIC_KGS = (
    "机关幼儿园",
    "实验幼儿园",
    "城关镇中心幼儿园",
    "第二幼儿园",
    "第四幼儿园",
    "第五幼儿园",
    "第六幼儿园",
)
URBAN_JUNIORS = ("城关中学", "实验中学", "第三中学", "第四中学", "第五中学", "第六中学")
URBAN_SENIORS = ("中学", "第一中学", "第二中学", "第三高级中学", "第四高级中学", "第五高级中学")


@dataclass(frozen=True)
class CountySpec:
    """What makes one county differ from another."""

    index: int
    code: str
    name: str
    city: str
    size: float  # population relative to the demo county
    townships: int
    towns: int
    urban_share: float
    birth_fall: float  # extra yearly fall of births after 2016
    lon: float
    lat: float
    access: float = 1.0  # multiplies preschool and senior-stage participation
    urbanising: float = 1.0  # multiplies child migration and the pull of county-town schools
    resources: float = 1.0  # multiplies buildings, sports grounds, equipment, multimedia rooms and books


@dataclass
class School:
    code: str
    name: str
    township: int
    school_type: str
    ownership: str
    locale: int
    urc: str
    boarding: bool
    zone: str | None
    lon: float
    lat: float
    opened: int
    closed: int | None
    role: str
    weight: float


@dataclass
class Layout:
    """Everything static, province-wide, as parallel lists (converted to arrays by `arrays()`)."""

    counties: list[CountySpec] = field(default_factory=list)
    org_rows: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    tw_code: list[str] = field(default_factory=list)
    tw_name: list[str] = field(default_factory=list)
    tw_county: list[int] = field(default_factory=list)
    tw_locale: list[int] = field(default_factory=list)
    tw_share: list[float] = field(default_factory=list)
    tw_junior_catch: list[int] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    school_county: list[int] = field(default_factory=list)


class _CountyBuilder:
    """Lays out one county's townships and schools into a Layout."""

    def __init__(self, spec: CountySpec, layout: Layout, rng: np.random.Generator, params: dict) -> None:
        self.spec, self.layout, self.rng, self.p = spec, layout, rng, params
        self.serial = 0
        self.first_tw = len(layout.tw_code)

    def build(self) -> None:
        self._townships()
        self._urban_schools()
        junior_tws: list[int] = [self.first_tw]
        for k in range(1, self.spec.townships):
            tw = self.first_tw + k
            if self.layout.tw_locale[tw] == TOWN:
                self._town_schools(tw)
                junior_tws.append(tw)
            elif self._rural_schools(tw, k):
                junior_tws.append(tw)
        self._catch_juniors(junior_tws)
        self._close_teaching_points()
        self._scatter()

    def _scatter(self) -> None:
        """Places schools around their township seat and varies their pull on pupils."""
        mine = self.layout.schools[len(self.layout.schools) - self.serial :]
        lon, lat = self.rng.normal(0, self.p["noise"]["position_degrees"], (2, len(mine)))
        pull = self.rng.lognormal(0.0, self.p["weights"]["noise"], len(mine))
        for k, sc in enumerate(mine):
            sc.lon, sc.lat = round(sc.lon + float(lon[k]), 5), round(sc.lat + float(lat[k]), 5)
            sc.weight *= float(pull[k])

    # --- townships -----------------------------------------------------------------------------------
    def _townships(self) -> None:
        s, lay, rng = self.spec, self.layout, self.rng
        pool = list(names.TOWNSHIPS)
        picked = rng.choice(len(pool), size=s.townships - 1, replace=False)
        rural_n = s.townships - 1 - s.towns
        rural_shares = rng.lognormal(0.0, self.p["noise"]["rural_township_size"], rural_n)
        rest = 1.0 - s.urban_share - s.towns * self.p["county"]["town_share"]
        rural_shares = rural_shares / rural_shares.sum() * max(rest, 0.1)
        for k in range(s.townships):
            if k == 0:
                name, locale, share = "城关镇", URBAN, s.urban_share
            elif k <= s.towns:
                name, locale, share = pool[picked[k - 1]] + "镇", TOWN, self.p["county"]["town_share"]
            else:
                suffix = "镇" if rng.random() < 0.5 else "乡"
                name, locale, share = (
                    pool[picked[k - 1]] + suffix,
                    RURAL,
                    float(rural_shares[k - 1 - s.towns]),
                )
            code = f"{s.code}{k + 1:03d}"
            lay.tw_code.append(code)
            lay.tw_name.append(name)
            lay.tw_county.append(s.index)
            lay.tw_locale.append(locale)
            lay.tw_share.append(share)
            lay.tw_junior_catch.append(len(lay.tw_code) - 1)
            lay.org_rows.append((code, name, "township", s.code))

    def _catch_juniors(self, junior_tws: list[int]) -> None:
        """Townships without a junior school send their pupils to a fixed other township that has one."""
        for tw in range(self.first_tw, self.first_tw + self.spec.townships):
            if tw not in junior_tws:
                others = [t for t in junior_tws if t != self.first_tw] or junior_tws
                self.layout.tw_junior_catch[tw] = others[(tw * 7) % len(others)]

    # --- schools -------------------------------------------------------------------------------------
    def _add(
        self, tw: int, name: str, school_type: str, role: str, *, ownership: str = "public",
        boarding: bool = False, zone: str | None = None, opened: int | None = None, weight: float = 1.0,
    ) -> None:  # fmt: skip
        self.serial += 1
        lay, s = self.layout, self.spec
        locale = lay.tw_locale[tw]
        urc = {URBAN: "111", TOWN: "121", RURAL: "210"}[locale]  # 统计用城乡划分代码 of the township seat
        if role in ("village", "teaching_point", "village_kg"):
            locale, urc = RURAL, "220"  # 村庄
        k = tw - self.first_tw  # townships sit on a grid around the county seat
        school = School(
            code=f"{s.code}{self.serial:04d}", name=name, township=tw, school_type=school_type,
            ownership=ownership, locale=locale, urc=urc, boarding=boarding, zone=zone,
            lon=s.lon + (k % 5 - 2) * 0.08, lat=s.lat + (k // 5 - 1) * 0.08,
            opened=FAR_PAST + int(self.rng.integers(0, 50)) if opened is None else opened,
            closed=None, role=role, weight=weight,
        )  # fmt: skip
        lay.schools.append(school)
        lay.school_county.append(s.index)

    def _scaled(self, n: float) -> int:
        return max(1, round(n * self.spec.size))

    def _urban_schools(self) -> None:
        self._urban_kindergartens()
        c, tw, lay = self.spec.name, self.first_tw, self.p["layout"]
        new_year = lay["new_school_years"]
        n_primary = self._scaled(lay["urban"]["primary"])
        self._add(
            tw, f"{c}实验小学", "primary", "centre", zone="城关实验小学片区", weight=lay["lead_school_weight"]
        )
        for i in range(1, n_primary + 1):
            name = f"城关第{names.ordinal(i)}"
            self._add(tw, f"{c}{name}小学", "primary", "centre", zone=f"{name}片区")
        self._add(
            tw, f"{c}育才学校", "primary", "centre", ownership="private", weight=lay["private_primary_weight"]
        )
        name = f"城关第{names.ordinal(n_primary + 1)}"
        self._add(tw, f"{c}{name}小学", "primary", "centre", opened=new_year["primary"], zone=f"{name}片区")
        for i, title in enumerate(URBAN_JUNIORS[: self._scaled(lay["urban"]["junior"])]):
            self._add(tw, f"{c}{title}", "junior", "centre", zone=f"城关初中第{names.ordinal(i + 1)}片区")
        for i, title in enumerate(URBAN_SENIORS[: self._scaled(lay["urban"]["senior"])]):
            weight = lay["lead_school_weight"] if i == 0 else 1.0
            self._add(tw, f"{c}{title}", "senior", "centre", boarding=True, weight=weight)
        self._add(tw, f"{c}中等职业学校", "vocational", "centre", boarding=True)
        self._add(tw, f"{c}特殊教育学校", "special", "centre", boarding=True)

    def _urban_kindergartens(self) -> None:
        c, tw, lay, w = self.spec.name, self.first_tw, self.p["layout"], self.p["weights"]
        big = float(lay["urban_kg_weight"])
        for title in URBAN_PUBLIC_KGS[: self._scaled(lay["urban"]["public_kg"])]:
            self._add(tw, f"{c}{title}", "kindergarten", "public_kg", weight=w["public_kg"]["weight"] * big)
        brands = self.rng.permutation(len(names.KG_BRANDS))
        n_inc = self._scaled(lay["urban"]["inclusive_kg"])
        n_all = min(n_inc + self._scaled(lay["urban"]["private_kg"]), len(brands))
        for i in range(n_all):
            role = "inclusive_kg" if i < n_inc else "private_kg"
            ownership = "private_inclusive" if i < n_inc else "private"
            name = f"{c}{names.KG_BRANDS[brands[i]]}幼儿园"
            self._add(tw, name, "kindergarten", role, ownership=ownership, weight=w[role]["weight"] * big)
        opened = lay["new_school_years"]["kindergarten"]
        self._add(tw, f"{c}第三幼儿园", "kindergarten", "public_kg", opened=opened, weight=big)

    def _village_name(self) -> str:
        return names.VILLAGES[int(self.rng.integers(0, len(names.VILLAGES)))]

    def _brand(self) -> str:
        return names.KG_BRANDS[int(self.rng.integers(0, len(names.KG_BRANDS)))]

    def _kindergartens(self, tw: int, odds: dict[str, float]) -> None:
        c, t, w = self.spec.name, self.layout.tw_name[tw], self.p["weights"]
        self._add(tw, f"{c}{t}中心幼儿园", "kindergarten", "public_kg", weight=w["public_kg"]["weight"])
        if self.rng.random() < odds["p_inclusive_kg"]:
            self._add(tw, f"{c}{t}{self._brand()}幼儿园", "kindergarten", "inclusive_kg",
                      ownership="private_inclusive", weight=w["inclusive_kg"]["weight"])  # fmt: skip
        if self.rng.random() < odds["p_private_kg"]:
            self._add(tw, f"{c}{t}{self._brand()}双语幼儿园", "kindergarten", "private_kg",
                      ownership="private", weight=w["private_kg"]["weight"])  # fmt: skip
        if self.rng.random() < odds["p_village_kg"]:
            self._add(tw, f"{c}{t}{self._village_name()}幼儿园", "kindergarten", "village_kg",
                      weight=w["public_kg"]["weight"] * self.p["layout"]["village_kg_weight"])  # fmt: skip

    def _villages(self, tw: int, n_village: int, n_points: int) -> None:
        c, t, w = self.spec.name, self.layout.tw_name[tw], self.p["weights"]
        zone = f"{t}片区"
        for _ in range(n_village):
            self._add(tw, f"{c}{t}{self._village_name()}小学", "primary", "village",
                      zone=zone, weight=w["village"]["weight"])  # fmt: skip
        for _ in range(n_points):
            self._add(tw, f"{c}{t}{self._village_name()}教学点", "teaching_point", "teaching_point",
                      zone=zone, weight=w["teaching_point"]["weight"])  # fmt: skip

    def _town_schools(self, tw: int) -> None:
        c, t, odds = self.spec.name, self.layout.tw_name[tw], self.p["layout"]["town"]
        self._kindergartens(tw, odds)
        self._add(tw, f"{c}{t}中心小学", "primary", "centre", zone=f"{t}片区", boarding=True)
        self._villages(tw, int(odds["village_primary"]), int(odds["teaching_point"]))
        self._add(tw, f"{c}{t}中学", "junior", "centre", zone=f"{t}片区", boarding=True)

    def _rural_schools(self, tw: int, k: int) -> bool:
        """Lay out a rural township; True when it has its own junior stage."""
        c, t, lay = self.spec.name, self.layout.tw_name[tw], self.p["layout"]
        odds = lay["rural"]
        self._kindergartens(tw, odds)
        rural_k = k - self.spec.towns - 1
        nine_year = rural_k < self._scaled(lay["nine_year"])
        zone = f"{t}片区"
        if nine_year:
            self._add(tw, f"{c}{t}九年一贯制学校", "nine_year", "centre", zone=zone, boarding=True)
        else:
            self._add(tw, f"{c}{t}中心小学", "primary", "centre", zone=zone, boarding=True)
        villages = int(self.rng.random() < odds["p_village_primary"])
        self._villages(tw, villages, int(self.rng.random() < odds["p_teaching_point"]))
        if nine_year:
            return True
        if rural_k < self._scaled(lay["nine_year"]) + self._scaled(lay["rural_junior"]):
            self._add(tw, f"{c}{t}中学", "junior", "centre", zone=zone, boarding=True)
            return True
        return False

    def _close_teaching_points(self) -> None:
        """Some 教学点 are merged into their township's centre school (撤点并校)."""
        first = len(self.layout.schools) - self.serial
        points = [sc for sc in self.layout.schools[first:] if sc.school_type == "teaching_point"]
        years = self.p["layout"]["closures"]
        for i, sc in enumerate(points[: len(years)]):
            sc.closed = int(years[i]) if self.spec.index == 0 else int(self.rng.integers(2017, 2025))


def build_layout(specs: list[CountySpec], seed: int, params: dict) -> Layout:
    """Org units and schools of every county in `specs` (all in province 99)."""
    layout = Layout(counties=list(specs))
    layout.org_rows.append(("99", "示例省", "province", None))
    for city in sorted({s.city for s in specs}):
        n = int(city[2:])
        layout.org_rows.append((city, "示例市" if n == 1 else f"示例第{names.ordinal(n)}市", "city", "99"))
    for spec in specs:
        layout.org_rows.append((spec.code, spec.name, "county", spec.city))
        rng = np.random.default_rng([seed, 1, spec.index])
        _CountyBuilder(spec, layout, rng, params).build()
    return layout


def stage_units(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(school index, stage index) of every school-stage unit, the unit of enrollment."""
    school_idx: list[int] = []
    stage_idx: list[int] = []
    for i, sc in enumerate(layout.schools):
        for stage in stages_of(sc.school_type):
            school_idx.append(i)
            stage_idx.append(STAGE_INDEX[stage])
    return np.array(school_idx, dtype=np.int64), np.array(stage_idx, dtype=np.int64)
