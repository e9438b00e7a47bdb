"""The documents page: upload, highlighted text, statement table, accept into a draft plan, reject."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from eduplan.web.documents.models import Decision, Document
from eduplan.web.plans.models import Plan, Target

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PLAN = (
    "某县教育事业“十四五”发展规划\n一、“十三五”发展成就\n全县学前三年毛入园率达86.8%。\n"
    "二、主要目标\n到2025年，学前三年毛入园率巩固在96%以上，高中阶段职普比达到4:6左右，"
    "全县儿童青少年总体近视率每年降低0.5个百分点。\n新建桥背学校，增加学位1260个。\n"
)


def _upload(client: Client) -> Document:
    f = SimpleUploadedFile("plan.txt", PLAN.encode("gb18030"), content_type="text/plain")
    response = client.post("/documents/", {"file": f, "region_code": "990101", "region_name": "示例县"})
    assert response.status_code == 302
    return Document.objects.get()


@pytest.mark.db
def test_login_required(db: None) -> None:
    response = Client().get("/documents/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.db
def test_upload_shows_highlighted_text_and_table(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    doc = _upload(client)
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    # Five statements: the baseline 86.8%, then 96%, 4:6, -0.5pp and the 1260 places of the project.
    assert page.count('<tr id="row') == 5
    assert '<mark class="statement baseline" id="s0"' in page and ">86.8%</mark>" in page
    assert '<mark class="statement" id="s1"' in page and ">96%以上</mark>" in page
    assert "某县教育事业“十四五”发展规划" in page and "2021—2025 年" in page
    assert '<table id="projects"' in page and "<td>桥背学校</td>" in page
    # The genre the title names, and the cue that made 86.8% a value reached (its 成就 section).
    assert '<dd id="genre">发展规划' in page and "为回顾" in page


@pytest.mark.db
def test_accept_creates_a_draft_plan_target_and_reject_removes_it(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    doc = _upload(client)
    client.post(f"/documents/{doc.pk}/statements/1/", {"action": "accept"})
    plan = Plan.objects.get()
    assert (plan.status, plan.period_start, plan.period_end, plan.region_code) == (
        "draft",
        2021,
        2025,
        "990101",
    )
    target = Target.objects.get()
    assert (target.indicator_text, target.comparator, target.value, target.target_year) == (
        "学前三年毛入园率", "ge", 96.0, 2025,
    )  # fmt: skip
    assert target.quote == "学前三年毛入园率巩固在96%以上"
    client.post(f"/documents/{doc.pk}/statements/1/", {"action": "reject"})
    assert not Target.objects.exists()
    assert Decision.objects.get(index=1).accepted is False


@pytest.mark.db
def test_ratio_and_baseline_cannot_be_accepted(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    doc = _upload(client)
    response = client.post(f"/documents/{doc.pk}/statements/2/", {"action": "accept"}, follow=True)
    assert "比例型表述" in response.content.decode()
    response = client.post(f"/documents/{doc.pk}/statements/0/", {"action": "accept"}, follow=True)
    assert "现状值不是目标" in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.db
def test_bad_upload_is_refused(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    f = SimpleUploadedFile("plan.xls", b"x")
    response = client.post("/documents/", {"file": f, "region_code": "990101"})
    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()
    assert not Document.objects.exists()
