"""``baozu seed-demo``: a small demo city, loaded once into a new database.

Everything is created through the same service functions the API uses, so the demo data
carries its audit events. Domain issues extend :func:`seed_demo` with their own records.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.enums import Role
from app.accounts.models import Department, Organization, User
from app.accounts.schemas import OrganizationCreate, UserCreate
from app.approval import repository as approval_repo
from app.audit.service import SYSTEM
from app.core.config import get_settings
from app.demo.access import seed_access
from app.demo.leases import seed_tenants
from app.demo.notices import seed_notices
from app.demo.planning import seed_planning
from app.demo.projects import seed_projects
from app.demo.upkeep import seed_upkeep

DEMO_PASSWORD = "baozu-demo-2026"

DEMO_ORGANIZATIONS = [
    ("景德镇市安居住房租赁有限公司", "91360200MA35F1234K"),
    ("景德镇陶瓷产业园区开发有限公司", "91360200MA35G5678F"),
    ("景德镇瓷都文旅发展有限公司", "91360200MA39B34561"),
]

# username, role, full name, organisation (index), department code, 身份证 (fictional, valid)
DEMO_USERS: list[tuple[str, Role, str, int | None, str | None, str | None]] = [
    ("admin", Role.admin, "系统管理员", None, None, None),
    ("office1", Role.office, "市保租办 审查员", None, None, None),
    ("leader1", Role.leader, "市领导小组 成员", None, None, None),
    ("auditor1", Role.auditor, "审计监督 专员", None, None, None),
    ("zhujian1", Role.department, "市住建局 审查员", None, "zhujian", None),
    ("fagai1", Role.department, "市发改委 审查员", None, "fagai", None),
    ("ziranziyuan1", Role.department, "市自然资源规划局 审查员", None, "ziranziyuan", None),
    ("renfang1", Role.department, "市人防办 审查员", None, "renfang", None),
    ("yingji1", Role.department, "市应急局 审查员", None, "yingji", None),
    ("dev1", Role.developer, "安居租赁 申报专员", 0, None, None),
    ("dev2", Role.developer, "陶瓷园区 申报专员", 1, None, None),
    ("employer1", Role.employer, "瓷都文旅 人事专员", 2, None, None),
    ("tenant1", Role.tenant, "李青", None, None, "360203199803151236"),
    ("tenant2", Role.tenant, "张景漂", None, None, "360202199607202466"),
    ("tenant3", Role.tenant, "王瓷", None, None, "360203199909091243"),  # a contract to sign (issue 16)
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    who: str


def is_seeded(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.username == DEMO_USERS[0][0])) is not None


def seed_demo(session: Session) -> list[DemoLogin]:
    """Load the demo city unless it is already there; return the demo logins either way.

    Never in production: the demo accounts (an administrator among them) share a published
    password. ``baozu seed-demo`` goes further and loads it in development only."""
    if get_settings().environment == "production":
        raise RuntimeError("the demo city is never loaded in production (published passwords)")
    if not is_seeded(session):
        orgs = [accounts.create_organization(session, actor=SYSTEM,
                                             data=OrganizationCreate(name=n, uscc=c))
                for n, c in DEMO_ORGANIZATIONS]
        for username, role, full_name, org, dept, id_number in DEMO_USERS:
            department = accounts.find_department(session, dept) if dept else None
            accounts.create_user(session, actor=SYSTEM, data=UserCreate(
                username=username, password=DEMO_PASSWORD, role=role, full_name=full_name,
                id_number=id_number, phone="13800000000" if role == Role.tenant else None,
                organization_id=orgs[org].id if org is not None else None,
                department_id=department.id if department else None))
        listed = {u[0] for u in DEMO_USERS}
        for username, full_name, dept in _department_reviewers(session):
            if username not in listed:
                accounts.create_user(session, actor=SYSTEM, data=UserCreate(
                    username=username, password=DEMO_PASSWORD, role=Role.department,
                    full_name=full_name, department_id=dept.id))
        seed_projects(session, lambda username: accounts.find_user(session, username))
        seed_tenants(session, lambda username: accounts.find_user(session, username))
        seed_upkeep(session, lambda username: accounts.find_user(session, username))
        seed_notices(session, lambda username: accounts.find_user(session, username))
        seed_planning(session, lambda username: accounts.find_user(session, username))
        seed_access(session, lambda username: accounts.find_user(session, username), DEMO_PASSWORD)
    return demo_logins(session)


def _department_reviewers(session: Session) -> list[tuple[str, str, Department]]:
    """One demo reviewer (``<code>1``) for every department a plan can be sent to, so that any
    review the office sends can be finished with the demo logins alone (issue 21)."""
    return [(f"{d.code}1", f"{d.name} 审查员", d) for d in approval_repo.review_departments(session)]


def demo_logins(session: Session) -> list[DemoLogin]:
    names = {o.id: o.name for o in session.scalars(select(Organization))}
    logins = []
    listed = {u[0] for u in DEMO_USERS}
    extra = [(username, Role.department, full_name, None, d.code, None)
             for username, full_name, d in _department_reviewers(session) if username not in listed]
    for username, role, full_name, _org, dept, _ in [*DEMO_USERS, *extra]:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            continue
        who = names.get(user.organization_id or 0) or (dept and full_name.split()[0]) or full_name
        logins.append(DemoLogin(username, role.label, who))
    return logins
