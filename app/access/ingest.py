"""The device API's path: authenticate a device by its key, count its events against the rate
limit, check each event, resolve its credential, and insert the batch in one statement.

Kept lean because every device of the city reports through it (2M events a day at full stock):

* **Device keys** are 256-bit random tokens (``bzd_`` + 43 URL-safe characters) shown once and
  stored as SHA-256. A slow password hash (Argon2) protects *low-entropy* secrets chosen by
  people against offline guessing; a 256-bit random key cannot be guessed however fast the hash,
  so a plain SHA-256 is as safe here, lets the key be found by an indexed equality lookup, and
  costs microseconds instead of Argon2's ~50 ms and 64 MiB on every batch.
* **One UPDATE** authenticates and counts: it finds the active device by its key's hash and adds
  the batch's events to the current minute's window (``access_device_events_per_minute``),
  returning the device's project. Over the limit: 429 with ``Retry-After``, and the request's
  transaction (the count included) is rolled back, so only accepted events count.
* **One SELECT** resolves the batch's distinct credential ids: unknown to the platform, bound to a
  lease in force of this project, of this project but not so bound, or of another project — the
  event's ``standing`` (what the signals read).
* **One INSERT** writes the batch, idempotent by (device, event id, time): on PostgreSQL ``INSERT
  … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING event_id`` (seven array
  parameters whatever the batch's size); on SQLite ``INSERT … ON CONFLICT DO NOTHING RETURNING``
  (SQLite's ``INSERT OR IGNORE`` for a key conflict). Events not returned were already there: a
  re-sent batch answers them as duplicates. Out-of-order events are fine: nothing depends on the
  order of arrival (the table is keyed and partitioned by the event's own time).

No audit event is written per batch: events are telemetry, not a person's change to a record; the
device's ``last_seen_at`` shows it reports, and every change to devices, keys, credentials and
signals is audited (app.access.service).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.access.enums import CredentialStatus, DeviceStatus, Refusal, Standing
from app.access.models import AccessCredential, AccessDevice, AccessEvent
from app.access.repository import in_force
from app.access.schemas import BatchIn
from app.core import clock
from app.core.errors import InvalidInput, TooManyRequests, Unauthorized
from app.leases.models import Lease
from rules.art40_access import Limits, event_time_finding, limits

KEY_PREFIX = "bzd_"
SCHEME = "Device"
DEVICES = AccessDevice.__table__
EVENTS = AccessEvent.__table__

PG_INSERT = text("""
INSERT INTO access_event (device_id, event_id, occurred_at, project_id, credential, credential_ref,
                          standing, direction, result, received_at)
SELECT :device, x.e, x.t, :project, x.c, x.r, x.s, x.d, x.res, :now
FROM unnest(CAST(:e AS varchar[]), CAST(:t AS timestamptz[]), CAST(:c AS varchar[]),
            CAST(:r AS bigint[]), CAST(:s AS varchar[]), CAST(:d AS varchar[]),
            CAST(:res AS varchar[])) AS x(e, t, c, r, s, d, res)
ON CONFLICT DO NOTHING
RETURNING event_id
""")


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _key_of(authorization: str | None) -> str:
    scheme, _, key = (authorization or "").partition(" ")
    key = key.strip()
    if scheme != SCHEME or not key.startswith(KEY_PREFIX) or len(key) > 100:
        raise Unauthorized("缺少或无效的设备密钥（Authorization: Device <密钥>）",
                           headers={"WWW-Authenticate": SCHEME})
    return key


def authenticate(session: Session, authorization: str | None, events: int, now: datetime,
                 lim: Limits) -> tuple[int, int]:
    """The device (id, project id) whose key this is, with ``events`` counted against its
    minute's window; 401 for an unknown or revoked key, 429 over the limit."""
    key = _key_of(authorization)
    fresh = DEVICES.c.window_started_at > now - timedelta(minutes=1)
    row = session.execute(
        update(DEVICES).where(DEVICES.c.key_hash == key_hash(key),
                              DEVICES.c.status == DeviceStatus.active.value)
        .values(window_events=case((fresh, DEVICES.c.window_events + events), else_=events),
                window_started_at=case((fresh, DEVICES.c.window_started_at), else_=now),
                last_seen_at=now)
        .returning(DEVICES.c.id, DEVICES.c.project_id, DEVICES.c.window_events,
                   DEVICES.c.window_started_at)).first()
    if row is None:
        raise Unauthorized("设备密钥无效或已作废", headers={"WWW-Authenticate": SCHEME})
    device_id, project_id, counted, started = row
    if counted > lim.events_per_minute:
        started = started if started.tzinfo else started.replace(tzinfo=now.tzinfo)
        wait = int((started + timedelta(minutes=1) - now).total_seconds()) + 1
        raise TooManyRequests(f"该设备每分钟最多上报 {lim.events_per_minute} 条事件，请稍后重试",
                              retry_after=wait)
    return device_id, project_id


def standings(session: Session, project_id: int,
              credentials: set[str]) -> dict[str, tuple[int, str]]:
    """Each known credential id of the batch → (its row id, its :class:`Standing` here)."""
    if not credentials:
        return {}
    today = clock.today()
    rows = session.execute(
        select(AccessCredential.external_id, AccessCredential.id, AccessCredential.project_id,
               AccessCredential.status, Lease.id)
        .outerjoin(Lease, (Lease.id == AccessCredential.lease_id) & in_force(today))
        .where(AccessCredential.external_id.in_(credentials))).all()
    found: dict[str, tuple[int, str]] = {}
    for external_id, ref, home, status, lease_id in rows:
        if home != project_id:
            standing = Standing.foreign
        elif status == CredentialStatus.bound and lease_id is not None:
            standing = Standing.bound
        else:
            standing = Standing.unbound
        found[external_id] = (ref, standing.value)
    return found


def receive(session: Session, authorization: str | None, batch: BatchIn) -> dict[str, Any]:
    """Take a device's batch; the per-event answer (accepted, duplicate, refused with a reason)."""
    now = clock.now()
    lim = limits(clock.today())
    if len(batch.events) > lim.batch_max_events:
        raise InvalidInput(f"每批最多 {lim.batch_max_events} 条事件", field="events")
    device_id, project_id = authenticate(session, authorization, len(batch.events), now, lim)
    answers: list[dict[str, Any]] = []
    keep: list[int] = []
    seen: set[str] = set()
    for i, event in enumerate(batch.events):
        if event.event_id in seen:
            answers.append({"event_id": event.event_id, "status": "refused",
                            "reason": Refusal.duplicate_in_batch.value,
                            "message": Refusal.duplicate_in_batch.label})
            continue
        seen.add(event.event_id)
        finding = event_time_finding(event.occurred_at, now, lim)
        if finding is not None:
            answers.append({"event_id": event.event_id, "status": "refused", "reason": finding.code,
                            "message": finding.message})
            continue
        answers.append({"event_id": event.event_id, "status": "accepted"})
        keep.append(i)
    events = [batch.events[i] for i in keep]
    known = standings(session, project_id, {e.credential_id for e in events})
    unknown = (None, Standing.unknown.value)
    refs = [known.get(e.credential_id, unknown) for e in events]
    inserted = _insert(session, device_id, project_id, events, refs, now)
    accepted = duplicates = refused = 0
    for answer in answers:
        if answer["status"] == "accepted":
            if answer["event_id"] in inserted:
                accepted += 1
            else:
                answer["status"] = "duplicate"
                duplicates += 1
        else:
            refused += 1
    unknown_count = sum(1 for e, r in zip(events, refs, strict=True)
                        if r[0] is None and e.event_id in inserted)
    return {"accepted": accepted, "duplicates": duplicates, "refused": refused,
            "unknown_credentials": unknown_count, "events": answers}


def _insert(session: Session, device_id: int, project_id: int, events: list[Any],
            refs: list[tuple[int | None, str]], now: datetime) -> set[str]:
    if not events:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(PG_INSERT, {
            "device": device_id, "project": project_id, "now": now,
            "e": [e.event_id for e in events], "t": [e.occurred_at for e in events],
            "c": [e.credential_id for e in events], "r": [r[0] for r in refs],
            "s": [r[1] for r in refs], "d": [e.direction for e in events],
            "res": [e.result for e in events]})
        return {row[0] for row in rows}
    stmt = sqlite_insert(EVENTS).on_conflict_do_nothing().returning(EVENTS.c.event_id)
    rows = session.execute(stmt, [
        {"device_id": device_id, "event_id": e.event_id, "occurred_at": e.occurred_at,
         "project_id": project_id, "credential": e.credential_id, "credential_ref": r[0],
         "standing": r[1], "direction": e.direction, "result": e.result, "received_at": now}
        for e, r in zip(events, refs, strict=True)])
    return {row[0] for row in rows}
