"""学位预测: enrollment by school, zone, township and county years ahead, against places; and its accuracy.

- chain.py: which series feeds each grade (births, the feeding stage, the grade below);
- cohort.py: ratios over a base period and the projection, on arrays; panel.py / inputs.py: from frames;
- places.py: capacity, projects, gaps, warnings, large classes, small schools; planning.py: planning norms;
- scenarios.py: add or move projects, migration; report.py: all of it for one region;
- backtest.py: rolling-origin MAPE against "same as last year". The method is written up in docs/forecast.md.
"""

from __future__ import annotations

from eduplan.forecast.backtest import backtest, backtest_units
from eduplan.forecast.cohort import DEFAULT_METHOD, Method
from eduplan.forecast.inputs import forecast_facts
from eduplan.forecast.report import PlacesReport, places_report
from eduplan.forecast.scenarios import Move, Scenario

__all__ = [
    "DEFAULT_METHOD",
    "Method",
    "Move",
    "PlacesReport",
    "Scenario",
    "backtest",
    "backtest_units",
    "forecast_facts",
    "places_report",
]
