"""Demo tenants: tenant1 holds a lease whose contract both signed (issue 16); tenant3 (王瓷) has a
lease whose contract waits for their signature; tenant2 has an application waiting for review;
employer1's company leases a unit as a whole (整体配租) to place its staff in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.enums import ProjectStatus
from app.approval.models import Project
from app.contracts import service as contracts
from app.contracts.models import LeaseContract
from app.contracts.schemas import ContractIn, SignIn
from app.core import clock
from app.leases import flows
from app.leases import service as leases
from app.leases.schemas import LeaseIn
from app.operation.enums import UnitStatus
from app.operation.models import Unit
from app.tenants import applications
from app.tenants import service as tenants
from app.tenants.schemas import (
    ApplicationIn,
    ApplicationReview,
    CommitmentIn,
    DeclarationIn,
    ProfileIn,
)
from rules.dates import add_months


def seed_tenants(session: Session, users: Callable[[str], User]) -> None:
    project = session.scalar(select(Project).where(Project.status == ProjectStatus.certified)
                             .order_by(Project.id))
    if project is None:
        return
    declaration = DeclarationIn(owns_home_in_central_area=False)
    filed = []
    for username, district in (("tenant1", "珠山区"), ("tenant2", "昌江区")):
        person = users(username)
        tenants.save_profile(session, person, ProfileIn(
            phone="13800000000", residence_district=district, work_district="高新区",
            employer_name="景德镇某科技公司"))
        tenants.sign_commitment(session, person, CommitmentIn(clauses=[1, 2, 3, 4],
                                                              declaration=declaration))
        filed.append(flows.apply(session, person, ApplicationIn(project_id=project.id,
                                                                       declaration=declaration)))
    applications.review(session, users("office1"), filed[0].id, ApplicationReview(approve=True))
    published = (Unit.project_id == project.id, Unit.status == UnitStatus.published)
    unit = session.scalar(select(Unit).where(*published).order_by(Unit.id))
    start = (clock.today().replace(day=1) + timedelta(days=32)).replace(day=1)  # next month
    end = add_months(start, 12) - timedelta(days=1)
    rent = (unit.building_area_m2 * Decimal("25.00")).quantize(Decimal("0.01"))  # type: ignore[union-attr]
    dev = users("dev1")
    lease = leases.create(session, dev, LeaseIn(unit_id=unit.id, application_id=filed[0].id,  # type: ignore[union-attr]
                                                start_on=start, end_on=end, monthly_rent=rent,
                                                prepaid_rent=rent, deposit=rent))
    contract_signed(session, dev, users("tenant1"), lease.id)
    whole = session.scalar(select(Unit).where(*published).order_by(Unit.id))
    if whole is not None:
        rent = (whole.building_area_m2 * Decimal("25.00")).quantize(Decimal("0.01"))
        lease = leases.create(session, dev, LeaseIn(
            unit_id=whole.id, employer_organization_id=users("employer1").organization_id,
            start_on=start, end_on=end, monthly_rent=rent))
        contract_signed(session, dev, users("employer1"), lease.id)
    _waiting_for_signature(session, users, project.id, start, end, declaration)


SAFETY = ("承租人遵守消防、用电、用气安全规定，不在室内为电动自行车充电、不私拉电线；运营单位负责公共部位"
          "消防设施的维护和定期检查。")


def _issued(session: Session, dev: User, lease_id: int) -> LeaseContract:
    """The contract of a lease, drafted from the template in force and sent to the tenant."""
    made = contracts.issue(session, dev, ContractIn(lease_id=lease_id, safety_terms=SAFETY))
    return contracts.send(session, dev, made.id)


def contract_signed(session: Session, dev: User, party: User, lease_id: int) -> None:
    """The contract signed by the tenant (or the employer) and countersigned: the lease in force.
    (The demo signs as the service does after the password check, with the document's hash.)"""
    sent = _issued(session, dev, lease_id)
    confirm = SignIn(password="-", document_sha256=sent.document_sha256)
    contracts.sign(session, party, sent.id, confirm)
    contracts.countersign(session, dev, sent.id, confirm)


def _waiting_for_signature(session: Session, users: Callable[[str], User], project_id: int,
                           start: date, end: date, declaration: DeclarationIn) -> None:
    """tenant3 (王瓷): approved, a lease concluded, its contract sent and waiting for them."""
    person = users("tenant3")
    tenants.save_profile(session, person, ProfileIn(
        phone="13800000000", residence_district="珠山区", work_district="珠山区",
        employer_name="景德镇某陶瓷公司"))
    tenants.sign_commitment(session, person, CommitmentIn(clauses=[1, 2, 3, 4], declaration=declaration))
    filed = flows.apply(session, person, ApplicationIn(project_id=project_id, declaration=declaration))
    applications.review(session, users("office1"), filed.id, ApplicationReview(approve=True))
    unit = session.scalar(select(Unit).where(Unit.project_id == project_id,
                                             Unit.status == UnitStatus.published).order_by(Unit.id))
    if unit is None:
        return
    rent = (unit.building_area_m2 * Decimal("25.00")).quantize(Decimal("0.01"))
    lease = leases.create(session, users("dev1"), LeaseIn(
        unit_id=unit.id, application_id=filed.id, start_on=start, end_on=end, monthly_rent=rent,
        deposit=rent))
    _issued(session, users("dev1"), lease.id)
