"""Reads of the upkeep domain: the unit a person lives in, repairs in the viewer's scope with the
facts their steps depend on, their history, photos and charges; a project's checks,
inspections, plans and quality records; and the figures of 住建's supervision. A missing or
hidden object answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from app.accounts.enums import Role
from app.accounts.models import Department, Organization, User
from app.approval.enums import IN_OPERATION
from app.approval.models import Project
from app.approval.repository import get_project
from app.core import clock
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by
from app.leases.enums import HOLDING
from app.leases.models import Lease, LeaseOccupant
from app.operation.models import Unit
from app.upkeep.enums import OPEN, ChargeStatus, InspectionStatus, PlanStatus, RepairStatus
from app.upkeep.models import (
    EmergencyPlan,
    FireSafetyCheck,
    QualitySupervision,
    RepairCharge,
    RepairEvent,
    RepairRequest,
    SafetyInspection,
    UpkeepPhoto,
    city_wide,
    project_scope,
)
from app.upkeep.workflows import RepairNow

OPEN_VALUES = [s.value for s in OPEN]
DONE_VALUES = [RepairStatus.completed.value, RepairStatus.confirmed.value]
OPEN_CHARGE = [ChargeStatus.proposed.value, ChargeStatus.disputed.value]


# ---- where a person lives ----------------------------------------------------------------------

def _running(today: date) -> Any:
    return and_(Lease.status.in_([s.value for s in HOLDING]), Lease.ends_on >= today)


def tenancies(session: Session, user: User) -> list[Any]:
    """The units ``user`` lives in now: rows of (lease, unit, project) for each lease they hold
    or occupy under an employer (整体配租), still running (from signing — a defect found at
    hand-over may be reported — to the lease's last day)."""
    if user.role != Role.tenant:
        return []
    today = clock.today()
    placed = select(LeaseOccupant.lease_id).where(LeaseOccupant.tenant_id == user.id,
                                                   LeaseOccupant.moved_out_on.is_(None))
    return list(session.execute(
        select(Lease, Unit, Project).join(Unit, Unit.id == Lease.unit_id)
        .join(Project, Project.id == Lease.project_id)
        .where(_running(today), or_(Lease.tenant_id == user.id, Lease.id.in_(placed)))
        .order_by(Lease.id)).all())


def tenancy(session: Session, user: User, unit_id: int) -> Lease:
    """The running lease under which ``user`` lives in unit ``unit_id``; 404 if they do not (a
    unit the person does not live in is answered like one that does not exist)."""
    for lease, _, _ in tenancies(session, user):
        if lease.unit_id == unit_id:
            return lease  # type: ignore[no-any-return]
    raise NotFound("未找到该房源：只能为本人在租或入住的房源报修")


# ---- repairs ------------------------------------------------------------------------------------

def get_repair(session: Session, user: User, repair_id: int, *, lock: bool = False) -> RepairRequest:
    stmt = select(RepairRequest).where(RepairRequest.id == repair_id, RepairRequest.visible_to(user))
    if lock:
        stmt = stmt.with_for_update()
    repair = session.scalar(stmt.execution_options(populate_existing=True))
    if repair is None:
        raise NotFound("未找到该报修")
    return repair


def repair_now(session: Session, repair: RepairRequest) -> RepairNow:
    return repairs_now(session, [repair])[0]


def repairs_now(session: Session, repairs: list[RepairRequest]) -> list[RepairNow]:
    """:class:`RepairNow` of a page of repairs: two statements whatever its size."""
    ids = [r.id for r in repairs]
    photos: dict[int, int] = {}
    charges: set[int] = set()
    if ids:
        photos = dict(session.execute(  # type: ignore[arg-type]
            select(UpkeepPhoto.repair_id, func.count(UpkeepPhoto.id))
            .where(UpkeepPhoto.repair_id.in_(ids)).group_by(UpkeepPhoto.repair_id)).all())
        charges = set(session.scalars(select(RepairCharge.repair_id).where(
            RepairCharge.repair_id.in_(ids), RepairCharge.status.in_(OPEN_CHARGE))))
    now = clock.now()
    return [RepairNow(r, photos.get(r.id, 0), r.id in charges, now) for r in repairs]


def repairs(session: Session, user: User, *, status: str | None = None, cursor: int | None,
            limit: int = DEFAULT_LIMIT) -> Page[RepairRequest]:
    """The repairs ``user`` may see, newest first (keyset by id)."""
    stmt = select(RepairRequest).where(RepairRequest.visible_to(user))
    if status:
        stmt = stmt.where(RepairRequest.status == status)
    return keyset(session, stmt, RepairRequest.id, cursor=cursor, limit=limit)


def queue(session: Session, user: User, *, project_id: int | None = None, cursor: int | None,
          limit: int = DEFAULT_LIMIT) -> Page[RepairRequest]:
    """Open repairs (not yet done) by completion deadline, earliest first (keyset by deadline
    and id): the operator's work list, and 住建's."""
    stmt = select(RepairRequest).where(RepairRequest.visible_to(user),
                                       RepairRequest.status.in_(OPEN_VALUES))
    if project_id is not None:
        stmt = stmt.where(RepairRequest.project_id == project_id)
    return keyset_by(session, stmt, [RepairRequest.complete_by], RepairRequest.id, cursor=cursor,
                     limit=limit)


def history(session: Session, repair: RepairRequest, *, cursor: int | None,
            limit: int = DEFAULT_LIMIT) -> Page[RepairEvent]:
    """Every step of a repair, oldest first (keyset by id)."""
    return keyset(session, select(RepairEvent).where(RepairEvent.repair_id == repair.id),
                  RepairEvent.id, cursor=cursor, limit=limit, descending=False)


def photos_of(session: Session, *, repairs: Iterable[int] = (), checks: Iterable[int] = (),
              inspections: Iterable[int] = ()) -> list[UpkeepPhoto]:
    """The photos of these records, in upload order (each record has at most 5 of a kind)."""
    wanted = []
    for column, ids in ((UpkeepPhoto.repair_id, list(repairs)), (UpkeepPhoto.safety_check_id, list(checks)),
                        (UpkeepPhoto.inspection_id, list(inspections))):
        if ids:
            wanted.append(column.in_(ids))
    if not wanted:
        return []
    return list(session.scalars(select(UpkeepPhoto).where(or_(*wanted)).order_by(UpkeepPhoto.id)))


def photo_count(session: Session, *, repair_id: int | None = None, check_id: int | None = None,
                inspection_id: int | None = None, purpose: str | None = None) -> int:
    stmt = select(func.count(UpkeepPhoto.id))
    if repair_id is not None:
        stmt = stmt.where(UpkeepPhoto.repair_id == repair_id)
    if check_id is not None:
        stmt = stmt.where(UpkeepPhoto.safety_check_id == check_id)
    if inspection_id is not None:
        stmt = stmt.where(UpkeepPhoto.inspection_id == inspection_id)
    if purpose is not None:
        stmt = stmt.where(UpkeepPhoto.purpose == purpose)
    return session.scalar(stmt) or 0


def charges_of(session: Session, repair_ids: list[int]) -> list[RepairCharge]:
    if not repair_ids:
        return []
    return list(session.scalars(select(RepairCharge).where(RepairCharge.repair_id.in_(repair_ids))
                                .order_by(RepairCharge.id)))


def get_charge(session: Session, user: User, charge_id: int, *,
               lock: bool = False) -> tuple[RepairCharge, RepairRequest]:
    """A charge and its repair, if ``user`` may see the repair (404 otherwise)."""
    charge = session.get(RepairCharge, charge_id)
    if charge is None:
        raise NotFound("未找到该赔偿主张")
    try:
        repair = get_repair(session, user, charge.repair_id, lock=lock)
    except NotFound:
        raise NotFound("未找到该赔偿主张") from None
    if lock:
        charge = session.scalar(select(RepairCharge).where(RepairCharge.id == charge_id)
                                .with_for_update().execution_options(populate_existing=True))
    return charge, repair  # type: ignore[return-value]


def units(session: Session, ids: set[int]) -> dict[int, Unit]:
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}


def projects(session: Session, ids: set[int]) -> dict[int, Project]:
    return ({p.id: p for p in session.scalars(select(Project).where(Project.id.in_(ids)))}
            if ids else {})


def full_names(session: Session, ids: set[int]) -> dict[int, str]:
    return ({u.id: u.full_name or u.username for u in session.scalars(select(User).where(User.id.in_(ids)))}
            if ids else {})


def organization_names(session: Session, ids: set[int]) -> dict[int, str]:
    return ({o.id: o.name for o in session.scalars(select(Organization).where(Organization.id.in_(ids)))}
            if ids else {})


def department_names(session: Session, ids: set[int]) -> dict[int, str]:
    return ({d.id: d.name for d in session.scalars(select(Department).where(Department.id.in_(ids)))}
            if ids else {})


def actor_unit(user: User) -> str:
    if user.department is not None:
        return user.department.name
    if user.organization is not None:
        return user.organization.name
    return ""


# ---- photos and files ----------------------------------------------------------------------------

def get_photo(session: Session, user: User, photo_id: int) -> UpkeepPhoto:
    """A photo, if ``user`` may see the record it belongs to (404 like a missing one otherwise)."""
    photo = session.get(UpkeepPhoto, photo_id)
    try:
        if photo is None:
            raise NotFound
        if photo.repair_id is not None:
            get_repair(session, user, photo.repair_id)
        elif photo.safety_check_id is not None:
            check = session.get(FireSafetyCheck, photo.safety_check_id)
            upkeep_project(session, user, check.project_id)  # type: ignore[union-attr]
        else:
            inspection = session.get(SafetyInspection, photo.inspection_id)
            upkeep_project(session, user, inspection.project_id)  # type: ignore[union-attr]
    except NotFound:
        raise NotFound("未找到该照片") from None
    return photo


# ---- a project's upkeep ---------------------------------------------------------------------------

def upkeep_project(session: Session, user: User, project_id: int, *, lock: bool = False) -> Project:
    """The project, if ``user`` reads its upkeep records: its operator, 住建, the office,
    auditors and the administrator (404 for anyone else, as for a missing project)."""
    if not (city_wide(user) or user.role == Role.developer):
        raise NotFound("未找到该项目")
    return get_project(session, user, project_id, lock=lock, load=(joinedload(Project.organization),))


def last_check(session: Session, project_id: int) -> FireSafetyCheck | None:
    return session.scalar(select(FireSafetyCheck).where(FireSafetyCheck.project_id == project_id)
                          .order_by(FireSafetyCheck.checked_on.desc(), FireSafetyCheck.id.desc()).limit(1))


def checks(session: Session, project: Project, *, cursor: int | None,
           limit: int = DEFAULT_LIMIT) -> Page[FireSafetyCheck]:
    """A project's fire-safety checks, newest first (keyset by id)."""
    return keyset(session, select(FireSafetyCheck).where(FireSafetyCheck.project_id == project.id),
                  FireSafetyCheck.id, cursor=cursor, limit=limit)


def inspections(session: Session, project: Project, *, cursor: int | None,
                limit: int = DEFAULT_LIMIT) -> Page[SafetyInspection]:
    """住建's inspections of a project, newest first (keyset by id)."""
    return keyset(session, select(SafetyInspection).where(SafetyInspection.project_id == project.id),
                  SafetyInspection.id, cursor=cursor, limit=limit)


def get_inspection(session: Session, user: User, inspection_id: int, *,
                   lock: bool = False) -> SafetyInspection:
    inspection = session.get(SafetyInspection, inspection_id)
    try:
        if inspection is None:
            raise NotFound
        upkeep_project(session, user, inspection.project_id)
    except NotFound:
        raise NotFound("未找到该检查记录") from None
    if lock:
        inspection = session.scalar(select(SafetyInspection).where(SafetyInspection.id == inspection_id)
                                    .with_for_update().execution_options(populate_existing=True))
    return inspection  # type: ignore[return-value]


def plans(session: Session, project: Project, *, cursor: int | None,
          limit: int = DEFAULT_LIMIT) -> Page[EmergencyPlan]:
    """A project's emergency plans, current and superseded, newest first (keyset by id)."""
    return keyset(session, select(EmergencyPlan).where(EmergencyPlan.project_id == project.id),
                  EmergencyPlan.id, cursor=cursor, limit=limit)


def current_plans(session: Session, project_id: int, kind: str) -> list[EmergencyPlan]:
    return list(session.scalars(select(EmergencyPlan).where(
        EmergencyPlan.project_id == project_id, EmergencyPlan.kind == kind,
        EmergencyPlan.status == PlanStatus.current.value).with_for_update()))


def get_plan(session: Session, user: User, plan_id: int) -> EmergencyPlan:
    plan = session.get(EmergencyPlan, plan_id)
    try:
        if plan is None:
            raise NotFound
        upkeep_project(session, user, plan.project_id)
    except NotFound:
        raise NotFound("未找到该应急预案") from None
    return plan


def quality_records(session: Session, project: Project, *, cursor: int | None,
                    limit: int = DEFAULT_LIMIT) -> Page[QualitySupervision]:
    """住建's quality and safety supervision results of a project, newest first."""
    return keyset(session, select(QualitySupervision).where(QualitySupervision.project_id == project.id),
                  QualitySupervision.id, cursor=cursor, limit=limit)


def latest_quality(session: Session, project_id: int) -> QualitySupervision | None:
    return session.scalar(select(QualitySupervision).where(QualitySupervision.project_id == project_id)
                          .order_by(QualitySupervision.id.desc()).limit(1))


# ---- figures: a project, the city ---------------------------------------------------------------------

def _overdue_repair(now: datetime) -> Any:
    """Open and past its completion deadline, or not yet accepted and past that deadline."""
    return and_(RepairRequest.status.in_(OPEN_VALUES), or_(
        RepairRequest.complete_by < now,
        and_(RepairRequest.status == RepairStatus.submitted.value, RepairRequest.accept_by < now)))


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def repair_figures(session: Session, project_ids: list[int] | None,
                   now: datetime) -> dict[int, dict[str, int]]:
    """Per project: repairs, open, overdue, completed (done or confirmed), reopened, and of
    those ever completed. ``None``: every project."""
    stmt = select(RepairRequest.project_id, func.count(RepairRequest.id),
                  _count(RepairRequest.status.in_(OPEN_VALUES)), _count(_overdue_repair(now)),
                  _count(RepairRequest.status.in_(DONE_VALUES)),
                  _count(RepairRequest.reopen_count > 0),
                  _count(RepairRequest.completed_at.is_not(None))).group_by(RepairRequest.project_id)
    if project_ids is not None:
        stmt = stmt.where(RepairRequest.project_id.in_(project_ids))
    return {row[0]: {"repairs": row[1], "open": row[2], "overdue": row[3], "completed": row[4],
                     "reopened": row[5], "ever_completed": row[6]} for row in session.execute(stmt)}


def completion_hours(session: Session, project_ids: list[int] | None, *,
                     since: datetime | None = None) -> dict[int, list[float]]:
    """Per project, the hours from report to completion of each repair done (or confirmed)."""
    stmt = select(RepairRequest.project_id, RepairRequest.reported_at, RepairRequest.completed_at).where(
        RepairRequest.status.in_(DONE_VALUES), RepairRequest.completed_at.is_not(None))
    if project_ids is not None:
        stmt = stmt.where(RepairRequest.project_id.in_(project_ids))
    if since is not None:
        stmt = stmt.where(RepairRequest.completed_at >= since)
    found: dict[int, list[float]] = {}
    for project_id, reported, completed in session.execute(stmt):
        found.setdefault(project_id, []).append((completed - reported).total_seconds() / 3600)
    return found


def disputed_charges(session: Session, project_ids: list[int] | None) -> dict[int, int]:
    stmt = (select(RepairRequest.project_id, func.count(RepairCharge.id))
            .join(RepairRequest, RepairRequest.id == RepairCharge.repair_id)
            .where(RepairCharge.status == ChargeStatus.disputed.value).group_by(RepairRequest.project_id))
    if project_ids is not None:
        stmt = stmt.where(RepairRequest.project_id.in_(project_ids))
    return dict(session.execute(stmt).all())  # type: ignore[arg-type]


def last_checks(session: Session, project_ids: list[int] | None) -> dict[int, date]:
    stmt = select(FireSafetyCheck.project_id, func.max(FireSafetyCheck.checked_on)).group_by(
        FireSafetyCheck.project_id)
    if project_ids is not None:
        stmt = stmt.where(FireSafetyCheck.project_id.in_(project_ids))
    return dict(session.execute(stmt).all())  # type: ignore[arg-type]


def inspection_figures(session: Session, project_ids: list[int] | None,
                       today: date) -> dict[int, tuple[int, int]]:
    """Per project: inspections waiting for rectification, and of those past their deadline."""
    stmt = (select(SafetyInspection.project_id, func.count(SafetyInspection.id),
                   _count(SafetyInspection.rectify_by < today))
            .where(SafetyInspection.status == InspectionStatus.open.value)
            .group_by(SafetyInspection.project_id))
    if project_ids is not None:
        stmt = stmt.where(SafetyInspection.project_id.in_(project_ids))
    return {row[0]: (row[1], row[2]) for row in session.execute(stmt)}


def plan_figures(session: Session, project_ids: list[int] | None,
                 today: date) -> dict[int, tuple[int, int]]:
    """Per project: plans in force, and of those past their review date."""
    stmt = (select(EmergencyPlan.project_id, func.count(EmergencyPlan.id),
                   _count(EmergencyPlan.review_on < today))
            .where(EmergencyPlan.status == PlanStatus.current.value).group_by(EmergencyPlan.project_id))
    if project_ids is not None:
        stmt = stmt.where(EmergencyPlan.project_id.in_(project_ids))
    return {row[0]: (row[1], row[2]) for row in session.execute(stmt)}


def supervised_projects(session: Session, user: User | None) -> list[Project]:
    """The projects the supervision covers, as ``user`` may see them (None: all of them):
    every project in operation, and any other with a repair on record (organisation loaded)."""
    with_repairs = select(RepairRequest.project_id).distinct()
    stmt: Select[Any] = (select(Project).options(joinedload(Project.organization))
                         .where(or_(Project.status.in_([s.value for s in IN_OPERATION]),
                                    Project.id.in_(with_repairs)))
                         .order_by(Project.id))
    if user is not None:
        stmt = stmt.where(project_scope(user, Project.id))
    return list(session.scalars(stmt))


def open_repair_count(session: Session, project_id: int, now: datetime) -> tuple[int, int]:
    row = session.execute(select(_count(RepairRequest.status.in_(OPEN_VALUES)), _count(_overdue_repair(now)))
                          .where(RepairRequest.project_id == project_id)).one()
    return int(row[0]), int(row[1])

