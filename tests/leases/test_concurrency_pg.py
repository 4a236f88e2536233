"""On a real PostgreSQL server: racing leases for one unit, and two reviewers for one application."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from threading import Barrier

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.enums import Role
from app.accounts.schemas import UserCreate
from app.approval.models import Project
from app.audit import service as audit
from app.audit.service import SYSTEM
from app.core.errors import Conflict
from app.leases import flows
from app.leases import service as leases
from app.leases.models import Lease
from app.leases.schemas import LeaseIn
from app.operation.models import Unit
from app.seed import seed_demo
from app.tenants import applications
from app.tenants import service as tenants
from app.tenants.schemas import ApplicationIn, ApplicationReview, CommitmentIn, DeclarationIn, ProfileIn
from rules.dates import add_months
from tests.conftest import PASSWORD, fake_id_number

pytestmark = pytest.mark.postgres


def race(engine, calls):
    """Run each call in its own thread and session at (nearly) the same instant."""
    barrier = Barrier(len(calls))

    def run(call):
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                with session.begin():
                    return call(session)
            except Conflict as exc:
                return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def ready_tenant(session, username: str) -> int:
    person = accounts.find_user(session, username)
    tenants.save_profile(session, person, ProfileIn(phone="13800000000", residence_district="珠山区"))
    tenants.sign_commitment(session, person, CommitmentIn(
        clauses=[1, 2, 3, 4], declaration=DeclarationIn(owns_home_in_central_area=False)))
    return person.id


@pytest.fixture
def city(pg_database, today):
    today(date.today())
    engine = create_engine(pg_database, pool_size=12)
    with Session(engine) as session, session.begin():
        seed_demo(session)
        project = session.scalar(select(Project).where(Project.status == "certified"))
        office2 = accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username="office2", password=PASSWORD, role=Role.office)).id
        ids = {}
        for username in ("racer1", "racer2"):
            accounts.create_user(session, actor=SYSTEM, data=UserCreate(
                username=username, password=PASSWORD, role=Role.tenant, full_name="赛跑者",
                id_number=fake_id_number()))
            ids[username] = ready_tenant(session, username)
        office = accounts.find_user(session, "office1")
        apps = {}
        for username, person_id in ids.items():
            person = accounts.load_user(session, person_id)
            application = flows.apply(session, person, ApplicationIn(
                project_id=project.id, declaration=DeclarationIn(owns_home_in_central_area=False)))
            apps[username] = application.id
        unit = session.scalar(select(Unit).where(Unit.project_id == project.id,
                                                 Unit.status == "published").order_by(Unit.id))
        state = {"project": project.id, "unit": unit.id, "area": unit.building_area_m2,
                 "apps": apps, "office": office.id, "office2": office2}
    yield engine, state
    engine.dispose()


def test_two_reviewers_deciding_one_application(city) -> None:
    engine, state = city
    application = state["apps"]["racer1"]

    def decide(reviewer_id):
        def call(session):
            reviewer = accounts.load_user(session, reviewer_id)
            return applications.review(session, reviewer, application,
                                       ApplicationReview(approve=True)).status
        return call

    results = race(engine, [decide(state["office"]), decide(state["office2"])])
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    assert "approved" in results


def test_two_leases_racing_for_one_unit(city) -> None:
    engine, state = city
    with Session(engine) as session, session.begin():
        office = accounts.load_user(session, state["office"])
        for application in state["apps"].values():
            applications.review(session, office, application, ApplicationReview(approve=True))
        developer = accounts.find_user(session, "dev1").id

    # a year from the first of next month: after the unit's publication (第三十条), whatever today is
    start = add_months(date.today().replace(day=1), 1)
    end = add_months(start, 12) - timedelta(days=1)

    def sign(application):
        def call(session):
            user = accounts.load_user(session, developer)
            return leases.create(session, user, LeaseIn(
                unit_id=state["unit"], application_id=application, start_on=start,
                end_on=end, monthly_rent=state["area"] * Decimal("25.00"))).number
        return call

    results = race(engine, [sign(a) for a in state["apps"].values()])
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    with Session(engine) as session:
        assert len(session.scalars(select(Lease).where(Lease.unit_id == state["unit"])).all()) == 1
        assert audit.verify(session).ok
