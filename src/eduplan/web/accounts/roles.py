"""The roles a user can hold on an org unit, and what each may do there. Data, not code paths.

Three county offices (规划, 督导, 人事) have the same rights by design of issue 12: they read everything of their
county, write its plans and data and approve its schools' data; the name records which office a person is in.
The three administrators (三权分立, 等保 2.0) see no data: the system administrator manages accounts, the
security administrator grants roles and lifts lockouts, the audit administrator reads the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    label: str
    level: str | None  # the org unit level the role is bound to; None: not bound to a unit (administrators)
    actions: frozenset[str]


# Actions not bound to a unit: whoever holds them holds them everywhere.
GLOBAL_ACTIONS = frozenset({"users", "roles", "audit"})

ROLES: dict[str, Role] = {
    "school_filler": Role("学校填报员", "school", frozenset({"view", "edit", "submit", "personal"})),
    "county_planner": Role("县教育局规划科", "county", frozenset({"view", "edit", "approve", "personal"})),
    "county_supervisor": Role("县教育局督导室", "county", frozenset({"view", "edit", "approve", "personal"})),
    "county_personnel": Role("县教育局人事科", "county", frozenset({"view", "edit", "approve", "personal"})),
    "city_supervisor": Role("市教育局督导", "city", frozenset({"view", "accept"})),
    "city_planner": Role("市教育局规划科", "city", frozenset({"view", "edit"})),
    "province_supervisor": Role("省教育厅督导", "province", frozenset({"view", "accept"})),
    "system_admin": Role("系统管理员", None, frozenset({"users"})),
    "security_admin": Role("安全管理员", None, frozenset({"roles"})),
    "audit_admin": Role("审计管理员", None, frozenset({"audit"})),
}

ROLE_CHOICES = [(code, role.label) for code, role in ROLES.items()]
