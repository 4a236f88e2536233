"""Repairs, the state changes (第三十九条): a tenant reports a problem on the unit they live in,
the operator accepts, assigns, comments and completes it within the city's deadlines, the
tenant confirms or reopens it, and a charge for damage the tenant caused is a separate item the
tenant may dispute.

Who may take each step, from which state: :data:`~app.upkeep.workflows.REPAIR` and
:data:`~app.upkeep.workflows.CHARGE`; whether the law allows it: ``rules.art39_repairs``. Each
change writes the repair's history (what the tenant follows) and its audit event in the same
transaction; photos are checked and re-encoded before anything is written, and stored as
:mod:`app.upkeep.media` describes (moved into place after their rows are flushed, removed if the
transaction rolls back). The project-level records (checks, inspections, plans, quality) are in
:mod:`app.upkeep.safety`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.service import record
from app.calendar.service import work_calendar
from app.core import clock
from app.core.config import get_settings
from app.core.db import offload
from app.core.errors import RuleViolation
from app.upkeep import media, repository
from app.upkeep.enums import ChargeStatus, PhotoPurpose, RepairAction, RepairStatus
from app.upkeep.media import Processed, Upload
from app.upkeep.models import RepairCharge, RepairEvent, RepairRequest, UpkeepPhoto
from app.upkeep.schemas import (
    AssignIn,
    ChargeIn,
    CommentIn,
    CompleteIn,
    OptionalCommentIn,
    OptionalReasonIn,
    ReasonIn,
    RepairIn,
)
from app.upkeep.workflows import CHARGE, REPAIR
from rules import art39_repairs as art39

R = RepairStatus


def local_now() -> datetime:
    """Now, in the city's time zone (the deadlines' days are its days)."""
    return clock.now().astimezone(ZoneInfo(get_settings().timezone))


def utc(instant: datetime) -> datetime:
    """An instant as it is stored and read back (UTC)."""
    return instant.astimezone(UTC)


# ---- photos ----------------------------------------------------------------------------------

def processed_photos(uploads: list[Upload], already: int = 0) -> list[Processed]:
    """Every photo checked and re-encoded (CPU work, off the event loop), or the first bad one
    refused naming its file — before anything is written."""
    media.check_count(uploads, already)
    return [offload(media.process_photo, upload) for upload in uploads]


def attach_photos(session: Session, user: User, processed: list[Processed], folder: str,
                  purpose: str, **owner: int) -> list[UpkeepPhoto]:
    """Rows for the photos and their files: staged, rows flushed, then moved into place."""
    staged: list[media.Staged] = []
    try:
        for item in processed:
            staged.append(media.stage(item, folder))
        photos = [UpkeepPhoto(purpose=purpose, path=s.path, sha256=p.sha256, content_type=p.content_type,
                              width=p.width, height=p.height, size_bytes=len(p.data),
                              uploaded_by_id=user.id, **owner)
                  for s, p in zip(staged, processed, strict=True)]
        session.add_all(photos)
        session.flush()
    except BaseException:
        media.discard(staged)
        raise
    media.place(session, staged)
    return photos


# ---- history ---------------------------------------------------------------------------------

def _event(session: Session, user: User, repair: RepairRequest, action: RepairAction,
           from_status: str | None, comment: str | None = None,
           details: dict[str, Any] | None = None) -> None:
    session.add(RepairEvent(repair_id=repair.id, at=clock.now(), actor_id=user.id, actor_role=user.role,
                            actor_unit=repository.actor_unit(user), action=action.value,
                            from_status=from_status, to_status=repair.status,
                            comment=(comment or "").strip() or None, details=details or {}))


def _audit(session: Session, user: User, action: RepairAction, repair: RepairRequest,
           **summary: Any) -> None:
    record(session, actor=user, action=f"repair.{action.value}", entity_type="repair_request",
           entity_id=repair.id, summary={"status": repair.status, **summary})


# ---- reporting ---------------------------------------------------------------------------------

def report(session: Session, user: User, data: RepairIn, uploads: list[Upload]) -> RepairRequest:
    """A tenant (or a placed occupant) reports a problem on the unit they live in, with up to
    five photos; the accept and completion deadlines are fixed now (第三十九条)."""
    media.check_count(uploads)
    lease = repository.tenancy(session, user, data.unit_id)
    processed = processed_photos(uploads)
    at = local_now()
    deadlines = art39.repair_deadlines(data.urgency, at, work_calendar(session))
    repair = RepairRequest(project_id=lease.project_id, unit_id=lease.unit_id, lease_id=lease.id,
                           reporter_id=user.id, category=data.category, urgency=data.urgency,
                           description=data.description.strip(), status=R.submitted, reported_at=utc(at),
                           accept_by=utc(deadlines.accept_by), complete_by=utc(deadlines.complete_by))
    session.add(repair)
    session.flush()
    photos = attach_photos(session, user, processed, "repairs", PhotoPurpose.report, repair_id=repair.id)
    _event(session, user, repair, RepairAction.reported, None, details={
        "photos": len(photos), "accept_by": repair.accept_by.isoformat(),
        "complete_by": repair.complete_by.isoformat(),
        "accept_term": deadlines.accept_term.text, "complete_term": deadlines.complete_term.text})
    _audit(session, user, RepairAction.reported, repair, unit_id=repair.unit_id,
           category=repair.category, urgency=repair.urgency, accept_by=repair.accept_by,
           complete_by=repair.complete_by, photos=[p.sha256 for p in photos])
    return repair


def add_photos(session: Session, user: User, repair_id: int, uploads: list[Upload]) -> RepairRequest:
    """The reporter adds photos while the repair is open (five in all)."""
    repair = repository.get_repair(session, user, repair_id, lock=True)
    now = repository.repair_now(session, repair)
    REPAIR.check("add_photos", user, now)
    processed = processed_photos(uploads, now.photos)
    photos = attach_photos(session, user, processed, "repairs", PhotoPurpose.report, repair_id=repair.id)
    _event(session, user, repair, RepairAction.photos_added, repair.status,
           details={"photos": len(photos)})
    _audit(session, user, RepairAction.photos_added, repair, photos=[p.sha256 for p in photos])
    return repair


# ---- the steps -----------------------------------------------------------------------------------

def _take(session: Session, user: User, repair_id: int, action: str) -> tuple[RepairRequest, str]:
    repair = repository.get_repair(session, user, repair_id, lock=True)
    REPAIR.check(action, user, repository.repair_now(session, repair))
    return repair, repair.status


def accept(session: Session, user: User, repair_id: int, data: OptionalCommentIn) -> RepairRequest:
    repair, before = _take(session, user, repair_id, "accept")
    repair.status, repair.accepted_at = R.accepted, clock.now()
    late = repair.accepted_at > repair.accept_by
    _event(session, user, repair, RepairAction.accepted, before, data.comment, {"late": late})
    _audit(session, user, RepairAction.accepted, repair, late=late)
    return repair


def assign(session: Session, user: User, repair_id: int, data: AssignIn) -> RepairRequest:
    repair, before = _take(session, user, repair_id, "assign")
    repair.status, repair.assigned_to, repair.assigned_at = R.in_progress, data.worker.strip(), clock.now()
    _event(session, user, repair, RepairAction.assigned, before, data.comment,
           {"worker": repair.assigned_to})
    _audit(session, user, RepairAction.assigned, repair)
    return repair


def comment(session: Session, user: User, repair_id: int, data: CommentIn) -> RepairRequest:
    repair, before = _take(session, user, repair_id, "comment")
    _event(session, user, repair, RepairAction.commented, before, data.comment)
    _audit(session, user, RepairAction.commented, repair)
    return repair


def complete(session: Session, user: User, repair_id: int, data: CompleteIn) -> RepairRequest:
    """The operator reports the work done; the tenant confirms it or reopens it until
    ``confirm_by`` (``repair_confirm_days``)."""
    repair, before = _take(session, user, repair_id, "complete")
    at = local_now()
    repair.status, repair.completed_at = R.completed, utc(at)
    repair.completion_note, repair.confirm_by = data.note.strip(), utc(art39.confirmation_deadline(at))
    late = at > repair.complete_by
    _event(session, user, repair, RepairAction.completed, before, data.note,
           {"late": late, "confirm_by": repair.confirm_by.isoformat()})
    _audit(session, user, RepairAction.completed, repair, late=late, confirm_by=repair.confirm_by)
    return repair


def confirm(session: Session, user: User, repair_id: int, data: OptionalCommentIn) -> RepairRequest:
    repair, before = _take(session, user, repair_id, "confirm")
    repair.status, repair.confirmed_at, repair.confirmed_by_tenant = R.confirmed, clock.now(), True
    _event(session, user, repair, RepairAction.confirmed, before, data.comment)
    _audit(session, user, RepairAction.confirmed, repair)
    return repair


def reopen(session: Session, user: User, repair_id: int, data: ReasonIn) -> RepairRequest:
    """Not fixed: back to the operator, with a fresh completion term from now."""
    repair, before = _take(session, user, repair_id, "reopen")
    at = local_now()
    repair.status, repair.confirm_by = R.in_progress, None
    repair.reopen_count += 1
    repair.complete_by = utc(art39.completion_deadline(repair.urgency, at, work_calendar(session)))
    _event(session, user, repair, RepairAction.reopened, before, data.reason,
           {"complete_by": repair.complete_by.isoformat()})
    _audit(session, user, RepairAction.reopened, repair, complete_by=repair.complete_by,
           reopen_count=repair.reopen_count)
    return repair


def close(session: Session, user: User, repair_id: int) -> RepairRequest:
    """The tenant did not answer within the confirmation period: closed as confirmed."""
    repair, before = _take(session, user, repair_id, "close")
    repair.status, repair.confirmed_at, repair.confirmed_by_tenant = R.confirmed, clock.now(), False
    _event(session, user, repair, RepairAction.closed, before)
    _audit(session, user, RepairAction.closed, repair)
    return repair


def withdraw(session: Session, user: User, repair_id: int, data: OptionalReasonIn) -> RepairRequest:
    repair, before = _take(session, user, repair_id, "withdraw")
    repair.status, repair.withdrawn_at = R.withdrawn, clock.now()
    _event(session, user, repair, RepairAction.withdrawn, before, data.reason)
    _audit(session, user, RepairAction.withdrawn, repair)
    return repair


# ---- charges (第三十九条) ------------------------------------------------------------------------

def propose_charge(session: Session, user: User, repair_id: int, data: ChargeIn) -> RepairCharge:
    """Upkeep is the operator's cost: billing the tenant is refused (422, 第三十九条) unless it is
    damage the tenant caused, with the reason; then it is a separate item the tenant answers."""
    repair, before = _take(session, user, repair_id, "charge")
    decision = art39.check_charge(data.amount_yuan, data.tenant_caused, data.reason)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    charge = RepairCharge(repair_id=repair.id, amount_yuan=data.amount_yuan, reason=data.reason.strip(),
                          status=ChargeStatus.proposed, proposed_by_id=user.id, proposed_at=clock.now())
    session.add(charge)
    session.flush()
    _event(session, user, repair, RepairAction.charge_proposed, before, data.reason,
           {"charge_id": charge.id, "amount_yuan": str(charge.amount_yuan)})
    _audit(session, user, RepairAction.charge_proposed, repair, charge_id=charge.id,
           amount_yuan=str(charge.amount_yuan))
    return charge


def answer_charge(session: Session, user: User, charge_id: int, action: str,
                  data: OptionalCommentIn | ReasonIn | OptionalReasonIn) -> RepairCharge:
    """The tenant accepts or disputes a charge; the operator withdraws it."""
    charge, repair = repository.get_charge(session, user, charge_id, lock=True)
    CHARGE.check(action, user, charge)
    text = getattr(data, "reason", None) or getattr(data, "comment", "") or ""
    target = {"accept": ChargeStatus.accepted, "dispute": ChargeStatus.disputed,
              "withdraw": ChargeStatus.withdrawn}[action]
    kind = {"accept": RepairAction.charge_accepted, "dispute": RepairAction.charge_disputed,
            "withdraw": RepairAction.charge_withdrawn}[action]
    charge.status, charge.responded_at = target, clock.now()
    charge.response = text.strip() or charge.response
    _event(session, user, repair, kind, repair.status, text,
           {"charge_id": charge.id, "amount_yuan": str(charge.amount_yuan)})
    _audit(session, user, kind, repair, charge_id=charge.id, charge_status=charge.status)
    return charge
