"""Reads of the tenants domain: profiles and commitments, the registries, applications and
their priority groups, housing on offer, notices and lotteries. Scoped reads take the user
(``visible_to``); a missing or hidden object answers 404."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import IN_OPERATION
from app.approval.models import Project
from app.core.errors import InvalidInput, NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by, mapped
from app.core.personal_data import id_number_digest
from app.notices import repository as notices_repo
from app.notices.models import Notice
from app.operation.enums import RentStandardStatus, UnitStatus
from app.operation.models import RentStandard, Unit
from app.operation.repository import operating_projects
from app.tenants.enums import OPEN_APPLICATION, ApplicationStatus, LotteryStatus
from app.tenants.models import (
    Lottery,
    PriorityGroup,
    PropertyRecord,
    PublicRentalRecord,
    TenantApplication,
    TenantCommitment,
    TenantProfile,
)
from rules import art32_eligibility as art32

# ---- profiles, commitments, the registries ---------------------------------------------------


def profile_of(session: Session, user_id: int) -> TenantProfile | None:
    return session.get(TenantProfile, user_id)


def commitment_of(session: Session, user_id: int) -> TenantCommitment | None:
    """The person's latest signed annex-4 commitment."""
    return session.scalar(select(TenantCommitment).where(TenantCommitment.user_id == user_id)
                          .order_by(TenantCommitment.id.desc()).limit(1))


def registry_facts(session: Session, person: User) -> tuple[list[art32.PropertyRecord],
                                                           art32.PublicRentalRecord | None]:
    """What 不动产登记 and 住房保障 hold for this person (found by the keyed 身份证 digest)."""
    digest = person.id_number_digest
    if digest is None:
        return [], None
    properties = [art32.PropertyRecord(r.address, r.district, r.acquired_on) for r in session.scalars(
        select(PropertyRecord).where(PropertyRecord.id_number_digest == digest))]
    rental = session.scalar(select(PublicRentalRecord).where(
        PublicRentalRecord.id_number_digest == digest).order_by(PublicRentalRecord.id.desc()).limit(1))
    return properties, (art32.PublicRentalRecord(rental.qualified, rental.receiving) if rental else None)


def property_records(session: Session, import_id: int) -> list[PropertyRecord]:
    """The homes of one property import with a date of acquisition."""
    return list(session.scalars(select(PropertyRecord).where(
        PropertyRecord.import_id == import_id, PropertyRecord.acquired_on.is_not(None))
        .order_by(PropertyRecord.id)))


def tenant_id_by_number(session: Session, id_number: str) -> int | None:
    """The registered tenant with this 身份证 number (found by its keyed digest)."""
    return session.scalar(select(User.id).where(User.id_number_digest == id_number_digest(id_number),
                                                User.role == Role.tenant))


def tenant_id_by_digest(session: Session, digest: str) -> int | None:
    """The registered tenant whose 身份证 number has this keyed digest."""
    return session.scalar(select(User.id).where(User.id_number_digest == digest,
                                                User.role == Role.tenant))


# ---- projects open for applications, housing on offer ----------------------------------------

def open_project(session: Session, project_id: int, missing: Exception | None = None) -> Project:
    """A certified project accepting applications (anyone may apply to one)."""
    project = session.get(Project, project_id)
    if project is None or project.status not in IN_OPERATION:
        raise missing or InvalidInput("该项目不存在或未在受理租赁申请", field="project_id")
    return project


def units_available(session: Session, project_id: int) -> int:
    """Published units not under lease."""
    return session.scalar(select(func.count(Unit.id)).where(Unit.project_id == project_id,
                                                            Unit.status == UnitStatus.published)) or 0


def housing_on_offer(session: Session, *, cursor: int | None = None,
                     limit: int = DEFAULT_LIMIT) -> Page[Any]:
    """Certified projects accepting applications: units available and a filed rent in force,
    oldest project first (keyset by id). One statement a page, whatever its size: the units
    available are counted per project inside it. Rows; :func:`app.tenants.views.housing_view`
    presents them."""
    published = (Unit.project_id == Project.id, Unit.status == UnitStatus.published)
    available = (select(func.count(Unit.id)).where(*published).correlate(Project)
                 .scalar_subquery().label("units_available"))
    stmt = (select(Project.id, Project.name, Project.district, Project.address,
                   Project.operator_unit_name, available, RentStandard.rates)
            .join(RentStandard, and_(RentStandard.project_id == Project.id,
                                     RentStandard.status == RentStandardStatus.filed))
            .where(Project.status.in_([s.value for s in IN_OPERATION]),
                   exists(select(Unit.id).where(*published))))
    return keyset(session, stmt, Project.id, cursor=cursor, limit=limit, descending=False,
                  scalars=False)


def housing_unit_types(session: Session, project_ids: list[int]) -> list[Any]:
    """The published units of these projects by unit type and area: (project_id, unit_type,
    kind, building_area_m2, count). One statement for a page of projects."""
    if not project_ids:
        return []
    return list(session.execute(
        select(Unit.project_id, Unit.unit_type, Unit.kind, Unit.building_area_m2,
               func.count(Unit.id).label("count"))
        .where(Unit.project_id.in_(project_ids), Unit.status == UnitStatus.published)
        .group_by(Unit.project_id, Unit.unit_type, Unit.kind, Unit.building_area_m2)
        .order_by(Unit.project_id, Unit.building_area_m2, Unit.unit_type)))


# ---- applications ----------------------------------------------------------------------------

def application(session: Session, user: User, application_id: int, *,
                lock: bool = False) -> TenantApplication:
    """An application ``user`` may see (locked for a change with ``lock``); 404 otherwise."""
    stmt = select(TenantApplication).where(TenantApplication.id == application_id,
                                           TenantApplication.visible_to(user))
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalar(stmt.execution_options(populate_existing=True))
    if found is None:
        raise NotFound("未找到该申请")
    return found


def application_by_id(session: Session, application_id: int) -> TenantApplication | None:
    """An application, unscoped (the lease it was signed on names it)."""
    return session.get(TenantApplication, application_id)


def has_open_application(session: Session, person_id: int) -> bool:
    """Whether the person has an application submitted or approved (one per person)."""
    return session.scalar(select(TenantApplication.id).where(
        TenantApplication.applicant_id == person_id,
        TenantApplication.status.in_(OPEN_APPLICATION)).limit(1)) is not None


def applications(session: Session, user: User, status: str | None, project_id: int | None, *,
                 cursor: int | None = None, limit: int = DEFAULT_LIMIT) -> Page[TenantApplication]:
    """The applications ``user`` may see, newest first (keyset by id)."""
    stmt = select(TenantApplication).where(TenantApplication.visible_to(user))
    if status:
        stmt = stmt.where(TenantApplication.status == status)
    if project_id:
        stmt = stmt.where(TenantApplication.project_id == project_id)
    return keyset(session, stmt, TenantApplication.id, cursor=cursor, limit=limit)


def people(session: Session, ids: set[int]) -> dict[int, User]:
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def project_names(session: Session, ids: set[int]) -> dict[int, str]:
    return dict(session.execute(select(Project.id, Project.name).where(  # type: ignore[arg-type]
        Project.id.in_(ids))).all()) if ids else {}


def priority_group_names(session: Session, ids: set[int]) -> dict[int, str]:
    return dict(session.execute(select(PriorityGroup.id, PriorityGroup.name).where(  # type: ignore[arg-type]
        PriorityGroup.id.in_(ids))).all()) if ids else {}


def waiting(session: Session, project_id: int) -> list[TenantApplication]:
    """Approved applications of a project still waiting for a unit."""
    return list(session.scalars(select(TenantApplication).where(
        TenantApplication.project_id == project_id,
        TenantApplication.status == ApplicationStatus.approved).order_by(TenantApplication.id)))


def ahead_in_lottery(session: Session, application: TenantApplication) -> bool:
    """Whether an approved application of the same draw is ranked before this one."""
    return session.scalar(select(TenantApplication.id).where(
        TenantApplication.lottery_id == application.lottery_id,
        TenantApplication.status == ApplicationStatus.approved,
        TenantApplication.allocation_rank < application.allocation_rank).limit(1)) is not None


def more_waiting_than_units(session: Session, project_id: int) -> bool:
    """Whether the approved applications outside any draw outnumber the units available."""
    return session.scalar(select(TenantApplication.id).where(
        TenantApplication.project_id == project_id,
        TenantApplication.status == ApplicationStatus.approved,
        TenantApplication.lottery_id.is_(None)).offset(units_available(session, project_id))
        .limit(1)) is not None


# ---- priority groups ---------------------------------------------------------------------------

def priority_groups(session: Session, project_id: int) -> list[PriorityGroup]:
    """A project's priority groups in the order they are drawn."""
    return list(session.scalars(select(PriorityGroup).where(PriorityGroup.project_id == project_id)
                                .order_by(PriorityGroup.rank, PriorityGroup.id)))


def priority_groups_page(session: Session, project_id: int, *, cursor: int | None,
                         limit: int) -> Page[PriorityGroup]:
    """A project open for applications and its priority groups in lottery order (keyset by
    rank and id); 404 for any other project."""
    open_project(session, project_id, missing=NotFound("未找到该项目"))
    return keyset_by(session, select(PriorityGroup).where(PriorityGroup.project_id == project_id),
                     [PriorityGroup.rank], PriorityGroup.id, cursor=cursor, limit=limit)


# ---- notices -----------------------------------------------------------------------------------

def notices_page(session: Session, user: User, *, cursor: int | None,
                 limit: int) -> Page[Notice]:
    """A tenant's notices, newest first (keyset by id): the notice centre's (app.notices)."""
    return notices_repo.notices_page(session, user, cursor=cursor, limit=limit)


# ---- lotteries ---------------------------------------------------------------------------------

def lottery(session: Session, lottery_id: int, *, lock: bool = False) -> Lottery:
    """A lottery (public: anyone may see a draw); 404 if there is none."""
    stmt = select(Lottery).where(Lottery.id == lottery_id)
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalar(stmt)
    if found is None:
        raise NotFound("未找到该摇号")
    return found


def lottery_waiting(session: Session, project_id: int) -> bool:
    """Whether the project has a lottery committed and not drawn yet."""
    return session.scalar(select(Lottery.id).where(
        Lottery.project_id == project_id, Lottery.status == LotteryStatus.committed).limit(1)) is not None


def lottery_applications(session: Session, lottery_id: int) -> dict[str, TenantApplication]:
    """The applications in a draw, by the key the draw orders them by (the id as text)."""
    return {str(a.id): a for a in session.scalars(select(TenantApplication).where(
        TenantApplication.lottery_id == lottery_id))}


def lotteries_of(session: Session, project_ids: list[int]) -> dict[int, list[Lottery]]:
    found: dict[int, list[Lottery]] = {pid: [] for pid in project_ids}
    for lottery_ in session.scalars(select(Lottery).where(Lottery.project_id.in_(project_ids))
                                    .order_by(Lottery.id.desc())):
        found[lottery_.project_id].append(lottery_)
    return found


def lottery_board(session: Session, user: User, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """A page of projects in operation with, for each, the approved applications not yet in a
    draw, the units available and its lotteries: four statements whatever the page's size."""
    found = operating_projects(session, user, cursor=cursor, limit=limit)
    ids = [p.id for p in found.items]
    if not ids:
        return Page([], found.next_cursor)
    waiting_ = dict(session.execute(
        select(TenantApplication.project_id, func.count(TenantApplication.id))
        .where(TenantApplication.project_id.in_(ids),
               TenantApplication.status == ApplicationStatus.approved,
               TenantApplication.lottery_id.is_(None))
        .group_by(TenantApplication.project_id)).all())
    available = dict(session.execute(
        select(Unit.project_id, func.count(Unit.id))
        .where(Unit.project_id.in_(ids), Unit.status == UnitStatus.published)
        .group_by(Unit.project_id)).all())
    drawn = lotteries_of(session, ids)
    return mapped(found, lambda p: {"project": p, "waiting": waiting_.get(p.id, 0),
                                    "available": available.get(p.id, 0), "lotteries": drawn[p.id]})
