"""The web bench's JSON: one object per page kind, ours beside the baselines', with the ratios."""

from __future__ import annotations

from eduplan.bench import web


def _server(ms: float, cpu: float) -> dict[str, object]:
    return {
        "pages": {
            name: {"requests": 10, "errors": 0, "median_ms": ms / 2, "p95_ms": ms, "server_cpu_ms": cpu}
            for name in web.PAGES
        },
        "requests_per_second": 1000 / ms,
        "server_cpu_ms_per_request": cpu,
    }


def test_one_object_per_page_kind_with_the_baselines_beside_it() -> None:
    figures = {"users": 20, "servers": {web.STORED: _server(100.0, 2.0), web.RECOMPUTE: _server(450.0, 90.0)}}
    rows = web.page_rows(figures)
    assert [r["page"] for r in rows] == list(web.PAGES)
    first = rows[0]
    assert (first["p50_ms"], first["p95_ms"], first["users"], first["errors"]) == (50.0, 100.0, 20, 0)
    assert first["recompute"]["p95_ms"] == 450.0 and first["recompute"]["users"] == 20
    assert (first["recompute_p50_ratio"], first["recompute_p95_ratio"]) == (4.5, 4.5)  # 225/50, 450/100
    assert first["server"][web.RECOMPUTE]["server_cpu_ms_per_request"] == 90.0
    assert first["server"][web.STORED]["requests_per_second"] == 10.0
    assert "dev" not in first and web.UNCACHED not in first  # those servers were not run


def test_the_tour_has_the_county_and_the_city() -> None:
    assert len(web.COUNTY_PAGES) == 20 and len(web.CITY_PAGES) == 10
    assert "/region/9901/" in web.CITY_PAGES.values() and "/plans/rollup/9901/" in web.CITY_PAGES.values()
