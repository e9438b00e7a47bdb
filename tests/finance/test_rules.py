"""The floor rules: national values, schedules, and overrides that may only raise them (refused otherwise)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eduplan.errors import ConfigError
from eduplan.finance import rules as rules_module
from eduplan.finance.rules import AMOUNT_KEYS, _national, resolve, rules_for

NATIONAL = _national()


def _override(**amounts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "某县", "amounts": {k: {"steps": v} for k, v in amounts.items()}}


def test_national_base_by_region_and_year() -> None:
    west, east = resolve(NATIONAL, "990101"), resolve(NATIONAL, "440282")
    assert (west.region, east.region) == ("central_west", "east")
    # 国发〔2015〕67号: 中西部 600 / 800, 东部 650 / 850 from 2016; nothing before.
    assert [west.amount(k, 2016).value for k in ("primary", "junior")] == [600, 800]  # type: ignore[union-attr]
    assert [east.amount(k, 2020).value for k in ("primary", "junior")] == [650, 850]  # type: ignore[union-attr]
    assert west.amount("primary", 2015) is None
    assert west.amount("special", 2024).value == 6000  # type: ignore[union-attr]
    assert west.amount("boarding", 2024).value == 200  # type: ignore[union-attr]
    assert west.amount("preschool", 2023) is None and west.amount("preschool", 2024).value == 600  # type: ignore[union-attr]
    assert west.amount("senior", 2024) is None  # set by provinces only
    assert west.min_pupils("primary", "rural") == 100 and west.min_pupils("primary", "town") == 0


def test_floor_raised_ten_percent_every_two_years() -> None:
    # From 2019, +10% every two years on the 2019 base of 600 (compounding): by hand 660, 726, 798.6, 878.46.
    county = {"name": "某县", "schedule": {"first": 2019, "every": 2, "rate": 0.10, "keys": ["primary"]}}
    rules = resolve(NATIONAL, "990199", (("990199", county, "990199.yaml"),))
    values = {y: rules.amount("primary", y).value for y in range(2018, 2026)}  # type: ignore[union-attr]
    assert values == {
        2018: 600,
        2019: 660,
        2020: 660,
        2021: 726,
        2022: 726,
        2023: 798.6,
        2024: 798.6,
        2025: 878.46,
    }
    assert rules.amount("junior", 2025).value == 800  # type: ignore[union-attr]  # the schedule names primary only
    assert rules.amount("primary", 2021).basis == "每 2 年提高 10%（第 2 次）"  # type: ignore[union-attr]


def test_a_higher_parent_standard_overtakes_an_older_county_one() -> None:
    province = _override(primary=[{"from": 2023, "amount": 720}])
    county = _override(primary=[{"from": 2021, "amount": 680}])
    rules = resolve(NATIONAL, "990199", (("99", province, "99.yaml"), ("990199", county, "990199.yaml")))
    assert [rules.amount("primary", y).value for y in (2020, 2021, 2023)] == [600, 680, 720]  # type: ignore[union-attr]
    assert rules.amount("primary", 2023).setter == "某县"  # type: ignore[union-attr]  # the province file has no name


def test_county_override_raises_small_school_minimum() -> None:
    # Seed 004 (南丰县, packaged): 农村初中 under 500 pupils funded as 500, from 2019 +10% every two years.
    nanfeng = rules_for("361023")
    assert nanfeng.min_pupils("junior", "rural") == 500 and nanfeng.min_pupils("primary", "rural") == 100
    assert nanfeng.amount("junior", 2021).value == 968  # type: ignore[union-attr]  # 800 × 1.1²
    assert [lv.name for lv in nanfeng.levels] == ["全国", "南丰县"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            _override(primary=[{"from": 2020, "amount": 580}]),
            "普通小学自 2020 年 580 元，低于上级（全国）同年标准 600 元",
        ),
        (_override(special=[{"from": 2016, "amount": 5000}]), "低于上级"),
        ({"small_school": {"min_pupils": {"primary": 80}}}, "小学按 100 人核定是上级要求，不能降低"),
        ({"small_school": {"locales": ["town"]}}, "乡村的小规模学校按人数下限核定，下级不能取消"),
        (
            {"ownerships": {"primary": ["public"]}},
            "上级标准覆盖民办普惠、民办非普惠学校的普通小学，下级不能取消",
        ),
        ({"amounts": {"bogus": {"steps": []}}}, "未知的经费项 bogus"),
        ({"schedule": {"first": 2019, "rate": -0.1}}, "增幅 rate 应为不小于 0 的数"),
        ({"colour": "red"}, "未知的项：colour"),
    ],
)
def test_laxer_or_malformed_override_is_refused(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        resolve(NATIONAL, "990199", (("990199", override, "990199.yaml"),))
    assert "990199.yaml" in err.value.message and message in err.value.message


def test_a_county_may_not_undercut_its_provinces_schedule() -> None:
    province = {"name": "某省", "schedule": {"first": 2019, "every": 2, "rate": 0.1, "keys": ["primary"]}}
    county = _override(primary=[{"from": 2021, "amount": 700}])  # above 600 but below the province's 726
    with pytest.raises(ConfigError, match="低于上级（某省）同年标准 726 元"):
        resolve(NATIONAL, "990199", (("99", province, "99.yaml"), ("990199", county, "990199.yaml")))


def test_files_in_the_environment_folder_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "990101.yaml").write_text(
        "name: 试点县\namounts:\n  primary:\n    steps: [{from: 2024, amount: 1000}]\n"
    )
    monkeypatch.setenv("EDUPLAN_FINANCE_DIR", str(tmp_path))
    rules_module.clear_cache()
    try:
        assert rules_for("990101").amount("primary", 2024).value == 1000  # type: ignore[union-attr]
        (tmp_path / "990101.yaml").write_text(
            "amounts:\n  primary:\n    steps: [{from: 2024, amount: 500}]\n"
        )
        rules_module.clear_cache()
        with pytest.raises(ConfigError, match=r"990101\.yaml"):
            rules_for("990101")
    finally:
        monkeypatch.delenv("EDUPLAN_FINANCE_DIR")
        rules_module.clear_cache()


# ---------------------------------------------------------------------------------------------- property

KEYS = st.sampled_from([k for k in AMOUNT_KEYS if k not in ("senior", "vocational")])
YEARS = st.integers(2016, 2035)


@settings(max_examples=150, deadline=None)
@given(
    key=KEYS,
    year=YEARS,
    cut=st.floats(0.01, 0.99),
    raises=st.lists(st.tuples(KEYS, YEARS, st.floats(0, 2)), max_size=4),
)
def test_a_laxer_override_is_always_refused(
    key: str, year: int, cut: float, raises: list[tuple[str, int, float]]
) -> None:
    """Any step below what the level above requires in its year is refused, whatever else the file raises."""
    province = {"name": "某省", "amounts": {}}
    for (
        k,
        y,
        extra,
    ) in raises:  # a province that only raises (never refused), so the county faces a moving floor
        province["amounts"].setdefault(k, {"steps": []})["steps"].append(
            {"from": y, "amount": 6000 + 1000 * extra}
        )
    for entry in province["amounts"].values():
        entry["steps"] = sorted({s["from"]: s for s in entry["steps"]}.values(), key=lambda s: s["from"])
    parent = resolve(NATIONAL, "990199", (("99", province, "99.yaml"),))
    above = parent.amount(key, year)
    assume(above is not None)  # 学前 has no national floor before 2024: nothing to be laxer than
    assert above is not None
    laxer = {
        "name": "某县",
        "amounts": {key: {"steps": [{"from": year, "amount": round(above.value * cut, 2)}]}},
    }
    with pytest.raises(ConfigError, match="下级只能提高标准"):
        resolve(NATIONAL, "990199", (("99", province, "99.yaml"), ("990199", laxer, "990199.yaml")))


@settings(max_examples=100, deadline=None)
@given(steps=st.lists(st.tuples(KEYS, YEARS, st.floats(1.0, 3.0)), min_size=1, max_size=5))
def test_an_override_that_raises_is_accepted_and_never_lowers_a_year(
    steps: list[tuple[str, int, float]],
) -> None:
    county: dict[str, Any] = {"name": "某县", "amounts": {}}
    for key, year, factor in steps:
        base = resolve(NATIONAL, "990199").amount(key, year)
        amount = 500 * factor if base is None else base.value * factor  # any amount where none is required
        county["amounts"].setdefault(key, {"steps": []})["steps"].append({"from": year, "amount": amount})
    for entry in county["amounts"].values():
        entry["steps"] = sorted({s["from"]: s for s in entry["steps"]}.values(), key=lambda s: s["from"])
    parent = resolve(NATIONAL, "990199")
    child = resolve(NATIONAL, "990199", (("990199", copy.deepcopy(county), "990199.yaml"),))
    for key in AMOUNT_KEYS:
        for year in range(2010, 2041):
            above, mine = parent.amount(key, year), child.amount(key, year)
            assert (above is None) == (mine is None) or above is None
            if above is not None:
                assert mine is not None and mine.value >= above.value
