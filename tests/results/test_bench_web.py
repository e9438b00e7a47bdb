"""The web bench's JSON: one object per page kind, ours beside the recomputing baseline's, with the ratio."""

from __future__ import annotations

from eduplan.bench import web


def _server(ms: float) -> dict[str, object]:
    return {
        "pages": {
            name: {"requests": 10, "errors": 0, "median_ms": ms / 2, "p95_ms": ms} for name in web.PAGES
        }
    }


def test_one_object_per_page_kind_with_the_baseline_beside_it() -> None:
    figures = {"users": 20, "servers": {web.STORED: _server(100.0), web.RECOMPUTE: _server(450.0)}}
    rows = web.page_rows(figures)
    assert [r["page"] for r in rows] == list(web.PAGES)
    first = rows[0]
    assert (first["p50_ms"], first["p95_ms"], first["users"], first["errors"]) == (50.0, 100.0, 20, 0)
    assert first["recompute"]["p95_ms"] == 450.0 and first["recompute"]["users"] == 20
    assert first["recompute_p95_ratio"] == 4.5  # 450 / 100
    assert "dev" not in first  # the development server was not run
