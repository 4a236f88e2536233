"""Demo door access (第四十条): four more households of 昌江区青年人才公寓 whose leases started today,
the project's simulated entrance (and one at dev1's second project), and a replayed month of door
events (:mod:`app.access.simulator`, through the ingestion path, about two thousand events) with
its stories: one unit idle, one lent to somebody whose card is bound to nobody, one tenant living
at the other project. The signals are computed at the end, so after ``make run`` dev1 and
zhujian1 find 疑似闲置 and 疑似转借/转租 waiting for review.

The demo city's units are published today, so no lease can have started earlier; the idle unit's
card is treated as activated before the replayed month (the simulator's idle story says so)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import signals, simulator
from app.accounts import service as accounts
from app.accounts.enums import Role
from app.accounts.models import User
from app.accounts.schemas import UserCreate
from app.approval.models import Project
from app.audit.service import SYSTEM
from app.core import clock
from app.demo.leases import contract_signed
from app.leases import flows
from app.leases import service as leases
from app.leases.models import Lease
from app.leases.schemas import LeaseIn
from app.operation.enums import UnitStatus
from app.operation.models import Unit
from app.tenants import applications
from app.tenants import service as tenants
from app.tenants.schemas import ApplicationIn, ApplicationReview, CommitmentIn, DeclarationIn, ProfileIn
from rules.dates import add_months
from rules.identifiers import id_number_check_character

HOUSEHOLDS = (("access1", "赵闲"), ("access2", "钱借"), ("access3", "孙驿"), ("access4", "李常"))


def _id_number(n: int) -> str:
    first17 = f"36020319970{n + 1}01{100 + n:03d}"[:17]
    return first17 + id_number_check_character(first17)


def seed_access(session: Session, users: Callable[[str], User], password: str) -> None:
    dev = users("dev1")
    if dev.organization_id is None:
        return
    project = session.scalar(select(Project).where(Project.organization_id == dev.organization_id)
                             .order_by(Project.id))
    if project is None:
        return
    today = clock.today()
    taken = select(Lease.unit_id)
    free = list(session.scalars(select(Unit).where(Unit.project_id == project.id,
                                                   Unit.status == UnitStatus.published,
                                                   Unit.id.not_in(taken)).order_by(Unit.id.desc())
                                .limit(len(HOUSEHOLDS))))
    declaration = DeclarationIn(owns_home_in_central_area=False)
    for n, ((username, name), unit) in enumerate(zip(HOUSEHOLDS, free, strict=False)):
        person = accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username=username, password=password, role=Role.tenant, full_name=name,
            id_number=_id_number(n), phone="13800000000"))
        tenants.save_profile(session, person, ProfileIn(
            phone="13800000000", residence_district="昌江区", work_district="高新区",
            employer_name="景德镇某陶瓷公司"))
        tenants.sign_commitment(session, person, CommitmentIn(clauses=[1, 2, 3, 4], declaration=declaration))
        filed = flows.apply(session, person, ApplicationIn(project_id=project.id, declaration=declaration))
        applications.review(session, users("office1"), filed.id, ApplicationReview(approve=True))
        rent = (unit.building_area_m2 * Decimal("25.00")).quantize(Decimal("0.01"))
        lease = leases.create(session, dev, LeaseIn(
            unit_id=unit.id, application_id=filed.id, start_on=today,
            end_on=add_months(today, 12) - timedelta(days=1), monthly_rent=rent, prepaid_rent=rent,
            deposit=rent))
        contract_signed(session, dev, person, lease.id)
    other = session.scalar(select(Project.id).where(Project.organization_id == dev.organization_id,
                                                    Project.id != project.id).order_by(Project.id))
    simulator.replay_month(session, dev, project.id, elsewhere_project_id=other)
    signals.compute(session, SYSTEM, today=today)
