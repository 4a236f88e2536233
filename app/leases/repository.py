"""Reads of the leases domain: leases in the viewer's scope, the facts the transition table
asks about (:class:`~app.leases.workflows.LeaseNow`), occupants, violations and credit
records, and what the lease views show beside a lease. A missing or hidden object answers 404.
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import Organization, User
from app.approval.models import Project
from app.approval.repository import get_project
from app.core import clock
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset
from app.leases.enums import (
    ACTIVE,
    HOLDING,
    OPEN_OCCUPANCY,
    RESERVING,
    LeaseKind,
    LeaseStatus,
    OccupantStatus,
    ViolationParty,
    ViolationStatus,
)
from app.leases.models import Lease, LeaseOccupant, Violation
from app.leases.workflows import LEASE, LeaseNow
from app.operation.models import Appraisal, Unit
from app.tenants.models import PropertyRecord

# ---- leases ------------------------------------------------------------------------------------


def get(session: Session, user: User, lease_id: int, *, lock: bool = False) -> Lease:
    """A lease ``user`` may see (locked for a change with ``lock``); 404 otherwise."""
    stmt = select(Lease).where(Lease.id == lease_id, Lease.visible_to(user))
    if lock:
        stmt = stmt.with_for_update()
    lease = session.scalar(stmt.execution_options(populate_existing=True))
    if lease is None:
        raise NotFound("未找到该租赁合同")
    return lease


def by_reference(session: Session, reference: str) -> Lease:
    """The lease a public check names (第二十三条): its number and its verification code,
    ``ZL2025000001-7KQ3MX9P`` (case and spaces ignored). The numbers are sequential; the code
    is random, so the number alone finds nothing. An unknown number, a missing code and a wrong
    code all answer the same 404 (the code is compared in constant time)."""
    number, _, code = reference.strip().upper().replace(" ", "").rpartition("-")
    lease = session.scalar(select(Lease).where(Lease.number == number)) if number and code else None
    if lease is None or not hmac.compare_digest(lease.verification_code.encode(), code.encode()):
        raise NotFound(NO_SUCH_LEASE)
    return lease


NO_SUCH_LEASE = "未找到该电子租赁合同：请核对合同编号和核验码"


def verify_reference(lease: Lease) -> str:
    """What the public check takes, printed on the lease and in its QR link."""
    return f"{lease.number}-{lease.verification_code}"


def leases(session: Session, user: User, *, cursor: int | None,
           limit: int = DEFAULT_LIMIT) -> Page[Lease]:
    """The leases ``user`` may see, newest first (keyset by id)."""
    return keyset(session, select(Lease).where(Lease.visible_to(user)), Lease.id, cursor=cursor,
                  limit=limit)


def has_active_lease(session: Session, person_id: int, *, pending: bool = True) -> bool:
    """Whether the person holds, or occupies under an employer, a lease still running; with
    ``pending`` (the default: one lease per person) a lease waiting for its contract counts too."""
    today = clock.today()
    states = (LeaseStatus.pending, *ACTIVE) if pending else ACTIVE
    own = select(Lease.id).where(Lease.tenant_id == person_id, Lease.status.in_(states),
                                 Lease.ends_on >= today)
    placed = select(LeaseOccupant.id).join(Lease, Lease.id == LeaseOccupant.lease_id).where(
        LeaseOccupant.tenant_id == person_id, LeaseOccupant.status == OccupantStatus.placed,
        Lease.status.in_(ACTIVE))
    return bool(session.scalar(select(own.exists())) or session.scalar(select(placed.exists())))


def unit_overlaps(session: Session, unit_id: int, start: date, end: date,
                  exclude: int | None = None) -> bool:
    """Whether another lease holds the unit at some day of ``start``–``end``."""
    stmt = select(Lease.id).where(Lease.unit_id == unit_id, Lease.status.in_(RESERVING),
                                  Lease.start_on <= end, Lease.ends_on >= start)
    if exclude is not None:
        stmt = stmt.where(Lease.id != exclude)
    return session.scalar(select(stmt.exists())) or False


def person_overlaps(session: Session, person_id: int, start: date, end: date,
                    exclude: int | None = None) -> bool:
    """Whether the person holds, or occupies, another lease at some day of ``start``–``end``."""
    own = select(Lease.id).where(Lease.tenant_id == person_id, Lease.status.in_(RESERVING),
                                 Lease.start_on <= end, Lease.ends_on >= start)
    if exclude is not None:
        own = own.where(Lease.id != exclude)
    placed = select(LeaseOccupant.id).join(Lease, Lease.id == LeaseOccupant.lease_id).where(
        LeaseOccupant.tenant_id == person_id, LeaseOccupant.status == OccupantStatus.placed,
        Lease.status.in_(HOLDING), Lease.ends_on >= start)
    return bool(session.scalar(select(own.exists())) or session.scalar(select(placed.exists())))


def leases_for_transition(session: Session, record: PropertyRecord) -> list[Lease]:
    """The leases, locked, that a home on the property registry puts into the 过渡期: the owner's
    leases in a state ``home_acquired`` starts from, begun before the home was acquired."""
    return list(session.scalars(select(Lease).join(User, User.id == Lease.tenant_id).where(
        User.id_number_digest == record.id_number_digest,
        Lease.status.in_(LEASE.step("home_acquired").sources or ()),
        Lease.start_on <= record.acquired_on).with_for_update(of=Lease)))  # type: ignore[operator]


def latest_appraisal(session: Session, project_id: int) -> Appraisal | None:
    return session.scalar(select(Appraisal).where(Appraisal.project_id == project_id)
                          .order_by(Appraisal.appraised_on.desc(), Appraisal.id.desc()).limit(1))


def unit(session: Session, unit_id: int, *, lock: bool = False) -> Unit | None:
    stmt = select(Unit).where(Unit.id == unit_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def organization(session: Session, organization_id: int | None) -> Organization | None:
    return session.get(Organization, organization_id) if organization_id is not None else None


# ---- the facts the transition table asks about -------------------------------------------------

def lease_now(session: Session, lease: Lease) -> LeaseNow:
    """One lease with the facts of :class:`~app.leases.workflows.LeaseNow`."""
    open_ = session.scalar(select(func.count(Violation.id)).where(
        Violation.lease_id == lease.id, Violation.status == ViolationStatus.open)) or 0
    placed = (session.scalar(select(func.count(LeaseOccupant.id)).where(
        LeaseOccupant.lease_id == lease.id, LeaseOccupant.status == OccupantStatus.placed)) or 0
        if lease.kind == LeaseKind.employer else 0)
    return LeaseNow(lease, open_, placed)


def leases_now(session: Session, user: User, found: list[Lease]) -> list[LeaseNow]:
    """:func:`lease_now` for a page of leases, as far as ``user``'s steps depend on the facts:
    at most two statements whatever the page's size, none for a role no such step is open to."""
    ids = [lease.id for lease in found]
    open_: dict[int, int] = {}
    placed: dict[int, int] = {}
    if ids and user.role in LEASE.step("terminate").roles:
        open_ = dict(session.execute(  # type: ignore[arg-type]
            select(Violation.lease_id, func.count(Violation.id))
            .where(Violation.lease_id.in_(ids), Violation.status == ViolationStatus.open)
            .group_by(Violation.lease_id)).all())
    employer = [lease.id for lease in found if lease.kind == LeaseKind.employer]
    if employer and user.role in LEASE.step("move_out").roles:
        placed = dict(session.execute(  # type: ignore[arg-type]
            select(LeaseOccupant.lease_id, func.count(LeaseOccupant.id))
            .where(LeaseOccupant.lease_id.in_(employer), LeaseOccupant.status == OccupantStatus.placed)
            .group_by(LeaseOccupant.lease_id)).all())
    return [LeaseNow(lease, open_.get(lease.id, 0), placed.get(lease.id, 0)) for lease in found]


# ---- what the lease views show beside a lease ------------------------------------------------

def units(session: Session, ids: set[int]) -> dict[int, Unit]:
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}


def projects(session: Session, ids: set[int]) -> dict[int, Project]:
    return {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(ids)))} if ids else {}


def project(session: Session, project_id: int) -> Project | None:
    return session.get(Project, project_id)


def organization_names(session: Session, ids: set[int]) -> dict[int, str]:
    return ({o.id: o.name for o in session.scalars(select(Organization).where(Organization.id.in_(ids)))}
            if ids else {})


def full_names(session: Session, ids: set[int]) -> dict[int, str | None]:
    return ({u.id: u.full_name for u in session.scalars(select(User).where(User.id.in_(ids)))}
            if ids else {})


# ---- occupants: invitations and placements (整体配租) --------------------------------------------

# Who sees the invitations under an employer's lease, not only the placements: the employer who
# made them and the city's staff. The operator and the occupants see who lives there.
SEES_INVITATIONS = (Role.employer, Role.office, Role.auditor, Role.admin)


def occupant(session: Session, occupant_id: int, *, lock: bool = False) -> LeaseOccupant | None:
    stmt = select(LeaseOccupant).where(LeaseOccupant.id == occupant_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt.execution_options(populate_existing=True))


def occupants(session: Session, lease: Lease, user: User, *, cursor: int | None = None,
              limit: int = DEFAULT_LIMIT) -> Page[Any]:
    """The invitations and placements under an employer's lease, history kept, in order of
    invitation (keyset by id): rows of (occupant, person or None, id). The person is known only
    once they accepted; readers other than the employer and the city see placements only."""
    stmt = (select(LeaseOccupant, User, LeaseOccupant.id)
            .outerjoin(User, User.id == LeaseOccupant.tenant_id)
            .where(LeaseOccupant.lease_id == lease.id))
    if user.role not in SEES_INVITATIONS:
        stmt = stmt.where(LeaseOccupant.tenant_id.is_not(None))
    return keyset(session, stmt, LeaseOccupant.id, cursor=cursor, limit=limit, descending=False,
                  scalars=False)


def open_occupancy(session: Session, lease_id: int, digest: str) -> bool:
    """Whether the number already has an open invitation, or a placement, under the lease."""
    return session.scalar(select(select(LeaseOccupant.id).where(
        LeaseOccupant.lease_id == lease_id, LeaseOccupant.id_number_digest == digest,
        LeaseOccupant.status.in_(OPEN_OCCUPANCY)).exists())) or False


def invitation_counts(session: Session, lease_id: int, on: date) -> tuple[int, int]:
    """(invitations made under the lease on ``on``, invitations still waiting for an answer)."""
    today, waiting = session.execute(select(
        func.count(LeaseOccupant.id).filter(LeaseOccupant.invited_on == on),
        func.count(LeaseOccupant.id).filter(LeaseOccupant.status == OccupantStatus.invited))
        .where(LeaseOccupant.lease_id == lease_id)).one()
    return today or 0, waiting or 0


def addressed_to(session: Session, user: User, occupant_id: int, *,
                 lock: bool = False) -> LeaseOccupant:
    """An invitation (or placement) addressed to ``user``'s 身份证 number; 404 for any other, as
    for a missing one."""
    found = occupant(session, occupant_id, lock=lock)
    if (found is None or user.id_number_digest is None
            or not hmac.compare_digest(found.id_number_digest, user.id_number_digest)):
        raise NotFound("未找到该入住邀请")
    return found


def placements(session: Session, user: User, *, cursor: int | None = None,
               limit: int = DEFAULT_LIMIT) -> Page[LeaseOccupant]:
    """The invitations and placements addressed to ``user``'s 身份证 number, newest first
    (keyset by id) — also those made before they registered."""
    if user.id_number_digest is None:
        return Page([], None)
    return keyset(session, select(LeaseOccupant).where(
        LeaseOccupant.id_number_digest == user.id_number_digest), LeaseOccupant.id,
        cursor=cursor, limit=limit)


def leases_by_id(session: Session, ids: set[int], *, lock: bool = False) -> dict[int, Lease]:
    """Leases by id, unscoped: what an invitation is under (its addressee may not read the
    lease itself until they accept)."""
    if not ids:
        return {}
    stmt = select(Lease).where(Lease.id.in_(ids))
    if lock:
        stmt = stmt.with_for_update()
    return {lease.id: lease for lease in session.scalars(stmt.execution_options(populate_existing=True))}


def tenancy_signed_on(session: Session, lease: Lease) -> date:
    """The day the tenancy a lease belongs to was agreed: the signing day of the first lease
    signed on its application (renewals and continuations carry the application along)."""
    if lease.application_id is None:
        return lease.signed_on
    first = session.scalar(select(func.min(Lease.signed_on)).where(
        Lease.application_id == lease.application_id, Lease.tenant_id == lease.tenant_id))
    return min(first, lease.signed_on) if first is not None else lease.signed_on


# ---- violations and credit records (第四十、四十一、四十六条) -------------------------------------

def visible_violation(session: Session, user: User, violation_id: int, *,
                      lock: bool = False) -> Violation:
    """The violation if ``user`` may see its lease (or, for an operator's violation, its
    project), locked with ``lock``; 404 like a missing one otherwise."""
    found = session.get(Violation, violation_id)
    try:
        if found is None:
            raise NotFound
        if found.lease_id is not None:
            get(session, user, found.lease_id)
        else:
            get_project(session, user, found.project_id)
    except NotFound:
        raise NotFound("未找到该违规记录") from None
    if not lock:
        return found
    return session.scalar(select(Violation).where(Violation.id == violation_id).with_for_update()
                          .execution_options(populate_existing=True))  # type: ignore[return-value]


def _credit_select(condition: Any) -> Select[Any]:
    """Violations with their project's name and lease's number (and the id again, by which a
    page of them is keyed)."""
    return (select(Violation, Project.name, Lease.number, Violation.id)
            .join(Project, Project.id == Violation.project_id)
            .outerjoin(Lease, Lease.id == Violation.lease_id).where(condition))


def credit(session: Session, *, tenant_id: int | None = None, organization_id: int | None = None,
           cursor: int | None = None, limit: int = DEFAULT_LIMIT) -> Page[Any]:
    """第四十一条 credit record: every violation of a tenant or an organisation and its outcome,
    oldest first (keyset by violation id); rows of (violation, project name, lease number, id)."""
    if tenant_id is not None:
        who: Any = Violation.tenant_id == tenant_id
    else:
        who = or_(Violation.organization_id == organization_id,
                  and_(Violation.party == ViolationParty.operator,
                       Project.organization_id == organization_id))
    return keyset(session, _credit_select(who), Violation.id, cursor=cursor, limit=limit,
                  descending=False, scalars=False)


def tenant_credit(session: Session, user: User, tenant_id: int, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[Any]:
    """A tenant's credit record, for the tenant, the office, auditors and the administrator
    (404 for anyone else, as if there were no such tenant)."""
    person = session.get(User, tenant_id)
    if (person is None or person.role != Role.tenant
            or not (user.id == tenant_id or user.role in (Role.office, Role.auditor, Role.admin))):
        raise NotFound("未找到该承租人")
    return credit(session, tenant_id=tenant_id, cursor=cursor, limit=limit)


def organization_credit(session: Session, user: User, organization_id: int, *,
                        cursor: int | None = None, limit: int = DEFAULT_LIMIT) -> Page[Any]:
    """An operator's or employer's credit record, for its own staff and the city (404 else)."""
    if session.get(Organization, organization_id) is None or not (
            user.organization_id == organization_id
            or user.role in (Role.office, Role.auditor, Role.admin, Role.leader)):
        raise NotFound("未找到该单位")
    return credit(session, organization_id=organization_id, cursor=cursor, limit=limit)


def credit_row(session: Session, violation_id: int) -> Any:
    """One entry of a credit record (the one a violation step just wrote or changed)."""
    return session.execute(_credit_select(Violation.id == violation_id)).one()


def lease_credit(session: Session, lease: Lease) -> list[Any]:
    """The credit entries recorded on one lease (a handful: each needs a violation step)."""
    return list(session.execute(_credit_select(Violation.lease_id == lease.id).order_by(Violation.id)))

