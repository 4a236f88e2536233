"""Small read helpers the pages need and the domain services do not offer (yet).

Page routes never write SQL; when a page needs a list no service function gives, the query
lives here, scoped the same way the services scope theirs (``visible_to``). Nothing here
writes. If a domain grows a service function for one of these, the page should switch to it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import Department, Organization, User
from app.approval.models import LeaderDecision, Project, ReviewDispatch, ReviewMeeting
from app.approval.service import get_project
from app.approval.status import IN_OPERATION, ProjectStatus
from app.core import clock
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by, mapped
from app.operation import units
from app.operation.models import Appraisal, RentStandard, Unit
from app.operation.rents import appraisal_view, standard_view
from app.tenants import applications
from app.tenants import service as tenants
from app.tenants.models import Lottery, TenantApplication
from rules.art22_housing_fund import housing_fund_eligibility


def review_departments(session: Session) -> list[Department]:
    """The departments a plan can be sent to (联合审查: government departments)."""
    return list(session.scalars(select(Department).where(Department.kind == "government")
                                .order_by(Department.id)))


def organizations(session: Session) -> list[Organization]:
    """Every organisation, by name: the choices of a form's organisation field."""
    return list(session.scalars(select(Organization).order_by(Organization.name)))


def organizations_by_id(session: Session) -> list[Organization]:
    """Every organisation in registration order: the choices of the account form."""
    return list(session.scalars(select(Organization).order_by(Organization.id)))


def departments(session: Session) -> list[Department]:
    """The departments of annex 1 (a fixed list): the choices of the account form."""
    return list(session.scalars(select(Department).order_by(Department.id)))


def meeting_of(session: Session, project_id: int) -> ReviewMeeting | None:
    return session.scalar(select(ReviewMeeting).where(ReviewMeeting.project_id == project_id))


def leader_decision_of(session: Session, project_id: int) -> LeaderDecision | None:
    return session.scalar(select(LeaderDecision).where(LeaderDecision.project_id == project_id))


def department_inbox(session: Session, user: User, *, cursor: int | None = None,
                     limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """The projects sent to the user's department (which is what makes them visible to it),
    unanswered first, then the newest (keyset by unanswered, dispatch day and id)."""
    if user.department_id is None:
        return Page([], None)
    stmt = (select(ReviewDispatch, Project, ReviewDispatch.id)
            .join(Project, Project.id == ReviewDispatch.project_id)
            .where(ReviewDispatch.department_id == user.department_id)
            .options(joinedload(Project.organization)))
    found = keyset_by(session, stmt, [ReviewDispatch.opinion.is_(None), ReviewDispatch.dispatched_on],
                      ReviewDispatch.id, cursor=cursor, limit=limit, descending=True, scalars=False)
    return mapped(found, _inbox_item)


def _inbox_item(row: Any) -> dict[str, Any]:
    d, p, _ = row
    return {"project_id": p.id, "name": p.name, "organization": p.organization.name,
            "status": p.status, "status_label": ProjectStatus(p.status).label,
            "dispatched_on": d.dispatched_on, "opinion": d.opinion, "comment": d.comment,
            "answered_on": d.answered_on,
            "open": d.opinion is None and p.status in (ProjectStatus.in_review,
                                                        ProjectStatus.awaiting_materials)}


def operating_projects(session: Session, user: User, *, cursor: int | None = None,
                       limit: int = DEFAULT_LIMIT) -> Page[Project]:
    """Certified projects still in the programme, as far as ``user`` may see them, oldest
    first (keyset by id)."""
    return keyset(session, select(Project).where(
        Project.status.in_([s.value for s in IN_OPERATION]), Project.visible_to(user))
        .options(joinedload(Project.organization)), Project.id, cursor=cursor, limit=limit,
        descending=False)


def proposed_standards(session: Session, user: User, *, cursor: int | None = None,
                       limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """Rent standards proposed and waiting for 市发改委's filing, oldest first (keyset by
    proposal day and id)."""
    stmt = (select(RentStandard, Project, RentStandard.id)
            .join(Project, Project.id == RentStandard.project_id)
            .where(RentStandard.status == "proposed", Project.visible_to(user),
                   Project.status.in_([s.value for s in IN_OPERATION]))
            .options(joinedload(RentStandard.appraisal), joinedload(Project.organization)))
    found = keyset_by(session, stmt, [RentStandard.proposed_on], RentStandard.id, cursor=cursor,
                      limit=limit, scalars=False)
    return mapped(found, lambda row: standard_view(row[0]) | {
        "project_name": row[1].name, "organization": row[1].organization.name,
        "appraisal": row[0].appraisal})


def listing_queue(session: Session, user: User, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """:func:`app.operation.units.listing_queue` with ``pending``: units still to verify."""
    return mapped(units.listing_queue(session, user, cursor=cursor, limit=limit),
                  lambda item: item | {"pending": item["registered"]})


def standard_project(session: Session, user: User, standard_id: int) -> Project:
    """The project of a rent standard, if ``user`` may see it (404 otherwise, as if missing)."""
    project_id = session.scalar(select(RentStandard.project_id).where(RentStandard.id == standard_id))
    if project_id is None:
        raise NotFound("未找到该租金标准")
    try:
        return get_project(session, user, project_id)
    except NotFound:
        raise NotFound("未找到该租金标准") from None


def lotteries_of(session: Session, project_ids: list[int]) -> dict[int, list[Lottery]]:
    found: dict[int, list[Lottery]] = {pid: [] for pid in project_ids}
    for lottery in session.scalars(select(Lottery).where(Lottery.project_id.in_(project_ids))
                                   .order_by(Lottery.id.desc())):
        found[lottery.project_id].append(lottery)
    return found


def lottery_board(session: Session, user: User, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """A page of projects in operation with, for each, the approved applications not yet in a
    draw, the units available and its lotteries: four statements whatever the page's size."""
    found = operating_projects(session, user, cursor=cursor, limit=limit)
    ids = [p.id for p in found.items]
    if not ids:
        return Page([], found.next_cursor)
    waiting = dict(session.execute(
        select(TenantApplication.project_id, func.count(TenantApplication.id))
        .where(TenantApplication.project_id.in_(ids), TenantApplication.status == "approved",
               TenantApplication.lottery_id.is_(None))
        .group_by(TenantApplication.project_id)).all())
    available = dict(session.execute(
        select(Unit.project_id, func.count(Unit.id))
        .where(Unit.project_id.in_(ids), Unit.status == "published")
        .group_by(Unit.project_id)).all())
    drawn = lotteries_of(session, ids)
    return mapped(found, lambda p: {"project": p, "waiting": waiting.get(p.id, 0),
                                    "available": available.get(p.id, 0), "lotteries": drawn[p.id]})


def rents_overview(session: Session, projects: list[Project]) -> list[dict[str, Any]]:
    """For each project: its latest appraisal and the rent standard in force (two statements
    for the whole list; :func:`app.operation.rents.rents_view` gives one project's all)."""
    ids = [p.id for p in projects]
    if not ids:
        return []
    today = clock.today()
    latest: dict[int, Any] = {}
    for appraisal in session.scalars(select(Appraisal).where(Appraisal.project_id.in_(ids))
                                     .order_by(Appraisal.appraised_on, Appraisal.id)):
        latest[appraisal.project_id] = appraisal
    in_force = {s.project_id: s for s in session.scalars(
        select(RentStandard).where(RentStandard.project_id.in_(ids), RentStandard.status == "filed")
        .options(joinedload(RentStandard.appraisal)).order_by(RentStandard.id))}
    return [{"project": p,
             "last_appraisal": appraisal_view(latest[p.id], today) if p.id in latest else None,
             "in_force": standard_view(in_force[p.id]) if p.id in in_force else None}
            for p in projects]


def housing_fund_check(session: Session, user: User, months: int, continuous: bool,
                       spouse_owns_home: bool) -> dict[str, Any]:
    """第二十二条, as ``GET /api/v1/tenants/me/housing-fund-eligibility`` answers it."""
    today = clock.today()
    properties, _ = tenants.registry_facts(session, user)
    owns = any(p.acquired_on is None or p.acquired_on <= today for p in properties)
    decision = housing_fund_eligibility(months, continuous, owns, spouse_owns_home,
                                        applications.has_active_lease(session, user.id), today)
    return {"eligible": decision.ok, "findings": [f.as_dict() for f in decision.findings]}
