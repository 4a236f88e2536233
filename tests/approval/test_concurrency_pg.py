"""On a real PostgreSQL server: parallel certificate issuance never duplicates or skips."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.enums import Role
from app.accounts.schemas import OrganizationCreate, UserCreate
from app.approval import service
from app.approval.models import Certificate
from app.approval.schemas import (
    AcceptIn,
    DispatchIn,
    LeaderDecisionIn,
    MeetingIn,
    OpinionIn,
    ProjectIn,
    SubmitIn,
)
from app.audit import service as audit
from app.audit.service import SYSTEM
from tests.approval.conftest import application
from tests.conftest import PASSWORD, fake_uscc

pytestmark = pytest.mark.postgres
PARALLEL = 50


def people(session: Session) -> dict[str, int]:
    org = accounts.create_organization(session, actor=SYSTEM, data=OrganizationCreate(
        name="并发测试公司", uscc=fake_uscc()))
    zhujian = accounts.find_department(session, "zhujian")
    specs = {"dev": (Role.developer, {"organization_id": org.id}), "office": (Role.office, {}),
             "leader": (Role.leader, {}), "zj": (Role.department, {"department_id": zhujian.id})}
    return {name: accounts.create_user(session, actor=SYSTEM, data=UserCreate(
        username=f"conc-{name}", password=PASSWORD, role=role, **kw)).id
        for name, (role, kw) in specs.items()}


def to_meeting_passed(session: Session, ids: dict[str, int], zhujian_id: int) -> int:
    user = {k: accounts.load_user(session, v) for k, v in ids.items()}
    project = service.create_project(session, user["dev"], ProjectIn(**application()))
    service.submit(session, user["dev"], project.id, SubmitIn())
    service.accept(session, user["office"], project.id, AcceptIn())
    service.dispatch(session, user["office"], project.id, DispatchIn(department_ids=[zhujian_id]))
    service.record_opinion(session, user["zj"], project.id, OpinionIn(opinion="approve"))
    service.record_meeting(session, user["office"], project.id,
                           MeetingIn(decision="pass", minutes="通过"))
    return project.id


def test_fifty_parallel_approvals_get_fifty_consecutive_numbers(pg_database, today) -> None:
    today(date(2025, 6, 3))
    engine = create_engine(pg_database, pool_size=PARALLEL + 5)
    with Session(engine) as session, session.begin():
        ids = people(session)
        zhujian_id = accounts.find_department(session, "zhujian").id
        projects = [to_meeting_passed(session, ids, zhujian_id) for _ in range(PARALLEL)]

    def approve(project_id: int) -> str:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            leader = accounts.load_user(session, ids["leader"])
            project = service.leader_decision(session, leader, project_id,
                                              LeaderDecisionIn(approve=True, comment="同意"))
            return project.certificate.number

    with ThreadPoolExecutor(PARALLEL) as pool:
        numbers = list(pool.map(approve, projects))
    with Session(engine) as session:
        stored = sorted(session.scalars(select(Certificate.number)))
        assert audit.verify(session).ok
    engine.dispose()
    expected = [f"2025-{n:04d}" for n in range(1, PARALLEL + 1)]
    assert sorted(numbers) == expected and stored == expected
