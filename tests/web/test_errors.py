"""The 500 page: Chinese, with the site's navigation, and a plain fallback when even that cannot render."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.db


def test_server_error_page_is_chinese_with_navigation(rf: Any, alice: Any) -> None:
    from eduplan.web.errors import server_error

    request = rf.get("/standards/")
    request.user = alice
    response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in html and 'href="/standards/"' in html and "Traceback" not in html


def test_server_error_page_falls_back_to_plain_html(rf: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.template import loader

    from eduplan.web import errors

    def broken(*_: object, **__: object) -> str:
        raise RuntimeError("database is down")

    monkeypatch.setattr(loader, "render_to_string", broken)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500 and "系统出错了" in response.content.decode()


def test_not_found_shows_a_chinese_reason_only(client: Any, alice: Any) -> None:
    client.force_login(alice)
    page = client.get("/standards/nonsense/")
    assert page.status_code == 404 and "没有这项评估" in page.content.decode()
    assert "nonsense" not in page.content.decode().split("<main>")[1]
