"""Every URL pattern × every persona: nobody outside 990101 reads or changes anything of it.

Two counties: 990101 (甲县, alice plans there) and 990102 (乙县, bob's). The URL patterns are found by walking
Django's resolver, so a page a new app adds is covered without touching this file; each pattern is filled with
990101's objects (its county, township and school codes, the primary keys of its plans, targets, documents …)
and requested with query parameters naming 990101 (`?unit=`, `?county=`, `?plan=`, downloads with `?format=`).
Then for every persona:

- no request answers 500;
- a persona who may not read 990101 gets 403/404 (or a redirect) or a page with nothing of 990101 in it
  (markers: 甲县's names and codes, also inside Excel downloads);
- a persona who may not change 990101 leaves the database as it was after every POST (forms, document review
  actions, approval steps, admin deletes).

Alice, the planner of 990101, must reach the pages with 990101's objects (the control that the fills are real).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch

from eduplan.facts import Facts
from eduplan.web.access import is_public
from tests.conftest import (
    ALICE,
    AUDITOR,
    BOB,
    CAROL,
    ERIN,
    SECADMIN,
    SYSADMIN,
    Persona,
    make_tiny_facts,
    make_user,
)

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("no_api_rate")]

ALICE_COUNTY, BOB_COUNTY = "990101", "990102"
# Text that appears only in pages showing 990101's data (the method pages quote "990101" itself in examples).
# Townships are renumbered 1xx so that the forms' placeholder examples (990101001) are not taken for data.
# 990101000001 is a teacher of 甲县 (the demo roster's anonymous ids: county code and a number).
MARKERS = ("甲县", "甲城镇", "甲桥乡", "1399010001", "1399010002", "1399010003", "990101101", "990101102",
           "990101000001")  # fmt: skip
DAVE_OUTSIDE = Persona("dave", "dave-fills-2026", "school_filler", "1399020001", "乙县第一小学填报员")
SUPERVISOR_BOB = Persona("frank", "frank-checks-2026", "county_supervisor", BOB_COUNTY, "乙县督导室")
# Who may read 990101, and who may change it.
READERS = {"alice", "carol", "erin"}
WRITERS = {"alice"}
# Tables whose rows change on any request (sessions, the trail, lockout records) or by design of a reader's
# step (a city's acceptance of approved data).
# Stored results (results.*) are computed when a page reads them (and move the page cache's generation); an
# approval moves a data version.
VOLATILE = {"sessions.session", "accounts.auditevent", "axes.accessattempt", "axes.accesslog",
            "axes.accessfailurelog", "admin.logentry", "results.resultstate", "results.indicatorvalue",
            "results.storedresult", "pagecache.generation"}  # fmt: skip
APPROVAL_TABLES = {"accounts.approval", "accounts.approvalstep", "store.dataversion"}
# Pages that legitimately name units to their administrator: the trail, role grants.
ADMIN_PAGES = {"auditor": ("accounts:audit", "admin:accounts_auditevent"),
               "secadmin": ("admin:accounts_grant", "admin:auth_user")}  # fmt: skip


def _county_facts() -> Facts:
    """甲县 990101 and 乙县 990102: the tiny county twice (with its teacher roster), names and codes changed."""
    from eduplan.demo.teachers import with_teachers

    tiny = with_teachers(make_tiny_facts())
    parts = []
    for code, prefix, tag in ((ALICE_COUNTY, "13990100", "甲"), (BOB_COUNTY, "13990200", "乙")):
        frames = {}
        for name, frame in tiny.frames().items():
            exprs = []
            for column, dtype in frame.schema.items():
                if dtype == pl.String:
                    exprs.append(
                        pl.col(column)
                        .str.replace(r"^990101", code)
                        .str.replace(r"^(99010[12])00([0-9])$", "${1}10${2}")
                        .str.replace(r"^13990100", prefix)
                        .str.replace("示例县", f"{tag}县")
                        .str.replace("城关镇", f"{tag}城镇")
                        .str.replace("石桥乡", f"{tag}桥乡")
                    )
            frames[name] = frame.with_columns(exprs) if exprs else frame
        parts.append(frames)
    combined = {n: pl.concat([p[n] for p in parts]).unique(maintain_order=True) for n in parts[0]}
    return Facts(**combined)


PLAN = {"plan": {"name": "{tag}县规划", "period": [2021, 2025], "status": "adopted"},
        "targets": [{"indicator": "大班额比例", "comparator": "le", "value": 5, "target_year": 2025,
                     "milestones": {2023: 8}, "manual_values": {2023: 9}}],
        "projects": [{"name": "{tag}县新建小学", "kind": "new", "planned_year": 2024}]}  # fmt: skip
DOCUMENT = "{tag}县教育事业发展规划\n二、主要目标\n到2025年，学前三年毛入园率达到96%以上。\n"


def _county_objects(code: str, tag: str, user: Any) -> None:
    import copy

    from eduplan.text.statements import extract
    from eduplan.web.documents import review
    from eduplan.web.documents.models import Document
    from eduplan.web.plans.plan_io import save_plan
    from eduplan.web.standards.models import EnteredItem

    data = copy.deepcopy(PLAN)
    data["plan"]["name"] = f"{tag}县规划"
    data["projects"][0]["name"] = f"{tag}县新建小学"
    save_plan(data, code, f"{tag}县")
    raw = DOCUMENT.format(tag=tag)
    doc = Document.objects.create(name=f"{tag}县规划.txt", raw=raw, region_code=code, region_name=f"{tag}县",
                                  uploaded_by=user, extraction=review.snapshot(extract(raw, "x.txt")))  # fmt: skip
    ex = review.stored(doc)
    review.accept(doc, ex, next(i for i, s in enumerate(ex.statements) if s.kind == "commitment"))
    EnteredItem.objects.create(unit=code, year=2024, kind="balanced", item="curriculum", passed=True,
                               evidence=f"{tag}县课程表", entered_by=user)  # fmt: skip


@dataclass
class World:
    ints: dict[str, list[int]]  # model label → alice's primary keys
    codes: list[str]  # alice's county, township and school codes
    plan: int
    theirs: set[int]  # primary keys of objects bob may read (of any model): never taken as alice's


@pytest.fixture
def world(db: None) -> World:
    from django.apps import apps

    from eduplan.store import save_facts
    from eduplan.web import access
    from eduplan.web.accounts.models import Approval

    save_facts(_county_facts())
    bob, alice = make_user(BOB), make_user(ALICE)
    _county_objects(BOB_COUNTY, "乙", bob)  # first, so that 990101's primary keys are the larger ones
    _county_objects(ALICE_COUNTY, "甲", alice)
    Approval.objects.create(unit=ALICE_COUNTY, year=2023, state="approved", changed_by="alice")
    ints: dict[str, list[int]] = {}
    theirs: set[int] = set()
    for model in apps.get_models():
        if access.unit_lookup(model) is not None:
            rows = model._default_manager.order_by("pk")
            ints[model._meta.label_lower] = list(access.visible(alice, rows).values_list("pk", flat=True)[:2])
            theirs.update(access.visible(bob, rows).values_list("pk", flat=True))
    from eduplan.web.plans.models import Plan

    plan = Plan.objects.get(region_code=ALICE_COUNTY, name="甲县规划").pk
    return World(ints, [ALICE_COUNTY, "990101101", "1399010001"], plan, theirs)


# ---------------------------------------------------------------------------------------------- URLs


@dataclass(frozen=True)
class Pattern:
    name: str  # namespace:name, for reverse()
    kwargs: tuple[str, ...]
    converters: dict[str, str]


def patterns() -> list[Pattern]:
    """Every named URL pattern of the site, found by walking the resolver."""
    found: list[Pattern] = []

    def walk(entries: list[Any], namespace: str) -> None:
        for entry in entries:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                regex = entry.pattern.regex
                converters = {
                    k: type(v).__name__ for k, v in getattr(entry.pattern, "converters", {}).items()
                }
                found.append(Pattern(namespace + entry.name, tuple(regex.groupindex), converters))

    walk(get_resolver().url_patterns, "")
    return found


def _admin_model(name: str) -> str | None:
    """`admin:plans_plan_change` → 'plans.plan'."""
    match = re.match(r"admin:([a-z]+)_([a-z0-9]+)_(change|delete|history|changelist)$", name)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def fills(pattern: Pattern, world: World, strict: bool = False) -> Iterator[str]:
    """URLs of the pattern with 990101's objects in its parts (`strict`: only what names 990101 alone)."""
    if not pattern.kwargs:
        yield reverse(pattern.name)
        return
    model = _admin_model(pattern.name)
    every_int = sorted(
        {pk for pks in world.ints.values() for pk in pks} - (world.theirs if strict else set())
    )
    options: dict[str, list[Any]] = {}
    for kwarg in pattern.kwargs:
        if kwarg == "object_id" and model is not None:
            options[kwarg] = [str(pk) for pk in world.ints.get(model, [])] or ["1"]
        elif kwarg == "app_label":
            options[kwarg] = ["schools", "plans", "documents", "accounts"]
        elif kwarg == "kind":
            options[kwarg] = ["balanced", "preschool"]
        elif kwarg == "index":
            options[kwarg] = [0]
        elif pattern.converters.get(kwarg) == "IntConverter" or kwarg.endswith("pk"):
            options[kwarg] = every_int
        else:  # a code, an id as text or anything else a new app names
            loose = [str(pk) for pk in every_int[:3]] + ["large_class_share"]  # ids as text, an indicator
            options[kwarg] = world.codes + [f"{ALICE_COUNTY}-城关片区"] + loose * (not strict)
    combos: list[dict[str, Any]] = [{}]
    for kwarg, values in options.items():
        combos = [{**c, kwarg: v} for c in combos for v in values]
    for combo in combos:
        try:
            yield reverse(pattern.name, kwargs=combo)
        except NoReverseMatch:
            continue


def queries(world: World) -> list[dict[str, str]]:
    return [
        {},
        {"unit": ALICE_COUNTY, "county": ALICE_COUNTY, "year": "2024", "plan": str(world.plan)},
        {"unit": "1399010001", "format": "csv", "year": "2024"},
        {"unit": "990101101", "format": "xlsx"},
    ]


def post_data(world: World) -> list[dict[str, Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    common = {"unit": ALICE_COUNTY, "county": ALICE_COUNTY, "region_code": ALICE_COUNTY, "region_name": "甲县",
              "year": "2024", "item": "curriculum", "passed": "yes", "evidence": "x", "reason": "重新核对",
              "name": "改名", "period_start": "2021", "period_end": "2025", "status": "adopted", "number": "1",
              "indicator_text": "改", "value": "1", "target_year": "2025", "comparator": "ge", "scope": "region",
              "direction": "higher", "plan": str(world.plan), "post": "yes"}  # fmt: skip
    upload = SimpleUploadedFile(
        "甲县新规划.txt", DOCUMENT.format(tag="甲").encode(), content_type="text/plain"
    )
    return [
        {**common, "action": "accept", "file": upload},
        {**common, "action": "reject"},
        {**common, "action": "delete_selected"},  # the admin's bulk delete; _posts adds the model's rows
        {**common, "action": "approve", "unit": "1399010001"},
        {**common, "action": "reopen"},
    ]


# ---------------------------------------------------------------------------------------------- checks


def _text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an Excel or Word download: the text of its XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [
                archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml")
            ]
        return " ".join(parts)
    return content.decode("utf-8", "replace")


def _snapshot(skip: set[str]) -> str:
    from django.apps import apps

    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if model._meta.label_lower in skip:
            continue
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _client(persona: Persona | None) -> Client:
    client = Client()
    if persona is not None:
        client.force_login(make_user(persona))
    return client


def _exempt(persona: Persona | None, name: str, url: str) -> bool:
    """Pages that show 990101 by design: the public progress pages (to everyone), the trail and the role
    grants (to their administrator)."""
    if is_public(resolve(url).func):
        return True
    return persona is not None and name.startswith(ADMIN_PAGES.get(persona.username, ("-",)))


OUTSIDERS = [BOB, SUPERVISOR_BOB, DAVE_OUTSIDE, SYSADMIN, SECADMIN, AUDITOR, None]
# Everyone's reads are checked on every pattern; writes are tried by bob, a reader above 990101 and the public.
WRITE_TRIERS = {"bob", "carol", "public"}
# Bob and the public get every fill of every pattern with every query; the others one fill per pattern (the
# pattern's first object) with one query naming 990101, which keeps the suite's time in bounds.
THOROUGH = {"bob", "public"}


def _gets(
    client: Client, pattern: Pattern, world: World, persona: Persona | None
) -> tuple[list[str], list[str]]:
    errors, leaks = [], []
    name = persona.username if persona is not None else "public"
    reads = name in READERS
    urls = list(fills(pattern, world))[: None if name in THOROUGH else 1]
    for url in urls:
        # A list page is asked with 990101 in its query (the admin's lists with a search); a page of an
        # object is the object.
        asked = [{}] if pattern.kwargs else queries(world)[: None if name in THOROUGH else 2][-1:]
        if pattern.name.startswith("admin:") and not pattern.kwargs:
            asked = [{}, {"q": "甲县"}] if pattern.name.endswith("_changelist") else [{}]
        for query in asked:
            response = client.get(url, query)
            if response.status_code >= 500:
                errors.append(f"GET {url} {query}: {response.status_code}")
            elif response.status_code == 200 and not reads and not _exempt(persona, pattern.name, url):
                echoed = set(query.values())  # a search box or a form's initial value repeats the query
                found = [m for m in MARKERS if m in _text(response) and m not in echoed]
                if found:
                    leaks.append(f"GET {url} {query}: shows {found}")
    return errors, leaks


def _posts(client: Client, pattern: Pattern, world: World) -> tuple[list[str], bool]:
    """Errors, and whether any POST was answered as if it had done something (a page or a redirect other
    than to the login form): only then can the database have changed."""
    errors: list[str] = []
    acted = False
    variants = post_data(world)
    if pattern.name.startswith("admin:") and not re.search(r"_(add|change|delete|changelist)$", pattern.name):
        return errors, acted  # the admin's index, history and other pages take no writes
    if pattern.name.startswith("admin:"):  # the admin's writes: change forms, deletes, bulk deletes
        selected = [str(pk) for pk in world.ints.get(_admin_model(pattern.name) or "", [])]
        variants = [{**variants[2], "_selected_action": selected}]
    for url in fills(pattern, world):
        for data in variants:
            response = client.post(url, data)
            if response.status_code >= 500:
                errors.append(f"POST {url} {data['action']}: {response.status_code}")
            to_login = response.status_code == 302 and "login" in response.get("Location", "")
            acted = acted or (response.status_code < 400 and not to_login)
    return errors, acted


@pytest.mark.parametrize("persona", [*OUTSIDERS, CAROL, ERIN], ids=lambda p: p.username if p else "public")
def test_persona_sees_and_changes_nothing_of_990101_it_should_not(
    world: World, persona: Persona | None
) -> None:
    name = persona.username if persona is not None else "public"
    client = _client(persona)
    skip = VOLATILE | (APPROVAL_TABLES if name in READERS else set())
    errors, leaks, writes = [], [], []
    before = _snapshot(skip)
    for pattern in patterns():
        found_errors, found_leaks = _gets(client, pattern, world, persona)
        errors += found_errors
        leaks += found_leaks
        admin_by_reader = name in READERS and pattern.name.startswith(
            "admin:"
        )  # refused by the admin site's rule
        if name in WRITE_TRIERS and "logout" not in pattern.name and not admin_by_reader:
            post_errors, acted = _posts(client, pattern, world)
            errors += post_errors
            after = _snapshot(skip) if acted else before
            if after != before:
                writes.append(f"POST {pattern.name}: changed the database")
                before = after
    assert not errors, "\n".join(errors[:20])
    assert not leaks, "\n".join(leaks[:20])
    assert not writes, "\n".join(writes[:20])


def test_alice_reaches_the_pages_of_her_county(world: World) -> None:
    """The control: with 990101's objects in the URLs, alice gets pages, so the fills above name real things."""
    client = _client(ALICE)
    reached, missed = set(), []
    for pattern in patterns():
        if pattern.name.startswith("admin:") and not _admin_model(pattern.name):
            continue
        statuses = [client.get(url).status_code for url in fills(pattern, world)]
        if 200 in statuses:
            reached.add(pattern.name)
        elif pattern.kwargs and not any(s in (302, 405) for s in statuses):
            missed.append(f"{pattern.name}: {statuses[:6]}")
    must = {"schools:school", "plans:target", "plans:target_edit", "plans:plan_edit", "plans:target_new",
            "documents:detail", "forecast:zone_path", "indicators:indicator", "admin:plans_plan_change",
            "admin:schools_school_change", "admin:documents_document_change", "region:index", "staffing:county",
            "staffing:school", "staffing:plan", "staffing:plan_xlsx", "staffing:shortage_xlsx"}  # fmt: skip
    assert must <= reached, f"not reached: {sorted(must - reached)}; misses: {missed[:10]}"


def test_the_teacher_marker_is_real(world: World) -> None:
    """The control for the roster's marker: alice sees 甲县's teacher on the school's page and in the plan's list."""
    client = _client(ALICE)
    page = client.get(reverse("staffing:school", kwargs={"code": "1399010001"}), {"year": "2024"})
    assert "990101000001" in _text(page)
    # The tiny county has no 骨干 teacher who may move: without that rule the plan is solved and lists people.
    query = {"unit": ALICE_COUNTY, "year": "2024", "backbone_share": "0"}
    plan = _text(client.get(reverse("staffing:plan"), query))
    assert "已求得最优方案" in plan and 'id="moves"' in plan and re.search(r"\b990101\d{6}\b", plan)


def test_bob_gets_404_for_every_url_naming_a_990101_object(world: World) -> None:
    """The fixed point: with county990102's rights, a URL that names 990101 or one of its schools, townships,
    plans or documents answers 403 or 404 (the admin answers its own redirect to the index)."""
    client = _client(BOB)
    allowed = {403, 404, 405}  # 405: a POST-only URL, refused before anything is read
    wrong = []
    for pattern in patterns():
        if not pattern.kwargs or pattern.name.startswith("admin:"):
            continue
        if set(pattern.kwargs) <= {"kind"} or pattern.name.startswith("public:"):
            continue  # /standards/<kind>/ names no unit (bob sees his own county); public pages are for all
        for url in fills(pattern, world, strict=True):
            status = client.get(url).status_code
            if status not in allowed:
                wrong.append(f"{url}: {status}")
    assert not wrong, "\n".join(wrong[:20])


def test_the_region_page_is_for_readers_of_the_whole_city(world: World) -> None:
    """`/region/9901/` (issue 19) shows both counties to the city and province supervisors; a county's planner,
    a school's filler and the administrators get 404 (the city's existence is not disclosed); the public the
    login form."""
    for persona in (CAROL, ERIN):
        response = _client(persona).get("/region/9901/", {"year": "2024"})
        assert response.status_code == 200
        assert "甲县" in _text(response) and "乙县" in _text(response)
    assert _client(ERIN).get("/region/99/").status_code == 200
    for persona in (ALICE, BOB, DAVE_OUTSIDE, SYSADMIN, SECADMIN, AUDITOR):
        for url in ("/region/9901/", "/region/9901/?format=xlsx", "/region/99/"):
            assert _client(persona).get(url).status_code == 404, (persona.username, url)
    assert _client(None).get("/region/9901/").status_code == 302


def test_the_citys_targets_are_changed_only_by_its_planning_office(world: World) -> None:
    """`/region/9901/targets/` (issue 19, 目标分解): the city and province supervisors read the list without edit
    forms and are refused every change; the county planners (alice, bob) see neither the list nor its forms;
    the city's planning office edits."""
    from eduplan.web.region.models import Assignment

    planner = Persona("grace", "grace-plans-2026", "city_planner", "9901", "示例市教育局规划科")
    form = {"text": "新增学位", "measure": "学位", "kind": "count", "total": "2", "target_year": "2025",
            f"target_{ALICE_COUNTY}": "1", f"target_{BOB_COUNTY}": "1"}  # fmt: skip
    assert _client(planner).post("/region/9901/targets/new/", form).status_code == 302
    pk = Assignment.objects.get().pk
    edits = ["/region/9901/targets/new/", f"/region/9901/targets/{pk}/", f"/region/9901/targets/{pk}/delete/"]
    for persona, read in ((CAROL, 200), (ERIN, 200), (ALICE, 404), (BOB, 404), (SUPERVISOR_BOB, 404)):
        client = _client(persona)
        listing = client.get("/region/9901/targets/")
        assert listing.status_code == read, persona.username
        assert "新增目标分解" not in _text(listing) and "删除" not in _text(listing)
        for url in edits:
            assert client.get(url).status_code in (403, 404), (persona.username, url)
            assert client.post(url, {**form, "text": "改"}).status_code in (403, 404), (persona.username, url)
        assert client.post("/region/9901/targets/", {}).status_code in (403, 404)
    assert list(Assignment.objects.values_list("text", flat=True)) == ["新增学位"]
    assert "新增目标分解" in _text(_client(planner).get("/region/9901/targets/"))
