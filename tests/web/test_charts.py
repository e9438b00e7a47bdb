from __future__ import annotations

import re

from eduplan.web.charts import Band, HLine, Series, _nice_ticks, bar_chart, line_chart


def test_line_chart_breaks_the_line_at_a_missing_year() -> None:
    svg = line_chart(
        [Series("实际值", [(2019, 1.0), (2020, 2.0), (2021, None), (2022, 3.0), (2023, 4.0)])], title="标题"
    )
    # Two runs (2019-2020 and 2022-2023) make two polylines; four known points make four markers.
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4
    assert "标题" in svg and svg.startswith("<svg")


def test_line_chart_places_the_extremes_inside_the_plot() -> None:
    svg = line_chart(
        [Series("a", [(2020, 10.0), (2025, 20.0)])],
        hlines=[HLine(30.0, "目标")],
        bands=[Band("区间", [(2025, 5.0, 25.0)])],
    )
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', svg)]
    # The plot spans y = 36 (top pad) to 340 - 52 = 288; every point must lie inside it.
    assert all(36 <= y <= 288 for y in ys)
    assert "<polygon" in svg and "目标" in svg


def test_bar_chart_escapes_labels_and_skips_missing_values() -> None:
    svg = bar_chart(["<甲>", "乙"], [0.5, None], limit=HLine(0.45, "限值"))
    assert "&lt;甲&gt;" in svg
    assert svg.count("<rect") == 1


def test_nice_ticks_are_round_numbers() -> None:
    # Span 1 over 5 ticks: raw step 0.2 -> 0.1 x 2; span 6: raw 1.2 -> 1 x 2 = 2, starting at floor(94/2)*2.
    assert _nice_ticks(0, 1) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert _nice_ticks(94, 100) == [94, 96, 98, 100, 102]
