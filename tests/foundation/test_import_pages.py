"""数据导入 pages: upload, preview (nothing written), 确认导入 (one import, recorded and audited), undo;
only for users who may change data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from eduplan.facts import Facts
from tests.conftest import ALICE, BOB, Persona

pytestmark = pytest.mark.db
KINDERGARTEN = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "fixtures"
    / "official-forms"
    / "jichu-jiceng-2020-kindergarten.xlsx"
)
if not KINDERGARTEN.exists():  # a worktree sits two folders deeper than main
    KINDERGARTEN = Path("/work/shared/fixtures/official-forms/jichu-jiceng-2020-kindergarten.xlsx")


def signed_in(persona: Persona) -> Client:
    client = Client()
    assert client.login(username=persona.username, password=persona.password)
    return client


def upload(client: Client, *paths: Path) -> Any:
    handles = [p.open("rb") for p in paths]
    try:
        return client.post("/imports/preview/", {"files": handles})
    finally:
        for h in handles:
            h.close()


def test_readers_may_not_import(demo_db: Facts, alice: Any, bob: Any) -> None:
    client = signed_in(BOB)
    assert client.get("/imports/").status_code == 403
    assert upload(client, KINDERGARTEN).status_code == 403


def test_preview_writes_nothing_then_confirm_imports_once_and_undo_puts_it_back(
    demo_db: Facts, alice: Any
) -> None:
    from eduplan.store.models import ImportBatch
    from eduplan.web.accounts.models import AuditEvent
    from eduplan.web.schools.models import GradeYear, School

    client = signed_in(ALICE)
    page = upload(client, KINDERGARTEN)
    text = page.content.decode()
    assert page.status_code == 200 and "确认导入" in text
    assert (
        '<td>学校分年级统计</td><td>2020</td><td class="num">3</td><td class="num">0</td><td class="num">0</td>'
        in text
    )
    # The kindergarten reports all three core tables, so 示例县's 2020 stays complete.
    assert "<tr><td>990101</td><td>2020</td><td>数据完整</td></tr>" in text
    assert not School.objects.filter(code="9901019999").exists()
    token = page.context["token"]
    done = client.post("/imports/confirm/", {"token": token}, follow=True)
    batch = ImportBatch.objects.get()
    assert f"第 {batch.pk} 次导入完成：新增 6 行" in done.content.decode()
    assert School.objects.get(code="9901019999").township.code == "990101001"
    assert sorted(
        GradeYear.objects.filter(school__code="9901019999", year=2020).values_list("enrollment", flat=True)
    ) == [70, 87, 148]
    assert (batch.user, batch.via, batch.counties) == ("alice", "web", ["990101"])
    assert batch.files[0]["name"] == KINDERGARTEN.name and len(batch.files[0]["sha256"]) == 64
    [event] = AuditEvent.objects.filter(event="import", unit="990101")
    assert (event.username, event.detail["batch"]) == ("alice", batch.pk)
    assert (
        client.post("/imports/confirm/", {"token": token}, follow=True).status_code == 200
    )  # a second click
    assert ImportBatch.objects.count() == 1
    history = client.get("/imports/").content.decode()
    assert KINDERGARTEN.name in history and batch.files[0]["sha256"][:12] in history
    undone = client.post(f"/imports/{batch.pk}/undo/", follow=True).content.decode()
    assert f"已撤销第 {batch.pk} 次导入" in undone
    assert not School.objects.filter(code="9901019999").exists()
    assert AuditEvent.objects.filter(event="import_undo", unit="990101", username="alice").count() == 1


def test_a_file_with_problems_is_listed_and_cannot_be_confirmed(
    demo_db: Facts, alice: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "出生人口.csv"
    bad.write_text("乡镇代码,年份,出生人数\n990101001,2024,12,5\n", encoding="utf-8")
    page = upload(signed_in(ALICE), bad).content.decode()
    assert "共发现 1 处问题" in page and "确认导入" not in page
