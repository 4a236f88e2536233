"""Writing and verifying the audit chain (auditors read it through ``app.oversight``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from app.core.clock import now


class Actor(Protocol):
    """Who made a change: an account (``app.accounts.models.User``) or :data:`SYSTEM`."""

    @property
    def id(self) -> int | None: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...

# Keys that would carry raw personal data; an audit summary must never contain them.
FORBIDDEN_SUMMARY_KEYS = frozenset({"id_number", "password", "password_hash", "phone"})


@dataclass(frozen=True)
class SystemActor:
    """The actor for changes made by the CLI, migrations or periodic jobs."""

    username: str = "system"
    role: str = "system"
    id: int | None = None


SYSTEM = SystemActor()


def _jsonable(summary: Mapping[str, Any]) -> dict[str, Any]:
    bad = FORBIDDEN_SUMMARY_KEYS & set(summary)
    if bad:
        raise ValueError(f"audit summary must not contain personal data: {sorted(bad)}")
    return json.loads(json.dumps(summary, default=str, ensure_ascii=False))


def _timestamp(value: datetime) -> str:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


def canonical(event: Any) -> bytes:
    """The bytes the hash covers: every field but ``hash`` itself, in a fixed JSON form.

    ``event`` is an :class:`AuditEvent` or a row of its table.
    """
    return json.dumps(
        {"id": event.id, "occurred_at": _timestamp(event.occurred_at), "actor_id": event.actor_id,
         "actor": event.actor, "role": event.role, "action": event.action,
         "entity_type": event.entity_type, "entity_id": event.entity_id,
         "summary": event.summary, "prev_hash": event.prev_hash},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    ).encode()


def event_hash(event: Any) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def record(session: Session, *, actor: Actor, action: str, entity_type: str,
           entity_id: object, summary: Mapping[str, Any] | None = None) -> AuditEvent:
    """Append one event in the caller's transaction (the chain head stays locked until commit)."""
    last_id, prev_hash = session.execute(
        update(AuditChainHead).where(AuditChainHead.id == 1)
        .values(last_id=AuditChainHead.last_id + 1)
        .returning(AuditChainHead.last_id, AuditChainHead.last_hash),
        execution_options={"synchronize_session": False},
    ).one()
    event = AuditEvent(id=last_id, occurred_at=now(), actor_id=actor.id, actor=actor.username,
                       role=str(actor.role), action=action, entity_type=entity_type,
                       entity_id=str(entity_id), summary=_jsonable(summary or {}),
                       prev_hash=prev_hash)
    event.hash = event_hash(event)
    session.add(event)
    session.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                    .values(last_hash=event.hash),
                    execution_options={"synchronize_session": False})
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    events_checked: int
    last_id: int
    last_hash: str
    broken_id: int | None = None
    reason: str | None = None


def _walk(session: Session, batch: int = 5000) -> Iterator[Any]:
    """Core rows (no ORM identity map), so a million events verify in constant memory."""
    table, last = AuditEvent.__table__, 0
    while True:
        rows = session.execute(select(table).where(table.c.id > last)
                               .order_by(table.c.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def verify(session: Session) -> Verification:
    """Walk the chain from the start; report the first event that does not hold."""
    expected_id, prev_hash, checked = 1, GENESIS_HASH, 0

    def broken(event_id: int, reason: str) -> Verification:
        return Verification(False, checked, expected_id - 1, prev_hash, event_id, reason)

    for event in _walk(session):
        if event.id != expected_id:
            return broken(expected_id, f"缺少第 {expected_id} 号事件（下一条为第 {event.id} 号）")
        if event.prev_hash != prev_hash:
            return broken(event.id, "前一事件哈希不一致（事件被删除、插入或篡改）")
        if event_hash(event) != event.hash:
            return broken(event.id, "事件内容与其哈希不一致（事件被篡改）")
        prev_hash, expected_id, checked = event.hash, expected_id + 1, checked + 1
    head = session.get(AuditChainHead, 1)
    if head is None or head.last_id != checked or head.last_hash != prev_hash:
        return broken(expected_id, "链尾与记录的最后事件不一致（末尾事件被删除或篡改）")
    return Verification(True, checked, checked, prev_hash)
