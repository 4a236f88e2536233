"""Small read helpers the pages need and the domain services do not offer (yet).

Page routes never write SQL; when a page needs a list no service function gives, the query
lives here, scoped the same way the services scope theirs (``visible_to``). Nothing here
writes. If a domain grows a service function for one of these, the page should switch to it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app import clock
from app.auth.models import Department, Organization, User
from app.errors import NotFound
from app.leases.models import TenantNotice
from app.projects import units
from app.projects.models import LeaderDecision, Project, RentStandard, ReviewDispatch, ReviewMeeting
from app.projects.rents import standard_view
from app.projects.service import get_project
from app.projects.status import IN_OPERATION, ProjectStatus
from app.tenants import applications
from app.tenants import service as tenants
from app.tenants.models import Lottery
from rules.art22_housing_fund import housing_fund_eligibility


def review_departments(session: Session) -> list[Department]:
    """The departments a plan can be sent to (联合审查: government departments)."""
    return list(session.scalars(select(Department).where(Department.kind == "government")
                                .order_by(Department.id)))


def organizations(session: Session) -> list[Organization]:
    return list(session.scalars(select(Organization).order_by(Organization.name)))


def meeting_of(session: Session, project_id: int) -> ReviewMeeting | None:
    return session.scalar(select(ReviewMeeting).where(ReviewMeeting.project_id == project_id))


def leader_decision_of(session: Session, project_id: int) -> LeaderDecision | None:
    return session.scalar(select(LeaderDecision).where(LeaderDecision.project_id == project_id))


def department_inbox(session: Session, user: User) -> list[dict[str, Any]]:
    """The projects sent to the user's department (which is what makes them visible to it),
    unanswered first, then the newest."""
    if user.department_id is None:
        return []
    rows = session.execute(
        select(ReviewDispatch, Project).join(Project, Project.id == ReviewDispatch.project_id)
        .where(ReviewDispatch.department_id == user.department_id)
        .options(joinedload(Project.organization))
        .order_by(ReviewDispatch.opinion.is_not(None), ReviewDispatch.dispatched_on.desc(),
                  ReviewDispatch.id.desc()))
    return [{"project_id": p.id, "name": p.name, "organization": p.organization.name,
             "status": p.status, "status_label": ProjectStatus(p.status).label,
             "dispatched_on": d.dispatched_on, "opinion": d.opinion, "comment": d.comment,
             "answered_on": d.answered_on,
             "open": d.opinion is None and p.status in (ProjectStatus.in_review,
                                                         ProjectStatus.awaiting_materials)}
            for d, p in rows]


def operating_projects(session: Session, user: User) -> list[Project]:
    """Certified projects still in the programme, as far as ``user`` may see them."""
    return list(session.scalars(select(Project).where(
        Project.status.in_([s.value for s in IN_OPERATION]), Project.visible_to(user))
        .options(joinedload(Project.organization)).order_by(Project.id)))


def proposed_standards(session: Session, user: User) -> list[dict[str, Any]]:
    """Rent standards proposed and waiting for 市发改委's filing, oldest first."""
    rows = session.execute(
        select(RentStandard, Project).join(Project, Project.id == RentStandard.project_id)
        .where(RentStandard.status == "proposed", Project.visible_to(user),
               Project.status.in_([s.value for s in IN_OPERATION]))
        .options(joinedload(RentStandard.appraisal), joinedload(Project.organization))
        .order_by(RentStandard.proposed_on, RentStandard.id))
    return [standard_view(s) | {"project_name": p.name, "organization": p.organization.name,
                                "appraisal": s.appraisal} for s, p in rows]


def listing_queue(session: Session, user: User) -> list[dict[str, Any]]:
    """:func:`app.projects.units.listing_queue` with ``pending``: units still to verify."""
    return [item | {"pending": item["registered"]} for item in units.listing_queue(session, user)]


def standard_project(session: Session, user: User, standard_id: int) -> Project:
    """The project of a rent standard, if ``user`` may see it (404 otherwise, as if missing)."""
    project_id = session.scalar(select(RentStandard.project_id).where(RentStandard.id == standard_id))
    if project_id is None:
        raise NotFound("未找到该租金标准")
    try:
        return get_project(session, user, project_id)
    except NotFound:
        raise NotFound("未找到该租金标准") from None


def tenant_notices(session: Session, user: User, limit: int = 20) -> list[TenantNotice]:
    return list(session.scalars(select(TenantNotice).where(TenantNotice.user_id == user.id)
                                .order_by(TenantNotice.id.desc()).limit(limit)))


def lotteries_of(session: Session, project_ids: list[int]) -> dict[int, list[Lottery]]:
    found: dict[int, list[Lottery]] = {pid: [] for pid in project_ids}
    for lottery in session.scalars(select(Lottery).where(Lottery.project_id.in_(project_ids))
                                   .order_by(Lottery.id.desc())):
        found[lottery.project_id].append(lottery)
    return found


def housing_fund_check(session: Session, user: User, months: int, continuous: bool,
                       spouse_owns_home: bool) -> dict[str, Any]:
    """第二十二条, as ``GET /api/v1/tenants/me/housing-fund-eligibility`` answers it."""
    today = clock.today()
    properties, _ = tenants.registry_facts(session, user)
    owns = any(p.acquired_on is None or p.acquired_on <= today for p in properties)
    decision = housing_fund_eligibility(months, continuous, owns, spouse_owns_home,
                                        applications.has_active_lease(session, user.id), today)
    return {"eligible": decision.ok, "findings": [f.as_dict() for f in decision.findings]}
