"""State changes of the door-access domain, each with its audit event in the same transaction:
devices and their keys, credentials bound and unbound, the review of signals (a dismissal with
its reason, or a 第四十条 violation opened through the leases service), and the scheduled work
(purge, partitions, unbinding the credentials of ended leases) that app.access.jobs runs.

Ending a lease unbinds its credentials without the leases domain knowing about access (it sits
below): ingestion and the signals already treat a credential whose lease is no longer in force as
unbound (:func:`app.access.ingest.standings`, :func:`app.access.repository.idle_leases`), and the
daily job :func:`unbind_ended` marks them unbound with an audit event, so the operator's and the
tenant's pages show it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from app.access import ingest, repository, signals
from app.access.enums import CredentialStatus, DeviceStatus, SignalStatus
from app.access.models import AccessCredential, AccessDevice, AccessEvent, AccessSignal
from app.access.schemas import BindIn, CredentialIn, DeviceIn, DismissIn, OpenCaseIn, UnbindIn
from app.access.workflows import CREDENTIAL, DEVICE, SIGNAL
from app.accounts.enums import Role
from app.accounts.models import User
from app.audit.service import Actor, record
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound
from app.leases import service as leases
from app.leases.schemas import ViolationIn
from rules.art40_access import limits, retention_cutoff
from rules.identifiers import check_id_number

MONTHLY = re.compile(r"access_event_(\d{4})_(\d{2})")


# ---- devices and keys ------------------------------------------------------------------------------


def register_device(session: Session, user: User, project_id: int,
                    data: DeviceIn) -> tuple[AccessDevice, str]:
    """A new device of a project the user operates, with its key (returned once, kept as a hash)."""
    project = repository.operated_project(session, user, project_id)
    key = ingest.new_key()
    device = AccessDevice(project_id=project.id, name=data.name.strip(), location_kind=data.location_kind,
                          location=data.location.strip(), status=DeviceStatus.active,
                          key_hash=ingest.key_hash(key), key_hint=key[:10], created_by_id=user.id)
    session.add(device)
    session.flush()
    record(session, actor=user, action="access_device.registered", entity_type="access_device",
           entity_id=device.id, summary={"project_id": project.id, "name": device.name})
    return device, key


def rotate_key(session: Session, user: User, device_id: int) -> tuple[AccessDevice, str]:
    """A new key; the old one stops working at once."""
    device = repository.device(session, user, device_id, lock=True)
    DEVICE.check("rotate", user, device)
    key = ingest.new_key()
    device.key_hash, device.key_hint, device.key_issued_at = ingest.key_hash(key), key[:10], clock.now()
    record(session, actor=user, action="access_device.key_rotated", entity_type="access_device",
           entity_id=device.id)
    return device, key


def revoke(session: Session, user: User, device_id: int) -> AccessDevice:
    device = repository.device(session, user, device_id, lock=True)
    DEVICE.check("revoke", user, device)
    device.status, device.revoked_at = DeviceStatus.revoked, clock.now()
    record(session, actor=user, action="access_device.revoked", entity_type="access_device",
           entity_id=device.id)
    return device


# ---- credentials -----------------------------------------------------------------------------------

def register_credential(session: Session, user: User, project_id: int,
                        data: CredentialIn) -> AccessCredential:
    """A credential issued for a unit of the project (not yet bound to anyone)."""
    project = repository.operated_project(session, user, project_id)
    if repository.unit_of_project(session, project.id, data.unit_id) is None:
        raise NotFound("本项目没有该房源")
    if len(data.external_id) == 18 and check_id_number(data.external_id.upper(), clock.today()).ok:
        raise InvalidInput("凭证编号不得使用身份证号，请使用门禁系统的不透明编号", field="external_id")
    if repository.external_id_taken(session, data.external_id):
        raise Conflict("该凭证编号已登记", field="external_id")
    credential = AccessCredential(external_id=data.external_id, kind=data.kind, project_id=project.id,
                                  unit_id=data.unit_id, status=CredentialStatus.registered)
    session.add(credential)
    session.flush()
    record(session, actor=user, action="access_credential.registered", entity_type="access_credential",
           entity_id=credential.id, summary={"project_id": project.id, "unit_id": data.unit_id,
                                             "kind": data.kind})
    return credential


def bind(session: Session, user: User, credential_id: int, data: BindIn) -> AccessCredential:
    """Bind to the tenant of the unit's lease in force, or to a member of staff placed under it."""
    credential = repository.credential(session, user, credential_id, lock=True)
    CREDENTIAL.check("bind", user, credential)
    today = clock.today()
    lease = repository.lease_in_force_of_unit(session, credential.unit_id, today)
    if lease is None or lease.id != data.lease_id:
        raise Conflict("该合同不是此房源当前履行中的合同", field="lease_id")
    holder = data.holder_id if data.holder_id is not None else lease.tenant_id
    if holder is None:
        raise InvalidInput("整体配租合同须指定入住职工（holder_id）", field="holder_id")
    if holder != lease.tenant_id and not repository.placed_occupant(session, lease.id, holder):
        raise InvalidInput("只能绑定到该合同的承租人或已入住的职工", field="holder_id")
    credential.status, credential.lease_id, credential.holder_id = CredentialStatus.bound, lease.id, holder
    credential.bound_on, credential.unbound_on, credential.unbound_reason = today, None, None
    record(session, actor=user, action="access_credential.bound", entity_type="access_credential",
           entity_id=credential.id, summary={"lease_id": lease.id, "holder_id": holder})
    return credential


def _unbind(session: Session, actor: Actor, credential: AccessCredential, reason: str, on: date) -> None:
    lease_id = credential.lease_id
    credential.status, credential.unbound_on, credential.unbound_reason = CredentialStatus.unbound, on, reason
    credential.holder_id = None
    record(session, actor=actor, action="access_credential.unbound", entity_type="access_credential",
           entity_id=credential.id, summary={"lease_id": lease_id, "reason": reason})


def unbind(session: Session, user: User, credential_id: int, data: UnbindIn) -> AccessCredential:
    credential = repository.credential(session, user, credential_id, lock=True)
    CREDENTIAL.check("unbind", user, credential)
    _unbind(session, user, credential, data.reason.strip(), clock.today())
    return credential


def unbind_ended(session: Session, actor: Actor, today: date | None = None) -> int:
    """Credentials bound to leases no longer in force: unbound (a lease ending unbinds them)."""
    today = today or clock.today()
    found = repository.bound_to_ended_leases(session, today)
    for credential in found:
        _unbind(session, actor, credential, "租赁合同已终止，自动解绑", today)
    return len(found)


# ---- signals ---------------------------------------------------------------------------------------

def recompute(session: Session, user: User, project_id: int | None) -> dict[str, int]:
    """Signals now, for the projects the user operates (an operator) or city-wide (市住建局, the office)."""
    if user.role == Role.developer:
        ids = ([repository.operated_project(session, user, project_id).id] if project_id is not None
               else [p.id for p in repository.operated_projects(session, user)])
    else:
        ids = [project_id] if project_id is not None else None
    return signals.compute(session, user, project_ids=ids)


def dismiss(session: Session, user: User, signal_id: int, data: DismissIn) -> AccessSignal:
    signal = repository.signal(session, user, signal_id, lock=True)
    SIGNAL.check("dismiss", user, signal)
    signal.status, signal.reason = SignalStatus.dismissed, data.reason.strip()
    signal.reviewed_by_id, signal.reviewed_on = user.id, clock.today()
    record(session, actor=user, action="access_signal.dismissed", entity_type="access_signal",
           entity_id=signal.id, summary={"reason": signal.reason})
    return signal


def open_case(session: Session, user: User, signal_id: int, data: OpenCaseIn) -> AccessSignal:
    """A person decides the signal is a 第四十条 violation: recorded through the leases service
    (its rectification deadline, its notice to the tenant, its own audit event); the lease itself
    changes only through that workflow (rectified, or terminated when not rectified)."""
    signal = repository.signal(session, user, signal_id, lock=True)
    SIGNAL.check("open_case", user, signal)
    violation = leases.record_violation(session, user, signal.lease_id, ViolationIn(
        kind=data.kind, description=data.description, rectify_days=data.rectify_days))
    signal.status, signal.violation_id = SignalStatus.case_opened, violation.id
    signal.reason = data.description.strip()
    signal.reviewed_by_id, signal.reviewed_on = user.id, clock.today()
    record(session, actor=user, action="access_signal.case_opened", entity_type="access_signal",
           entity_id=signal.id, summary={"violation_id": violation.id, "kind": data.kind})
    return signal


def events_readable(user: User, signal: AccessSignal) -> bool:
    """The project's operator always; 市住建局 while the signal is under review (待核查)."""
    from app.upkeep.models import is_housing_bureau

    if user.role == Role.developer:
        return True  # the signal is visible to an operator only for its own projects
    return is_housing_bureau(user) and signal.status == SignalStatus.open


def signal_events(session: Session, user: User, signal_id: int, *, cursor: int | None,
                  limit: int) -> Any:
    signal = repository.signal(session, user, signal_id)
    if not events_readable(user, signal):
        raise NotFound("未找到该提示")  # as for a missing one: nothing learnt from the id
    ids = ([signal.credential_id] if signal.credential_id is not None
           else repository.lease_credential_ids(session, signal.lease_id))
    days = int(signal.evidence.get("window_days") or limits(clock.today()).idle_days)
    since = signals.start_of(clock.today() - timedelta(days=days))
    return repository.credential_events(session, ids, since, cursor=cursor, limit=limit)


def project_events(session: Session, user: User, project_id: int, *, cursor: int | None, limit: int) -> Any:
    project = repository.operated_project(session, user, project_id)
    since = retention_cutoff(clock.now(), limits(clock.today()))
    return repository.project_events(session, project.id, since, cursor=cursor, limit=limit)


# ---- scheduled work --------------------------------------------------------------------------------

def _month(day: date, ahead: int) -> date:
    y, m = divmod(day.month - 1 + ahead, 12)
    return date(day.year + y, m + 1, 1)


def partition_name(month: date) -> str:
    return f"access_event_{month.year:04d}_{month.month:02d}"


def ensure_partitions(session: Session, today: date | None = None, months_ahead: int = 3) -> int:
    """PostgreSQL: the monthly partitions from this month to ``months_ahead`` ahead exist."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    today = today or clock.today()
    made = 0
    for n in range(months_ahead + 1):
        start, end = _month(today, n), _month(today, n + 1)
        exists = session.execute(text("SELECT to_regclass(:name)"),
                                 {"name": f"access_part.{partition_name(start)}"}).scalar()
        if exists is None:
            session.execute(text(
                f"CREATE TABLE access_part.{partition_name(start)} PARTITION OF access_event "
                f"FOR VALUES FROM ('{start.isoformat()} 00:00:00+00') TO ('{end.isoformat()} 00:00:00+00')"))
            made += 1
    return made


def purge(session: Session, now: datetime | None = None) -> int:
    """Events older than the retention period: on PostgreSQL the months wholly before the cutoff are
    dropped (no row by row work) and the rest of the oldest month is deleted by time; on SQLite a
    DELETE by time. The number of rows deleted (dropped partitions count their rows)."""
    now = now or clock.now()
    cutoff = retention_cutoff(now, limits(now.date()))
    removed = 0
    if session.get_bind().dialect.name == "postgresql":
        names = session.execute(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE i.inhparent = 'access_event'::regclass AND n.nspname = 'access_part'")).scalars().all()
        for name in names:
            matched = MONTHLY.fullmatch(name)
            if matched is None:
                continue
            end = _month(date(int(matched[1]), int(matched[2]), 1), 1)
            if datetime(end.year, end.month, 1, tzinfo=UTC) <= cutoff:
                removed += session.execute(text(f"SELECT count(*) FROM access_part.{name}")).scalar() or 0
                session.execute(text(f"DROP TABLE access_part.{name}"))
    result = session.execute(delete(AccessEvent).where(AccessEvent.occurred_at < cutoff))
    return removed + (result.rowcount or 0)


def view_limits() -> dict[str, Any]:
    lim = limits(clock.today())
    return {"retention_days": lim.retention_days, "idle_days": lim.idle_days}
