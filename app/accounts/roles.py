"""The roles of design.md and what binds each to an organisation or a department."""

from enum import StrEnum


class Role(StrEnum):
    developer = "developer"
    office = "office"
    department = "department"
    leader = "leader"
    tenant = "tenant"
    employer = "employer"
    auditor = "auditor"
    admin = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.developer: "建设/运营单位",
    Role.office: "市保租办",
    Role.department: "联审部门",
    Role.leader: "市领导小组",
    Role.tenant: "承租人",
    Role.employer: "用人单位",
    Role.auditor: "审计监督",
    Role.admin: "系统管理员",
}

ORGANIZATION_ROLES = frozenset({Role.developer, Role.employer})
DEPARTMENT_ROLES = frozenset({Role.department})
# Roles that see every organisation's records (read scope); writing is checked per action.
CITY_WIDE_ROLES = frozenset({Role.office, Role.leader, Role.auditor, Role.admin})
