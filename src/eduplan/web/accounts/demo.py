"""The demo's accounts, approval states and its mark: `eduplan demo` rebuilds only a database it built itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.commands.flush import Command as Flush
from django.db import connection
from django.utils import timezone

from eduplan.errors import ConfigError
from eduplan.web.accounts import triggers
from eduplan.web.accounts.models import Approval, ApprovalStep, Grant, Setting
from eduplan.web.accounts.passwords import DEMO_PASSWORD
from eduplan.web.schools.models import OrgUnit, School

DEMO_MARK = "demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str
    description: str


def is_demo_database() -> bool:
    return Setting.objects.filter(key=DEMO_MARK).exists()


def check_resettable() -> None:
    """Refuse to rebuild a database that holds data and was not built by `eduplan demo`."""
    users, units = User.objects.count(), OrgUnit.objects.count()
    if (users or units) and not is_demo_database():
        db = settings.DATABASES["default"]
        raise ConfigError(
            f"数据库 {db['NAME']} 不是演示数据库（已有 {users} 个账号、{units} 个行政区划），eduplan demo 不会重置它。"
            "请把 EDUPLAN_DATA_DIR 或 DATABASE_URL 指向另一个（空的）数据库再运行演示。",
            english=f"refusing to reset a non-demo database {db['NAME']}",
        )


def wipe() -> None:
    """Empty every table of the demo database (its audit trail too: a demo's trail is the demo's)."""
    triggers.drop(connection)
    try:
        Flush().handle(database="default", interactive=False, verbosity=0, reset_sequences=True,
                       allow_cascade=False, inhibit_post_migrate=False)  # fmt: skip
    finally:
        triggers.create(connection)


def mark() -> None:
    Setting.objects.update_or_create(
        key=DEMO_MARK, defaults={"value": f"eduplan demo {timezone.now():%Y-%m-%d %H:%M}"}
    )


def demo_logins(counties: list[tuple[str, str]]) -> list[DemoLogin]:
    """The personas of the demo: a planner per county, a school filler, the city and province supervisors, and
    the three administrators. `counties`: (code, name)."""
    logins = [
        DemoLogin(f"county{code}", "county_planner", code, f"{name}教育局规划科") for code, name in counties
    ]
    first = counties[0][0]
    school = (
        School.objects.filter(township__code__startswith=first, school_type="primary")
        .order_by("code")
        .first()
    )
    if school is not None:
        logins.append(DemoLogin(f"school{first}", "school_filler", school.code, f"{school.name}数据填报员"))
    logins += [
        DemoLogin("supervisor" + first, "county_supervisor", first, f"{counties[0][1]}教育局督导室"),
        DemoLogin("city9901", "city_supervisor", "9901", "示例市教育局督导：全市各县，确认各县数据"),
        DemoLogin("planner9901", "city_planner", "9901", "示例市教育局规划科：编辑全市目标分解"),
        DemoLogin("province99", "province_supervisor", "99", "示例省教育厅督导：全省"),
        DemoLogin("sysadmin", "system_admin", "", "系统管理员：账号，不看数据"),
        DemoLogin("secadmin", "security_admin", "", "安全管理员：授权与解锁，不看数据"),
        DemoLogin("auditor", "audit_admin", "", "审计管理员：只看审计日志"),
    ]
    return logins


def create_logins(logins: list[DemoLogin]) -> None:
    # The demo's printed password (refused for real accounts), hashed once: hashing is slow by design.
    hashed = make_password(DEMO_PASSWORD)
    for login in logins:
        user = User.objects.create(username=login.username, password=hashed)
        Grant.objects.create(user=user, role=login.role, unit=login.unit)


def demo_approvals(counties: list[str], last_year: int) -> None:
    """Approval states that show the chain: the fixed-point counties (first two) stay open; the third has
    every year but the last accepted, the fourth its second-last approved, the fifth some schools submitted."""
    steps: list[tuple[str, int, str, str, str]] = []  # unit, year, action, after, by
    for k, county in enumerate(counties[2:5], start=2):
        for year in range(2016, last_year - 1):
            steps += [(county, year, "approve", "approved", f"county{county}"),
                      (county, year, "accept", "accepted", "city9901")]  # fmt: skip
        if k == 3:
            steps.append((county, last_year - 1, "approve", "approved", f"county{county}"))
        if k == 4:
            schools = School.objects.filter(township__code__startswith=county).order_by("code")[:3]
            steps += [(s.code, last_year, "submit", "submitted", f"school:{s.code}") for s in schools]
    state: dict[tuple[str, int], str] = {}
    for unit, year, action, after, by in steps:
        ApprovalStep.objects.create(unit=unit, year=year, action=action, before=state.get((unit, year), "open"),
                                    after=after, by=by)  # fmt: skip
        state[unit, year] = after
    Approval.objects.bulk_create(
        Approval(unit=u, year=y, state=s, changed_by="eduplan demo") for (u, y), s in state.items()
    )
