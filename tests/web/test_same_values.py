"""The same indicator, unit and year shows the same value on every page (or the page says its sample differs)."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from eduplan.facts import Facts

pytestmark = pytest.mark.db


def test_preschool_rates_agree_across_pages(demo_db: Facts, alice: Any, client: Any) -> None:
    from eduplan.indicators.engine import compute
    from eduplan.web.plans.plan_io import load_demo_plan

    load_demo_plan("990101")
    client.force_login(alice)
    rows = compute(demo_db, ["preschool_ger", "preschool_public_share"]).filter(
        (pl.col("unit") == "990101") & (pl.col("year") == 2025)
    )
    standards = client.get("/standards/preschool/", {"unit": "990101"}).content.decode()
    indicators = client.get("/indicators/", {"county": "990101"}).content.decode()
    plans = client.get("/plans/targets/").content.decode()
    for value in rows["value"]:
        shown = f"{value:.2f}"
        assert f">{shown}%<" in standards and f">{shown}<" in indicators, shown
        assert f"{shown}%（2025）" in plans, shown


def test_balanced_page_names_its_sample(demo_db: Facts, alice: Any, client: Any) -> None:
    client.force_login(alice)
    html = client.get("/standards/balanced/", {"unit": "990101"}).content.decode()
    assert "公办学校样本" in html and "样本不同" in html
