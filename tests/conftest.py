"""Fixtures shared by every area: facts (tiny and demo), a database holding them, personas, a real browser.

- `tiny_facts`: a hand-made county (2 townships, 3 schools, 2 years) whose numbers tests can work out by hand.
- `demo_facts`: the demo county from `eduplan.demo.generate_county()` (generated once per test process).
- `demo_db` / `tiny_db`: the test database with those facts saved (rolled back after each test).
- Personas with passwords, each holding one role on one unit: `alice` (county planner of 990101), `bob` (county
  planner of 990102: sees nothing of 990101), `carol` (city supervisor of 9901: reads, never edits), and in
  PERSONAS also a school filler, a province supervisor and the three administrators; `login(page, base_url,
  persona)` signs a Playwright page in (`from tests.conftest import ALICE, BOB, login`).
- `browser` / `page`: Debian's headless Chromium via Playwright; `demo_server` is pytest-django's live server
  URL with the demo county and the personas loaded; `alice_page` is a page signed in there as alice.
  Tests marked `browser` all run on one xdist worker (one Chromium at a time on two cores).

Saving the demo county takes about 0.2 s, so `demo_db` is function-scoped and rolled back like any `db` test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
import pytest
from hypothesis import settings

from eduplan.facts import TABLES, Facts

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault(
    "EDUPLAN_RESULTS_REFRESH", "inline"
)  # pages wait for fresh results (no threads in tests)

# No per-example deadline: tests are never timed, and a shared 2-core machine makes any deadline flaky.
settings.register_profile("eduplan", deadline=None)
settings.load_profile("eduplan")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The longest tests (each a minute or more of one worker on a busy 2-core machine: `make test` passes
# --durations=25 to show them). They go to the workers first, so that neither worker ends the run alone with one
# of them; an entry that matches nothing only loses that ordering.
LONGEST_FIRST = (
    "tests/foundation/test_commands.py::test_demo_builds_a_fresh_database",
    "tests/web/test_personas.py::test_persona_sees_and_changes_nothing_of_990101_it_should_not",
    "tests/api/test_fuzz.py::",
    "tests/linkage/test_spark.py::",
    "tests/web/test_commands_access.py::test_user_commands",
    "tests/web/test_personas.py::test_alice_reaches_the_pages_of_her_county",
    "tests/linkage/test_import.py::test_both_registers_import_and_reimport_changes_nothing",
)


def _longest_first(item: pytest.Item) -> int:
    found = (i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix))
    return next(found, len(LONGEST_FIRST))


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """Send every browser test to one xdist worker (with --dist loadgroup): one Chromium, not two. Then, after
    every other plugin's ordering (pytest-django puts database tests first), the longest tests first: xdist's
    load scheduling hands tests out in this order (the browser group, its largest unit, goes first anyway)."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))
    yield
    items.sort(key=_longest_first)  # stable: the rest keep their order


@pytest.fixture(autouse=True, scope="session")
def _allow_flush() -> None:
    """Transactional tests empty the database with `flush`, which the audit trail's triggers refuse outside
    the tests (see accounts/management/commands/flush.py)."""
    from django.conf import settings

    settings.EDUPLAN_ALLOW_FLUSH = True


@pytest.fixture
def no_api_rate(settings: Any) -> None:
    """For the persona walks and the fuzzer, which call hundreds of API URLs a minute in one session: the API's
    rate limit (tested in tests/api) would answer 429 and hide what they test."""
    settings.EDUPLAN_API_RATE = 1_000_000


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """MD5 for test users: the default PBKDF2 costs about half a second per login on a busy 2-core machine."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


# ---------------------------------------------------------------------------------------------- facts


def _frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame with every column of `table`; columns a row leaves out are null."""
    return TABLES[table].frame(rows)


def make_tiny_facts() -> Facts:
    """示例县 with 2 townships, 3 schools and school years 2023-2024, small enough to check by hand."""
    units = [
        {"code": "99", "name": "示例省", "level": "province"},
        {"code": "9901", "name": "示例市", "level": "city", "parent": "99"},
        {"code": "990101", "name": "示例县", "level": "county", "parent": "9901"},
        {"code": "990101001", "name": "城关镇", "level": "township", "parent": "990101"},
        {"code": "990101002", "name": "石桥乡", "level": "township", "parent": "990101"},
    ]
    school = {"ownership": "public", "boarding": False}
    schools = [
        {**school, "code": "1399010001", "name": "示例县第一小学", "township": "990101001",
         "school_type": "primary", "locale": "urban", "urban_rural_code": "111", "declared_capacity": 900},
        {**school, "code": "1399010002", "name": "示例县城关中学", "township": "990101001",
         "school_type": "junior", "locale": "urban", "urban_rural_code": "111", "declared_capacity": 1200},
        {**school, "code": "1399010003", "name": "石桥乡中心小学", "township": "990101002",
         "school_type": "primary", "locale": "rural", "urban_rural_code": "220", "boarding": True},
    ]  # fmt: skip
    school_year, grade_year, stage_year = [], [], []
    for year in (2023, 2024):
        grow = year - 2023  # the town school gains one pupil per grade a year; the rural one loses one
        # Per grade: pupils, classes and classes of 56-65 (the junior school's 120 in 2 classes are 60 each).
        for code, stage, grades, pupils, classes, large, teachers in (
            ("1399010001", "primary", 6, 50 + grow, 1, 0, 14),
            ("1399010002", "junior", 3, 120, 2, 2, 30),
            ("1399010003", "primary", 6, 20 - grow, 1, 0, 8),
        ):
            school_year.append({"school": code, "year": year, "teachers": teachers, "staff": teachers + 2,
                                "teachers_bachelor": teachers - 2, "teachers_college": 2})  # fmt: skip
            stage_year.append({"school": code, "year": year, "stage": stage, "entrants": pupils})
            for grade in range(1, grades + 1):
                grade_year.append({"school": code, "year": year, "stage": stage, "grade": grade,
                                   "enrollment": pupils, "enrollment_female": pupils // 2, "classes": classes,
                                   "classes_56_65": large, "classes_66_plus": 0})  # fmt: skip
    births = [{"township": t, "year": y, "births": b} for t, y, b in
              (("990101001", 2023, 300), ("990101002", 2023, 80), ("990101001", 2024, 280))]  # fmt: skip
    facts = Facts.empty()
    facts.org_units = _frame("org_units", units)
    facts.schools = _frame("schools", schools)
    facts.school_year = _frame("school_year", school_year)
    facts.stage_year = _frame("stage_year", stage_year)
    facts.grade_year = _frame("grade_year", grade_year)
    facts.births = _frame("births", births)
    facts.health_year = _frame("health_year", [{"school": "1399010001", "year": 2024, "health_tested": 300,
                                                "health_passed": 290, "health_good": 150}])  # fmt: skip
    facts.memberships = _frame("memberships", [{"school": "1399010003", "year": 2024, "kind": "group",
                                                "name": "第一小学教育集团"}])  # fmt: skip
    facts.population = _frame(
        "population",
        [{"township": "990101001", "year": 2024, "age": a, "population": 300 - a} for a in range(19)],
    )
    facts.reported = _frame("reported", [{"unit": "990101", "year": 2024, "indicator": "vocational_employment",
                                          "value": 0.95, "source": "县教育局直报"}])  # fmt: skip
    return facts


@pytest.fixture(scope="session")
def tiny_facts() -> Facts:
    return make_tiny_facts()


@pytest.fixture(scope="session")
def demo_facts() -> Facts:
    """The demo county 示例县 (990101): about 110 schools, school years 2016-2025."""
    from eduplan.demo import generate_county

    return generate_county()


@pytest.fixture
def tiny_db(db: None, tiny_facts: Facts) -> Facts:
    from eduplan.store import save_facts

    save_facts(tiny_facts)
    return tiny_facts


@pytest.fixture
def demo_db(db: None, demo_facts: Facts) -> Facts:
    from eduplan.store import save_facts

    save_facts(demo_facts)
    return demo_facts


# ---------------------------------------------------------------------------------------------- personas


@dataclass(frozen=True)
class Persona:
    username: str
    password: str
    role: str  # a code of eduplan.web.accounts.roles.ROLES
    unit: str  # the org unit (or school) the role is held on; "" for administrators
    description: str


ALICE = Persona("alice", "alice-plans-2026", "county_planner", "990101", "示例县教育局规划科：本县数据与规划")
BOB = Persona("bob", "bob-plans-2026", "county_planner", "990102", "990102 县教育局规划科：只管本县")
CAROL = Persona("carol", "carol-checks-2026", "city_supervisor", "9901", "示例市督导：读全市，确认各县数据")
DAVE = Persona("dave", "dave-fills-2026", "school_filler", "1399010001", "示例县第一小学填报员：只管本校")
ERIN = Persona("erin", "erin-reviews-2026", "province_supervisor", "99", "示例省督导：读全省")
SYSADMIN = Persona("sysadmin", "sys-accounts-2026", "system_admin", "", "系统管理员：账号，不看数据")
SECADMIN = Persona("secadmin", "sec-grants-2026", "security_admin", "", "安全管理员：授权与解锁，不看数据")
AUDITOR = Persona("auditor", "audit-reads-2026", "audit_admin", "", "审计管理员：只看审计日志")
PERSONAS = (ALICE, BOB, CAROL, DAVE, ERIN, SYSADMIN, SECADMIN, AUDITOR)


def make_user(persona: Persona) -> User:
    """Create (or return) the persona's user holding its role on its unit."""
    from django.contrib.auth.models import User

    from eduplan.web.accounts.models import Grant

    user = User.objects.filter(username=persona.username).first()
    if user is None:
        user = User.objects.create_user(persona.username, password=persona.password)
        Grant.objects.create(user=user, role=persona.role, unit=persona.unit)
    return user


@pytest.fixture
def alice(db: None) -> User:
    return make_user(ALICE)


@pytest.fixture
def bob(db: None) -> User:
    return make_user(BOB)


@pytest.fixture
def carol(db: None) -> User:
    return make_user(CAROL)


def login(page: Page, base_url: str, persona: Persona = ALICE) -> None:
    """Sign `page` in through the login form and wait until the site root has loaded."""
    page.goto(f"{base_url}/accounts/login/?next=/")
    page.fill("input[name=username]", persona.username)
    page.fill("input[name=password]", persona.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


# ---------------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: run `make system-deps`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_server(transactional_db: None, live_server: Any, demo_facts: Facts) -> str:
    """The live server's base URL, its database holding the demo county, alice and bob."""
    from eduplan.store import save_facts

    save_facts(demo_facts)
    make_user(ALICE)
    make_user(BOB)
    return str(live_server.url)


@pytest.fixture
def alice_page(demo_server: str, page: Page) -> Page:
    """A page signed in as alice on the demo server, at `/`; `page.url` gives the base URL's origin."""
    login(page, demo_server, ALICE)
    return page
