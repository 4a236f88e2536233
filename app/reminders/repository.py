"""Reads of the reminders: the objects whose deadlines fall in a window, the people to tell,
the reminders already sent. Each finder is one statement (bounded however many objects)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import IN_OPERATION, IN_QUEUE
from app.approval.models import Project, ReviewDispatch
from app.core.paging import Page, keyset
from app.leases.enums import LeaseStatus, ViolationStatus
from app.leases.models import Lease, Violation
from app.operation.enums import ExitRequestStatus
from app.operation.models import Appraisal, ExitRequest
from app.reminders.models import Reminder
from app.upkeep.enums import OPEN as OPEN_REPAIRS
from app.upkeep.enums import InspectionStatus, RepairStatus
from app.upkeep.models import FireSafetyCheck, RepairRequest, SafetyInspection

STAFF = (Role.office, Role.leader, Role.department, Role.developer, Role.employer)


def staff(session: Session) -> list[User]:
    """Every active account that is not a tenant (staff and organisations; a few hundred)."""
    return list(session.scalars(select(User).where(User.role.in_([r.value for r in STAFF]),
                                                   User.is_active.is_(True))))


def projects_under_review(session: Session) -> list[Project]:
    return list(session.scalars(
        select(Project).where(Project.status.in_([s.value for s in IN_QUEUE]),
                              Project.accepted_on.is_not(None))
        .options(selectinload(Project.material_requests))))


def pending_dispatches(session: Session, project_ids: list[int]) -> list[tuple[int, int]]:
    """(project id, department id) of departments that have not given their opinion."""
    if not project_ids:
        return []
    return [(p, d) for p, d in session.execute(
        select(ReviewDispatch.project_id, ReviewDispatch.department_id)
        .where(ReviewDispatch.project_id.in_(project_ids), ReviewDispatch.opinion.is_(None)))]


def awaiting_listing(session: Session) -> list[Project]:
    """Completed projects whose units are not on the platform yet (第三十条)."""
    return list(session.scalars(select(Project).where(Project.completed_on.is_not(None),
                                                      Project.listed_on.is_(None))))


def pending_exits(session: Session) -> list[tuple[ExitRequest, Project]]:
    return [(e, p) for e, p in session.execute(
        select(ExitRequest, Project).join(Project, Project.id == ExitRequest.project_id)
        .where(ExitRequest.status == ExitRequestStatus.pending.value))]


def latest_appraisals(session: Session) -> list[tuple[Project, date]]:
    """Each operating project with the day of its latest appraisal (第三十七条)."""
    latest = (select(Appraisal.project_id, func.max(Appraisal.appraised_on).label("on"))
              .group_by(Appraisal.project_id).subquery())
    return [(p, on) for p, on in session.execute(
        select(Project, latest.c.on).join(latest, latest.c.project_id == Project.id)
        .where(Project.status.in_([s.value for s in IN_OPERATION])))]


def leases_ending(session: Session, until: date) -> list[Lease]:
    return list(session.scalars(select(Lease).where(Lease.status == LeaseStatus.active.value,
                                                    Lease.end_on <= until)))


def transitions_ending(session: Session, until: date) -> list[Lease]:
    return list(session.scalars(select(Lease).where(Lease.status == LeaseStatus.in_transition.value,
                                                    Lease.transition_ends_on <= until)))


def open_violations(session: Session, until: date) -> list[tuple[Violation, str | None]]:
    """Open violations due by ``until``, with the lease number where there is one."""
    return [(v, number) for v, number in session.execute(
        select(Violation, Lease.number).outerjoin(Lease, Lease.id == Violation.lease_id)
        .where(Violation.status == ViolationStatus.open.value, Violation.rectify_by <= until))]


def open_inspections(session: Session, until: date) -> list[tuple[SafetyInspection, Project]]:
    return [(i, p) for i, p in session.execute(
        select(SafetyInspection, Project).join(Project, Project.id == SafetyInspection.project_id)
        .where(SafetyInspection.status == InspectionStatus.open.value,
               SafetyInspection.rectify_by.is_not(None), SafetyInspection.rectify_by <= until))]


def repairs_to_complete(session: Session, until: datetime) -> list[tuple[RepairRequest, Project]]:
    """Repairs not yet done whose completion deadline is before ``until``."""
    return [(r, p) for r, p in session.execute(
        select(RepairRequest, Project).join(Project, Project.id == RepairRequest.project_id)
        .where(RepairRequest.status.in_([s.value for s in OPEN_REPAIRS]),
               RepairRequest.complete_by <= until))]


def repairs_to_accept(session: Session, until: datetime) -> list[tuple[RepairRequest, Project]]:
    """Repairs not yet accepted whose acceptance deadline is before ``until``."""
    return [(r, p) for r, p in session.execute(
        select(RepairRequest, Project).join(Project, Project.id == RepairRequest.project_id)
        .where(RepairRequest.status == RepairStatus.submitted.value, RepairRequest.accept_by <= until))]


def operating_with_last_check(session: Session) -> list[tuple[Project, date | None]]:
    last = (select(FireSafetyCheck.project_id, func.max(FireSafetyCheck.checked_on).label("on"))
            .group_by(FireSafetyCheck.project_id).subquery())
    return [(p, on) for p, on in session.execute(
        select(Project, last.c.on).outerjoin(last, last.c.project_id == Project.id)
        .where(Project.status.in_([s.value for s in IN_OPERATION]),
               Project.operation_started_on.is_not(None)))]


def sent_keys(session: Session, keys: Iterable[tuple[str, str, int, date, int]]) -> set[tuple[Any, ...]]:
    """Which of (kind, object type, object id, deadline, recipient) were already sent."""
    keys = list(keys)
    found: set[tuple[Any, ...]] = set()
    columns = (Reminder.kind, Reminder.object_type, Reminder.object_id, Reminder.deadline,
               Reminder.recipient_id)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found |= {tuple(row) for row in session.execute(
            select(*columns).where(tuple_(*columns).in_(chunk)))}
    return found


def reminders_page(session: Session, user: User, *, cursor: int | None, limit: int) -> Page[Reminder]:
    """Reminders sent, newest first: an administrator's or auditor's all, anyone else's own."""
    stmt = select(Reminder)
    if user.role not in (Role.admin, Role.auditor):
        stmt = stmt.where(Reminder.recipient_id == user.id)
    return keyset(session, stmt, Reminder.id, cursor=cursor, limit=limit)
