"""Demo tenants: tenant1 holds a signed lease; tenant2 has an application waiting for review;
employer1's company leases a unit as a whole (整体配租) to place its staff in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.enums import ProjectStatus
from app.approval.models import Project
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
    leases.create(session, users("dev1"), LeaseIn(unit_id=unit.id, application_id=filed[0].id,  # type: ignore[union-attr]
                                                  start_on=start, end_on=end, monthly_rent=rent,
                                                  prepaid_rent=rent, deposit=rent))
    whole = session.scalar(select(Unit).where(*published).order_by(Unit.id))
    if whole is not None:
        rent = (whole.building_area_m2 * Decimal("25.00")).quantize(Decimal("0.01"))
        leases.create(session, users("dev1"), LeaseIn(
            unit_id=whole.id, employer_organization_id=users("employer1").organization_id,
            start_on=start, end_on=end, monthly_rent=rent))
