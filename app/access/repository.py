"""Reads of the door-access domain: devices, credentials, events and signals in the viewer's
scope (a missing or hidden object answers 404), the facts ingestion resolves a batch with, and
the reads the signal computation makes (:mod:`app.access.signals`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.access.enums import CredentialStatus, SignalStatus
from app.access.models import AccessCredential, AccessDevice, AccessEvent, AccessSignal, operates
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.models import Project
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset
from app.leases.enums import HOLDING, OccupantStatus
from app.leases.models import Lease, LeaseOccupant
from app.operation.models import Unit

HOLDING_VALUES = [s.value for s in HOLDING]


def in_force(today: date) -> Any:
    """A lease in force on ``today``: holding the unit (app.leases' HOLDING) and within its dates."""
    return and_(Lease.status.in_(HOLDING_VALUES), Lease.start_on <= today, Lease.ends_on >= today)


# ---- projects, devices, credentials ---------------------------------------------------------------

def operated_project(session: Session, user: User, project_id: int) -> Project:
    """A project ``user`` operates; 404 otherwise (another organisation's, or not an operator)."""
    project = session.scalar(select(Project).where(Project.id == project_id, operates(user, Project.id)))
    if project is None:
        raise NotFound("未找到该项目")
    return project


def operated_projects(session: Session, user: User) -> list[Project]:
    if user.role != Role.developer:
        return []
    return list(session.scalars(select(Project).where(operates(user, Project.id)).order_by(Project.id)))


def device(session: Session, user: User, device_id: int, *, lock: bool = False) -> AccessDevice:
    stmt = select(AccessDevice).where(AccessDevice.id == device_id, AccessDevice.visible_to(user))
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound("未找到该门禁设备")
    return found


def devices(session: Session, user: User, project_id: int, *, cursor: int | None,
            limit: int = DEFAULT_LIMIT) -> Page[AccessDevice]:
    stmt = select(AccessDevice).where(AccessDevice.project_id == project_id, AccessDevice.visible_to(user))
    return keyset(session, stmt, AccessDevice.id, cursor=cursor, limit=limit)


def credential(session: Session, user: User, credential_id: int, *, lock: bool = False) -> AccessCredential:
    stmt = select(AccessCredential).where(AccessCredential.id == credential_id,
                                          AccessCredential.visible_to(user))
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound("未找到该门禁凭证")
    return found


def credentials(session: Session, user: User, project_id: int, *, cursor: int | None,
                limit: int = DEFAULT_LIMIT) -> Page[AccessCredential]:
    stmt = select(AccessCredential).where(AccessCredential.project_id == project_id,
                                          AccessCredential.visible_to(user))
    return keyset(session, stmt, AccessCredential.id, cursor=cursor, limit=limit)


def my_credentials(session: Session, user: User) -> list[AccessCredential]:
    """The credentials bound to ``user`` now (a tenant's own page: at most a few)."""
    return list(session.scalars(select(AccessCredential).where(
        AccessCredential.holder_id == user.id, AccessCredential.status == CredentialStatus.bound.value)
        .order_by(AccessCredential.id).limit(DEFAULT_LIMIT)))


def external_id_taken(session: Session, external_id: str) -> bool:
    return session.scalar(select(AccessCredential.id).where(AccessCredential.external_id == external_id)) \
        is not None


def unit_of_project(session: Session, project_id: int, unit_id: int) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.id == unit_id, Unit.project_id == project_id))


def lease_in_force_of_unit(session: Session, unit_id: int, today: date) -> Lease | None:
    return session.scalar(select(Lease).where(Lease.unit_id == unit_id, in_force(today)))


def placed_occupant(session: Session, lease_id: int, person_id: int) -> bool:
    return session.scalar(select(LeaseOccupant.id).where(
        LeaseOccupant.lease_id == lease_id, LeaseOccupant.tenant_id == person_id,
        LeaseOccupant.status == OccupantStatus.placed.value)) is not None


def bound_to_ended_leases(session: Session, today: date) -> list[AccessCredential]:
    """Credentials still marked bound whose lease is no longer in force (locked for the unbinding)."""
    ended = select(Lease.id).where(~in_force(today))
    return list(session.scalars(select(AccessCredential).where(
        AccessCredential.status == CredentialStatus.bound.value,
        AccessCredential.lease_id.in_(ended)).with_for_update()))


def units(session: Session, ids: Iterable[int]) -> dict[int, Unit]:
    ids = set(ids)
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}


def projects(session: Session, ids: Iterable[int]) -> dict[int, Project]:
    ids = set(ids)
    return {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(ids)))} if ids else {}


def leases(session: Session, ids: Iterable[int]) -> dict[int, Lease]:
    ids = set(ids)
    return {x.id: x for x in session.scalars(select(Lease).where(Lease.id.in_(ids)))} if ids else {}


# ---- events ----------------------------------------------------------------------------------------

def _events(stmt: Any, session: Session, cursor: int | None, limit: int) -> Page[AccessEvent]:
    """Newest first, paged by the event's time (the cursor: microseconds since the epoch)."""
    if cursor is not None:
        stmt = stmt.where(AccessEvent.occurred_at < datetime.fromtimestamp(cursor / 1e6, tz=UTC))
    rows = list(session.scalars(stmt.order_by(AccessEvent.occurred_at.desc()).limit(limit + 1)))
    items = rows[:limit]
    more = len(rows) > limit
    return Page(items, int(items[-1].occurred_at.timestamp() * 1e6) if more else None)


def project_events(session: Session, project_id: int, since: datetime, *, cursor: int | None,
                   limit: int = DEFAULT_LIMIT) -> Page[AccessEvent]:
    stmt = select(AccessEvent).where(AccessEvent.project_id == project_id, AccessEvent.occurred_at >= since)
    return _events(stmt, session, cursor, limit)


def credential_events(session: Session, credential_ids: list[int], since: datetime, *,
                      cursor: int | None, limit: int = DEFAULT_LIMIT) -> Page[AccessEvent]:
    stmt = select(AccessEvent).where(AccessEvent.credential_ref.in_(credential_ids),
                                     AccessEvent.occurred_at >= since)
    return _events(stmt, session, cursor, limit)


def device_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    return dict(session.execute(select(AccessDevice.id, AccessDevice.name).where(  # type: ignore[arg-type]
        AccessDevice.id.in_(ids))).all()) if ids else {}


def lease_credential_ids(session: Session, lease_id: int) -> list[int]:
    return list(session.scalars(select(AccessCredential.id).where(AccessCredential.lease_id == lease_id)))


# ---- signals ---------------------------------------------------------------------------------------

def signal(session: Session, user: User, signal_id: int, *, lock: bool = False) -> AccessSignal:
    stmt = select(AccessSignal).where(AccessSignal.id == signal_id, AccessSignal.visible_to(user))
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound("未找到该提示")
    return found


def signals(session: Session, user: User, *, status: str | None, project_id: int | None,
            cursor: int | None, limit: int = DEFAULT_LIMIT) -> Page[AccessSignal]:
    stmt = select(AccessSignal).where(AccessSignal.visible_to(user))
    if status:
        stmt = stmt.where(AccessSignal.status == status)
    if project_id is not None:
        stmt = stmt.where(AccessSignal.project_id == project_id)
    return keyset(session, stmt, AccessSignal.id, cursor=cursor, limit=limit)


def signals_of_leases(session: Session, lease_ids: Iterable[int]) -> list[AccessSignal]:
    ids = set(lease_ids)
    if not ids:
        return []
    return list(session.scalars(select(AccessSignal).where(AccessSignal.lease_id.in_(ids))
                                .order_by(AccessSignal.id)))


def open_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count(AccessSignal.id)).where(
        AccessSignal.visible_to(user), AccessSignal.status == SignalStatus.open.value)) or 0



# ---- what the signal computation reads (app.access.signals) ----------------------------------------

GRANTED_ENTRY = (AccessEvent.direction == "in", AccessEvent.result == "granted")
SUSPECT = ("unbound", "foreign")


def local_day(session: Session, column: Any) -> Any:
    """The Asia/Shanghai day of a timestamp column, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Shanghai", column))
    return func.date(column, "+8 hours")


def idle_leases(session: Session, today: date, since: datetime, bound_before: date,
                project_ids: list[int] | None) -> list[Any]:
    """Leases in force with a credential bound on or before ``bound_before`` and no granted entry by
    any of their bound credentials since ``since``: rows of (lease id, unit id, project id)."""
    bound = AccessCredential.status == CredentialStatus.bound.value
    inner = AccessCredential.__table__.alias("c2")
    entered = (select(1).select_from(inner.join(AccessEvent, AccessEvent.credential_ref == inner.c.id))
               .where(inner.c.lease_id == Lease.id, inner.c.status == CredentialStatus.bound.value,
                      AccessEvent.occurred_at >= since, *GRANTED_ENTRY).exists())
    stmt = (select(Lease.id, Lease.unit_id, Lease.project_id)
            .join(AccessCredential, and_(AccessCredential.lease_id == Lease.id, bound))
            .where(in_force(today), ~entered)
            .group_by(Lease.id, Lease.unit_id, Lease.project_id)
            .having(func.min(AccessCredential.bound_on) <= bound_before))
    if project_ids is not None:
        stmt = stmt.where(Lease.project_id.in_(project_ids))
    return list(session.execute(stmt).all())


def suspect_counts(session: Session, since: datetime) -> list[Any]:
    """Granted entries since ``since`` by credentials not bound to a lease in force where they
    entered: rows of (credential id, standing, entries, distinct days)."""
    day = local_day(session, AccessEvent.occurred_at)
    return list(session.execute(
        select(AccessEvent.credential_ref, AccessEvent.standing, func.count(),
               func.count(day.distinct()))
        .where(AccessEvent.standing.in_(SUSPECT), AccessEvent.credential_ref.is_not(None),
               AccessEvent.occurred_at >= since, *GRANTED_ENTRY)
        .group_by(AccessEvent.credential_ref, AccessEvent.standing)).all())


def credential_rows(session: Session, ids: Iterable[int]) -> dict[int, AccessCredential]:
    ids = set(ids)
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(AccessCredential).where(AccessCredential.id.in_(ids)))}


def leases_in_force_of_units(session: Session, unit_ids: Iterable[int], today: date) -> dict[int, Lease]:
    ids = set(unit_ids)
    if not ids:
        return {}
    found = session.scalars(select(Lease).where(Lease.unit_id.in_(ids), in_force(today)))
    return {x.unit_id: x for x in found}


def entry_times(session: Session, credential_ids: Iterable[int], since: datetime,
                standings: tuple[str, ...] | None = None) -> list[Any]:
    """(credential id, time) of the granted entries since ``since`` of a few flagged credentials."""
    ids = set(credential_ids)
    if not ids:
        return []
    stmt = select(AccessEvent.credential_ref, AccessEvent.occurred_at).where(
        AccessEvent.credential_ref.in_(ids), AccessEvent.occurred_at >= since, *GRANTED_ENTRY)
    if standings:
        stmt = stmt.where(AccessEvent.standing.in_(standings))
    return list(session.execute(stmt).all())


def last_entries(session: Session, lease_ids: Iterable[int], since: datetime) -> dict[int, datetime]:
    """The latest granted entry since ``since`` by the credentials bound to each lease."""
    ids = set(lease_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(AccessCredential.lease_id, func.max(AccessEvent.occurred_at))
        .join(AccessEvent, AccessEvent.credential_ref == AccessCredential.id)
        .where(AccessCredential.lease_id.in_(ids),
               AccessCredential.status == CredentialStatus.bound.value,
               AccessEvent.occurred_at >= since, *GRANTED_ENTRY)
        .group_by(AccessCredential.lease_id)).all()
    return {lease_id: at for lease_id, at in rows if at is not None}


def bound_counts(session: Session, lease_ids: Iterable[int]) -> dict[int, int]:
    ids = set(lease_ids)
    if not ids:
        return {}
    return dict(session.execute(  # type: ignore[arg-type]
        select(AccessCredential.lease_id, func.count(AccessCredential.id))
        .where(AccessCredential.lease_id.in_(ids), AccessCredential.status == CredentialStatus.bound.value)
        .group_by(AccessCredential.lease_id)).all())


def leases_in_force(session: Session, project_ids: Iterable[int], today: date) -> list[Lease]:
    """The leases in force on the given projects (the simulator's households), by id."""
    ids = set(project_ids)
    if not ids:
        return []
    return list(session.scalars(select(Lease).where(Lease.project_id.in_(ids), in_force(today))
                                .order_by(Lease.id)))


def credential_by_external_id(session: Session, external_id: str) -> AccessCredential | None:
    return session.scalar(select(AccessCredential).where(AccessCredential.external_id == external_id))


def device_named(session: Session, project_id: int, name: str) -> AccessDevice | None:
    return session.scalar(select(AccessDevice).where(AccessDevice.project_id == project_id,
                                                     AccessDevice.name == name,
                                                     AccessDevice.status == "active"))
