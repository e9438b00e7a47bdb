"""The demo county with its plan, for the reports' database tests."""

from __future__ import annotations

from typing import Any

import pytest

from eduplan.demo import DEMO_COUNTY
from eduplan.facts import Facts


@pytest.fixture
def plan(demo_db: Facts) -> Any:
    from eduplan.web.plans.plan_io import load_demo_plan
    from eduplan.web.plans.services import clear_cache

    clear_cache()  # evaluations are cached per process; a rolled-back test may leave one behind
    return load_demo_plan(DEMO_COUNTY)
