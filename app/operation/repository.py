"""Every read of the operation domain: units and listings, appraisals and rent standards,
subsidies, transfers, exit requests and their copies, what the pages list, and the facts
the transition table's guards look at."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.models import Department, Organization, User
from app.approval.enums import IN_OPERATION
from app.approval.models import Project
from app.approval.repository import get_project
from app.core import clock
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by
from app.operation.enums import ExitRequestStatus, RentStandardStatus, UnitStatus
from app.operation.models import (
    Appraisal,
    ExitRequest,
    OperatorTransfer,
    OutgoingNotification,
    RentStandard,
    Subsidy,
    Unit,
)
from rules.art26_30_listing import overdue_completion_ranges

U, R, X = UnitStatus, RentStandardStatus, ExitRequestStatus


def _in_operation() -> ColumnElement[bool]:
    return Project.status.in_([s.value for s in IN_OPERATION])


# ---- projects in operation and the facts of the transition table ------------------------------

def operating_projects(session: Session, user: User, *, cursor: int | None = None,
                       limit: int = DEFAULT_LIMIT) -> Page[Project]:
    """Certified projects still in the programme, as far as ``user`` may see them, oldest
    first (keyset by id)."""
    return keyset(session, select(Project).where(_in_operation(), Project.visible_to(user))
                  .options(joinedload(Project.organization)), Project.id, cursor=cursor, limit=limit,
                  descending=False)


def operation_counts(session: Session, project_id: int) -> dict[str, int]:
    """What the steps after certification depend on beyond the project's own columns, in one
    statement: units waiting for verification, appraisals, standards waiting to be filed,
    pending exit requests, subsidies not yet paid."""
    def count(model: Any, *where: Any) -> Any:
        return (select(func.count()).select_from(model)
                .where(model.project_id == project_id, *where).scalar_subquery())

    row = session.execute(select(
        count(Unit, Unit.status == U.registered.value).label("units_registered"),
        count(Appraisal).label("appraisals"),
        count(RentStandard, RentStandard.status == R.proposed.value).label("proposed_standards"),
        count(ExitRequest, ExitRequest.status == X.pending.value).label("pending_exits"),
        count(Subsidy, Subsidy.paid_on.is_(None)).label("unpaid_subsidies"))).one()
    return {key: int(value) for key, value in row._mapping.items()}


# ---- units and listing --------------------------------------------------------------------------

def unit_totals(session: Session, project_id: int) -> tuple[int, Decimal, int, int]:
    """(units, their building area, published, leased) of a project."""
    count, area, published, leased = session.execute(
        select(func.count(Unit.id), func.coalesce(func.sum(Unit.building_area_m2), 0),
               func.coalesce(func.sum(case((Unit.status == U.published.value, 1), else_=0)), 0),
               func.coalesce(func.sum(case((Unit.status == U.leased.value, 1), else_=0)), 0))
        .where(Unit.project_id == project_id)).one()
    return int(count), Decimal(area), int(published), int(leased)


def unit_keys(session: Session, project_id: int) -> set[tuple[str, str]]:
    """(building, number) of every unit already registered for a project."""
    return {(b, n) for b, n in session.execute(
        select(Unit.building, Unit.number).where(Unit.project_id == project_id))}


def unit_count(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count(Unit.id)).where(Unit.project_id == project_id)) or 0


def registered_unit_ids(session: Session, project_id: int) -> list[int]:
    """The units entered and not yet verified (published) by 市住建局."""
    return list(session.scalars(select(Unit.id).where(Unit.project_id == project_id,
                                                      Unit.status == U.registered.value)))


def leased_units(session: Session, project_id: int) -> int:
    """Units under a lease that has not been wound up (第四十四条: 依法依规完成解除承租对象租赁合同)."""
    return session.scalar(select(func.count(Unit.id)).where(Unit.project_id == project_id,
                                                            Unit.status == U.leased.value)) or 0


def units_page(session: Session, project: Project, *, cursor: int | None, limit: int,
               status: str | None = None) -> list[Unit]:
    stmt = select(Unit).where(Unit.project_id == project.id)
    if status:
        stmt = stmt.where(Unit.status == status)
    if cursor is not None:
        stmt = stmt.where(Unit.id > cursor)
    return list(session.scalars(stmt.order_by(Unit.id).limit(limit)))


def unit_counts(session: Session, project_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(units, published, still registered — awaiting verification) per project, one query."""
    def count(status: str) -> Any:
        return func.coalesce(func.sum(case((Unit.status == status, 1), else_=0)), 0)

    rows = session.execute(
        select(Unit.project_id, func.count(Unit.id), count(U.published.value),
               count(U.registered.value))
        .where(Unit.project_id.in_(project_ids)).group_by(Unit.project_id))
    return {pid: (int(n), int(published), int(registered))
            for pid, n, published, registered in rows}


def unit_by_code(session: Session, code: str) -> Any:
    """(unit, project name, project address) of a listing verification code (房源核验码);
    404 for a code nobody was given."""
    row = session.execute(select(Unit, Project.name, Project.address)
                          .join(Project, Project.id == Unit.project_id)
                          .where(Unit.verification_code == code.strip().upper())).first()
    if row is None:
        raise NotFound("未找到该房源核验码")
    return row


def _completed_in_operation(user: User) -> tuple[ColumnElement[bool], ...]:
    return (_in_operation(), Project.completed_on.is_not(None), Project.visible_to(user))


def _listing_late() -> ColumnElement[bool]:
    """Not listed, and the 15 days after completion are over (第三十条), as SQL."""
    ranges = overdue_completion_ranges(clock.today())
    return and_(Project.listed_on.is_(None),
                or_(false(), *(and_(Project.completed_on >= start, Project.completed_on < end)
                               for start, end in ranges)))


def late_listings(session: Session, user: User) -> int:
    """How many completed projects ``user`` may see have not listed their units in time."""
    return session.scalar(select(func.count(Project.id)).where(
        *_completed_in_operation(user), _listing_late())) or 0


def listing_queue(session: Session, user: User, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[Project]:
    """For 住建: listings awaiting verification, and completed projects whose listing is late;
    earliest completion first (keyset by completion date and id). Both conditions are in the
    query (with :func:`unit_counts` for the page, two statements a page)."""
    awaiting = and_(Project.listed_on.is_not(None), exists(select(Unit.id).where(
        Unit.project_id == Project.id, Unit.status == U.registered.value)))
    stmt = select(Project).where(*_completed_in_operation(user), or_(awaiting, _listing_late()))
    return keyset_by(session, stmt, [Project.completed_on], Project.id, cursor=cursor, limit=limit)


# ---- appraisals and rent standards --------------------------------------------------------------

def appraisal(session: Session, appraisal_id: int) -> Appraisal | None:
    return session.get(Appraisal, appraisal_id)


def appraisals_of(session: Session, project_id: int) -> list[Appraisal]:
    """A project's appraisals, oldest first (the last one is the latest)."""
    return list(session.scalars(select(Appraisal).where(Appraisal.project_id == project_id)
                                .order_by(Appraisal.appraised_on, Appraisal.id)))


def standards_of(session: Session, project_id: int) -> list[RentStandard]:
    return list(session.scalars(select(RentStandard).where(RentStandard.project_id == project_id)
                                .options(joinedload(RentStandard.appraisal))
                                .order_by(RentStandard.id)))


def standard_for_filing(session: Session, standard_id: int) -> RentStandard | None:
    """A rent standard with its appraisal, its row locked (filing it)."""
    return session.scalar(select(RentStandard).where(RentStandard.id == standard_id)
                          .options(joinedload(RentStandard.appraisal, innerjoin=True))
                          .with_for_update(of=RentStandard))


def filed_standards(session: Session, project_id: int) -> list[RentStandard]:
    return list(session.scalars(select(RentStandard).where(
        RentStandard.project_id == project_id, RentStandard.status == R.filed.value)))


def in_force(session: Session, project_id: int) -> RentStandard | None:
    """The filed rent standard of a project (the one in force), with its appraisal."""
    return session.scalar(select(RentStandard).where(RentStandard.project_id == project_id,
                                                     RentStandard.status == R.filed.value)
                          .options(joinedload(RentStandard.appraisal)))


def standard_project(session: Session, user: User, standard_id: int) -> Project:
    """The project of a rent standard, if ``user`` may see it (404 otherwise, as if missing)."""
    project_id = session.scalar(select(RentStandard.project_id).where(RentStandard.id == standard_id))
    if project_id is None:
        raise NotFound("未找到该租金标准")
    try:
        return get_project(session, user, project_id)
    except NotFound:
        raise NotFound("未找到该租金标准") from None


def proposed_standards(session: Session, user: User, *, cursor: int | None = None,
                       limit: int = DEFAULT_LIMIT) -> Page[Any]:
    """Rent standards proposed and waiting for 市发改委's filing, oldest first (keyset by
    proposal day and id): rows of (standard, project, id)."""
    stmt = (select(RentStandard, Project, RentStandard.id)
            .join(Project, Project.id == RentStandard.project_id)
            .where(RentStandard.status == R.proposed.value, Project.visible_to(user), _in_operation())
            .options(joinedload(RentStandard.appraisal), joinedload(Project.organization)))
    return keyset_by(session, stmt, [RentStandard.proposed_on], RentStandard.id, cursor=cursor,
                     limit=limit, scalars=False)


def latest_appraisals(session: Session, project_ids: list[int]) -> dict[int, Appraisal]:
    """The latest appraisal of each project (one statement)."""
    latest: dict[int, Appraisal] = {}
    for found in session.scalars(select(Appraisal).where(Appraisal.project_id.in_(project_ids))
                                 .order_by(Appraisal.appraised_on, Appraisal.id)):
        latest[found.project_id] = found
    return latest


def standards_in_force(session: Session, project_ids: list[int]) -> dict[int, RentStandard]:
    """The filed standard of each project, with its appraisal (one statement)."""
    return {s.project_id: s for s in session.scalars(
        select(RentStandard).where(RentStandard.project_id.in_(project_ids),
                                   RentStandard.status == R.filed.value)
        .options(joinedload(RentStandard.appraisal)).order_by(RentStandard.id))}


def latest_appraisal_dates(session: Session, project_ids: list[int]) -> dict[int, date]:
    return dict(session.execute(  # type: ignore[arg-type]
        select(Appraisal.project_id, func.max(Appraisal.appraised_on))
        .where(Appraisal.project_id.in_(project_ids)).group_by(Appraisal.project_id)).all())


def projects_with_filed_rents(session: Session, *, cursor: int | None = None,
                              limit: int = DEFAULT_LIMIT) -> Page[Project]:
    """Projects in the programme with a filed rent standard, by district and name (keyset by
    district, name and id): the public list of rents (第三十七条: 向社会公布)."""
    filed = exists(select(RentStandard.id).where(RentStandard.project_id == Project.id,
                                                 RentStandard.status == R.filed.value))
    stmt = (select(Project).where(filed, _in_operation())
            .options(joinedload(Project.organization)))
    return keyset_by(session, stmt, [Project.district, Project.name], Project.id, cursor=cursor,
                     limit=limit)


# ---- subsidies ------------------------------------------------------------------------------------

def subsidy_for_payment(session: Session, subsidy_id: int) -> Subsidy | None:
    """A subsidy, its row locked (paying it)."""
    return session.scalar(select(Subsidy).where(Subsidy.id == subsidy_id).with_for_update())


def subsidy_project_id(session: Session, subsidy_id: int) -> int | None:
    return session.scalar(select(Subsidy.project_id).where(Subsidy.id == subsidy_id))


def subsidies_of(session: Session, project_id: int) -> list[Subsidy]:
    return list(session.scalars(select(Subsidy).where(Subsidy.project_id == project_id)
                                .order_by(Subsidy.id)))


def subsidies_page(session: Session, project: Project, *, cursor: int | None,
                   limit: int) -> Page[Subsidy]:
    """The subsidies of a project, oldest first (keyset by id)."""
    return keyset(session, select(Subsidy).where(Subsidy.project_id == project.id), Subsidy.id,
                  cursor=cursor, limit=limit, descending=False)


# ---- operation and transfers ----------------------------------------------------------------------

def organization(session: Session, organization_id: int) -> Organization | None:
    return session.get(Organization, organization_id)


def transfers_of(session: Session, project_id: int) -> list[OperatorTransfer]:
    return list(session.scalars(select(OperatorTransfer).where(
        OperatorTransfer.project_id == project_id).order_by(OperatorTransfer.id)))


def organization_names(session: Session, ids: set[int]) -> dict[int, str]:
    return {oid: name for oid, name in session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(ids)))}


# ---- exit requests ------------------------------------------------------------------------------

def pending_exit_id(session: Session, project_id: int) -> int | None:
    return session.scalar(select(ExitRequest.id).where(ExitRequest.project_id == project_id,
                                                       ExitRequest.status == X.pending.value))


def exit_request_for_decision(session: Session, request_id: int) -> ExitRequest | None:
    """An exit request, its row locked (deciding it)."""
    return session.scalar(select(ExitRequest).where(ExitRequest.id == request_id).with_for_update())


def departments_by_code(session: Session, codes: tuple[str, ...]) -> list[Department]:
    return list(session.scalars(select(Department).where(Department.code.in_(codes))))


def notifications(session: Session, document_numbers: set[str]) -> list[tuple[OutgoingNotification, str]]:
    """The copies sent out under these document numbers, with the receiving department's name."""
    if not document_numbers:
        return []
    return [(n, name) for n, name in session.execute(
        select(OutgoingNotification, Department.name)
        .join(Department, Department.id == OutgoingNotification.department_id)
        .where(OutgoingNotification.document_no.in_(document_numbers))
        .order_by(OutgoingNotification.id))]


def exit_requests_of(session: Session, project_id: int) -> list[ExitRequest]:
    return list(session.scalars(select(ExitRequest).where(ExitRequest.project_id == project_id)
                                .order_by(ExitRequest.id)))


def exit_requests_page(session: Session, project: Project, *, cursor: int | None,
                       limit: int) -> Page[ExitRequest]:
    """A project's exit requests, oldest first (keyset by id)."""
    return keyset(session, select(ExitRequest).where(ExitRequest.project_id == project.id),
                  ExitRequest.id, cursor=cursor, limit=limit, descending=False)


def pending_exit_requests(session: Session, *, cursor: int | None = None,
                          limit: int = DEFAULT_LIMIT) -> tuple[Page[ExitRequest], dict[int, Project]]:
    """Pending exit requests in the order of (request day, id) — which is the order of their
    3-working-day deadlines — with their projects (two statements)."""
    found = keyset_by(session, select(ExitRequest).where(ExitRequest.status == X.pending.value),
                      [ExitRequest.requested_on], ExitRequest.id, cursor=cursor, limit=limit)
    ids = {r.project_id for r in found.items}
    projects = {p.id: p for p in session.scalars(
        select(Project).where(Project.id.in_(ids)))} if ids else {}
    return found, projects


def pending_request_project(session: Session, request_id: int) -> int | None:
    """The project of a pending exit request (None if there is no such pending request)."""
    return session.scalar(select(ExitRequest.project_id).where(
        ExitRequest.id == request_id, ExitRequest.status == X.pending.value))


def pending_request_days(session: Session) -> list[date]:
    """The request day of every pending exit request."""
    return list(session.scalars(select(ExitRequest.requested_on).where(
        ExitRequest.status == X.pending.value)))
