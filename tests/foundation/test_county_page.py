"""The county page at `/`: the login form for visitors, the townships and schools once signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from eduplan.facts import Facts
from eduplan.web.schools.models import MODELS
from eduplan.web.schools.overview import county_overview

if TYPE_CHECKING:
    from playwright.sync_api import Page

from conftest import ALICE, login


def test_overview_sums_grades_and_keeps_missing_as_null(tiny_facts: Facts) -> None:
    overview = county_overview(tiny_facts)
    assert overview.year == 2024
    town = overview.townships.row(0, named=True)
    # 城关镇 in 2024: 第一小学 6 grades x 51 = 306 pupils in 6 classes, 城关中学 3 x 120 = 360 in 6 classes;
    # large classes are the middle school's 2 per grade x 3 = 6; teachers 14 + 30 = 44.
    assert (town["enrollment"], town["classes"], town["large_classes"], town["teachers"]) == (666, 12, 6, 44)
    assert town["class_size"] == pytest.approx(666 / 12)
    rural = overview.schools.filter(overview.schools["code"] == "1399010003").row(0, named=True)
    assert (rural["enrollment"], rural["class_size"], rural["type_name"]) == (114, 19.0, "小学")


@pytest.mark.db
def test_root_shows_the_login_form_to_visitors(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.db
def test_root_lists_the_county_schools_for_alice(tiny_db: Facts, alice: object) -> None:
    client = Client()
    assert client.login(username=ALICE.username, password=ALICE.password)
    page = client.get("/").content.decode()
    assert "示例县（990101）" in page and "石桥乡中心小学" in page and "学校（3 所）" in page
    assert 'data-filter="schools"' in page and 'class="sortable"' in page


@pytest.mark.browser
def test_alice_logs_in_and_finds_a_school(demo_server: str, demo_facts: Facts, page: Page) -> None:
    login(page, demo_server, ALICE)
    rows = page.locator("#schools tbody tr")
    assert rows.count() == demo_facts.schools.height
    if demo_facts.schools.height >= 100:  # the demo county, once its generator exists
        assert rows.count() >= 100
    name = demo_facts.schools["name"][0]
    page.fill("input[data-filter=schools]", name)
    assert page.locator("#schools tbody tr:visible").count() >= 1
    assert page.locator("#schools tbody tr:visible").first.inner_text().find(name) >= 0


def test_totals_add_up_the_townships(tiny_facts: Facts) -> None:
    # 666 + 114 pupils, 12 + 6 classes, 6 + 0 large classes, 44 + 8 teachers, 3 schools.
    assert county_overview(tiny_facts).totals() == {
        "schools": 3,
        "enrollment": 780,
        "classes": 18,
        "large_classes": 6,
        "teachers": 52,
    }


@pytest.mark.db
def test_alice_can_open_the_admin_list_of_every_table(tiny_db: Facts, alice: object) -> None:
    client = Client()
    client.login(username=ALICE.username, password=ALICE.password)
    for model in MODELS.values():
        url = f"/admin/schools/{model._meta.model_name}/"
        response = client.get(url)
        assert response.status_code == 200, url
