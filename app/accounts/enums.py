"""The roles of design.md with their labels for people, and what binds each to an
organisation or a department."""

from __future__ import annotations

from app.core.enums import Labelled


class Role(Labelled):
    developer = "developer", "建设/运营单位"
    office = "office", "市保租办"
    department = "department", "联审部门"
    leader = "leader", "市领导小组"
    tenant = "tenant", "承租人"
    employer = "employer", "用人单位"
    auditor = "auditor", "审计监督"
    admin = "admin", "系统管理员"


ORGANIZATION_ROLES = frozenset({Role.developer, Role.employer})
DEPARTMENT_ROLES = frozenset({Role.department})
# Roles that see every organisation's records (read scope); writing is checked per action.
CITY_WIDE_ROLES = frozenset({Role.office, Role.leader, Role.auditor, Role.admin})
