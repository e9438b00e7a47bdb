"""The issue's scenario: a few rows of next year's statistics arrive for 3 of the county's schools. Nothing
moves: every page and command stays on the latest complete year, and the new year, when chosen, is labelled
and never judged."""

from __future__ import annotations

import json
import re
from typing import Any

import polars as pl
import pytest

from eduplan.facts import Facts

pytestmark = pytest.mark.db


@pytest.fixture
def next_year(demo_db: Facts) -> Facts:
    """Four grade rows of 2026 for three schools saved on top of the demo county."""
    from eduplan.store import save_facts

    latest = demo_db.grade_year.filter(pl.col("year") == 2025).sort("school", "grade")
    schools = latest["school"].unique().sort()[:3]
    rows = pl.concat(
        [latest.filter(pl.col("school") == s).head(n) for s, n in zip(schools, (2, 1, 1), strict=True)]
    )
    extra = Facts.empty()
    extra.grade_year = rows.with_columns(pl.lit(2026).alias("year"))
    save_facts(extra)
    return demo_db


def _pupils(html: str) -> str:
    return re.search(r'在校生</div><div class="n">([\d,]+)<', html).group(1)  # type: ignore[union-attr]


def test_pages_stay_on_the_latest_complete_year(next_year: Facts, alice: Any, client: Any) -> None:
    client.force_login(alice)
    home = client.get("/").content.decode()
    pupils_2025 = next_year.grade_year.filter(pl.col("year") == 2025)["enrollment"].sum()
    assert _pupils(home) == f"{pupils_2025:,}"
    assert "2025-2026 学年：数据完整" in home
    assert "2026-2027 学年 · 数据不完整（已报 0/109 所）" in home  # offered in the picker, labelled
    chosen = client.get("/", {"year": 2026}).content.decode()
    assert "数据不完整（已报 0/109 所）" in chosen and "最近的完整学年为" in chosen
    standards = client.get("/standards/preschool/").content.decode()
    assert "2025-2026 学年结论" in standards
    incomplete = client.get("/standards/preschool/", {"year": 2026}).content.decode()
    assert (
        '<div class="n incomplete">无法评估</div>' in incomplete
        and "数据不完整时不作达标或未达标结论" in incomplete
    )
    forecast = client.get("/forecast/").content.decode()
    assert "起点 2025 年" in forecast


def test_commands_stay_on_the_latest_complete_year(
    next_year: Facts, capsys: pytest.CaptureFixture[str]
) -> None:
    from eduplan.cli import main

    for kind in ("balanced", "basic", "preschool"):
        assert main(["evaluate", kind, "--unit", "990101", "--format", "json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["year"] == 2025 and out["verdict"] in ("pass", "fail", "incomplete")
        assert main(["evaluate", kind, "--unit", "990101", "--year", "2026", "--format", "json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert (out["year"], out["verdict"]) == (2026, "incomplete")
        assert out["data"]["label"] == "数据不完整（已报 0/109 所）"
    assert main(["forecast", "places", "--unit", "990101", "--horizon", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["origin"] == 2025


def test_progress_judgements_do_not_move(demo_db: Facts) -> None:
    from eduplan.store import save_facts
    from eduplan.web.plans.plan_io import load_demo_plan
    from eduplan.web.plans.services import clear_cache, progress_records

    load_demo_plan("990101")
    before = [(r["id"], r["status"], r["latest_year"], r["latest_value"]) for r in progress_records("990101")]
    extra = Facts.empty()
    extra.grade_year = (
        demo_db.grade_year.filter(pl.col("year") == 2025).head(4).with_columns(pl.lit(2026).alias("year"))
    )
    save_facts(extra)
    clear_cache()
    after = [(r["id"], r["status"], r["latest_year"], r["latest_value"]) for r in progress_records("990101")]
    assert after == before and max(y for _, _, y, _ in after if y) == 2025
