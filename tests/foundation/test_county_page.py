"""The county page at `/`: the login form for visitors, the townships and schools once signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from eduplan.facts import Facts
from eduplan.store import MODELS
from eduplan.web.schools.overview import county_overview

if TYPE_CHECKING:
    from playwright.sync_api import Page

from tests.conftest import ALICE, login


def test_overview_sums_grades_and_keeps_missing_as_null(tiny_facts: Facts) -> None:
    overview = county_overview(tiny_facts)
    assert (overview.year, overview.years) == (2024, [2024, 2023])
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
    # 2023: 第一小学 had 50 pupils a grade (6 x 50 = 300), one fewer than in 2024.
    earlier = client.get("/?year=2023").content.decode()
    assert '<option value="2023" selected>' in earlier and 'data-sort="300"' in earlier


def demo_server_largest(facts: Facts) -> float:
    """The largest latest-year enrollment of a demo school, as the page computes it."""
    return float(county_overview(facts).schools["enrollment"].max())  # type: ignore[arg-type]


@pytest.mark.browser
def test_alice_logs_in_and_finds_a_school(demo_server: str, demo_facts: Facts, page: Page) -> None:
    login(page, demo_server, ALICE)
    rows = page.locator("#schools tbody tr")
    assert rows.count() == demo_facts.schools.height >= 100
    assert page.locator("h1").inner_text() == "示例县（990101）学校与统计"
    name = demo_facts.schools["name"][0]
    # Sorting by 在校生 (column 7) twice puts the largest school first.
    header = page.locator("#schools thead th").nth(6)
    header.click()
    header.click()
    first = page.locator("#schools tbody tr").first.locator("td").nth(6).get_attribute("data-sort")
    assert float(first or -1) == demo_server_largest(demo_facts)
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
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.db
def test_the_login_form_at_the_root_signs_in(tiny_db: Facts, alice: object) -> None:
    client = Client()
    response = client.post("/", {"username": ALICE.username, "password": ALICE.password, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "石桥乡中心小学" in client.get("/").content.decode()
    wrong = Client().post("/", {"username": ALICE.username, "password": "wrong"})
    assert wrong.status_code == 200 and "用户名或密码不正确" in wrong.content.decode()


@pytest.mark.db
def test_a_school_page_shows_its_years(tiny_db: Facts, alice: object) -> None:
    client = Client()
    assert client.get("/school/1399010003/").status_code == 302  # signed out: to the login page
    client.login(username=ALICE.username, password=ALICE.password)
    page = client.get("/school/1399010003/").content.decode()
    # 石桥乡中心小学: 6 grades of 20 pupils in 2023 = 120, of 19 in 2024 = 114; 8 teachers -> 14.2 / 14.3.
    assert "2023-2024" in page and 'data-sort="120"' in page and 'data-sort="114"' in page
    assert "<svg" in page and "乡村" in page
    assert client.get("/school/1399019999/").status_code == 404
