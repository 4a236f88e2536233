"""Writing and verifying the audit chain (auditors read it through ``app.oversight``)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import keys
from app.audit.checkpoints import Checkpoint, check, sign
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

# The event that begins the keyed part of the chain (written by the migration that keyed it;
# its summary says from which event on, so that point cannot be moved without the key).
CHAIN_KEYED = "audit.chain_keyed"

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
    """The bytes the hash covers: every field but ``hash`` itself, in a fixed JSON form
    (``key_version`` only on keyed events, so the events written before keep their bytes).

    ``event`` is an :class:`AuditEvent` or a row of its table.
    """
    fields = {"id": event.id, "occurred_at": _timestamp(event.occurred_at),
              "actor_id": event.actor_id, "actor": event.actor, "role": event.role,
              "action": event.action, "entity_type": event.entity_type,
              "entity_id": event.entity_id, "summary": event.summary,
              "prev_hash": event.prev_hash}
    if event.key_version is not None:
        fields["key_version"] = event.key_version
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(event: Any) -> str:
    """HMAC-SHA256 with the event's audit key version; plain SHA-256 for an event written
    before the chain was keyed (``key_version`` NULL). :class:`keys.MissingKey` if that
    version of the key is not configured."""
    if event.key_version is None:
        return hashlib.sha256(canonical(event)).hexdigest()
    return keys.mac(event.key_version, keys.CHAIN, canonical(event))


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
                       prev_hash=prev_hash, key_version=keys.current_version())
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
    keyed_from: int = 1  # the first event keyed with HMAC (those before: plain SHA-256)


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


def verify(session: Session, against: Checkpoint | None = None) -> Verification:
    """Walk the chain from the start; report the first event that does not hold.

    Events before the head's ``keyed_from`` must be plain SHA-256, every later one HMAC-SHA256
    with the audit key of its version. With a checkpoint (``against``, whose signature is
    checked first: :class:`CheckpointError` if it is not this system's), the chain must
    also reach the checkpoint's sequence number, with the same hash there, and have been
    keyed from the same point: a chain cut short and its head rewound is found only so.
    """
    if against is not None:
        check(against)
    head = session.execute(select(AuditChainHead.last_id, AuditChainHead.last_hash,
                                  AuditChainHead.keyed_from)
                           .where(AuditChainHead.id == 1)).first()
    keyed_from = head.keyed_from if head is not None else 1
    expected_id, prev_hash, checked = 1, GENESIS_HASH, 0

    def broken(event_id: int, reason: str) -> Verification:
        return Verification(False, checked, expected_id - 1, prev_hash, event_id, reason,
                            keyed_from)

    if head is None:
        return broken(1, "缺少链尾记录（audit_chain_head 被删除）")
    for event in _walk(session):
        if event.id != expected_id:
            return broken(expected_id, f"缺少第 {expected_id} 号事件（下一条为第 {event.id} 号）")
        if event.prev_hash != prev_hash:
            return broken(event.id, "前一事件哈希不一致（事件被删除、插入或篡改）")
        if event.id >= keyed_from and event.key_version is None:
            return broken(event.id, f"事件未以审计密钥签名（自第 {keyed_from} 号起每条事件都应签名；"
                                    "事件被篡改）")
        if event.id < keyed_from and event.key_version is not None:
            return broken(event.id, f"密钥签名起点记录为第 {keyed_from} 号，此前却有签名的事件"
                                    "（链尾记录被篡改）")
        try:
            expected = event_hash(event)
        except keys.MissingKey as exc:
            return broken(event.id, f"未配置第 {exc.version} 版审计密钥（BAOZU_AUDIT_RETIRED_KEYS），"
                                    "无法校验")
        if not hmac.compare_digest(expected, event.hash):
            return broken(event.id, "事件内容与其哈希不一致（事件被篡改）")
        if event.id == keyed_from and (event.action != CHAIN_KEYED
                                       or event.summary.get("keyed_from") != keyed_from):
            return broken(event.id, f"第 {keyed_from} 号事件应是启用审计密钥的记录（{CHAIN_KEYED}），"
                                    "却不是（链尾记录被篡改）")
        if against is not None and event.id == against.sequence and event.hash != against.hash:
            return broken(event.id, f"与检查点（{against.taken_at}）记录的第 {event.id} 号事件哈希不一致"
                                    "（该事件或其之前的事件被改写）")
        prev_hash, expected_id, checked = event.hash, expected_id + 1, checked + 1
    if head.last_id != checked or head.last_hash != prev_hash:
        return broken(expected_id, "链尾与记录的最后事件不一致（末尾事件被删除或篡改）")
    if keyed_from > checked:
        return broken(expected_id, f"缺少启用审计密钥的记录（第 {keyed_from} 号事件）"
                                   "（末尾事件被删除，或链尾记录被篡改）")
    if against is not None:
        if checked < against.sequence:
            return broken(expected_id, f"审计链比检查点短：检查点（{against.taken_at}）记录到第 "
                                       f"{against.sequence} 号事件，现只有 {checked} 条（末尾事件被删除）")
        if against.sequence == 0 and against.hash != GENESIS_HASH:
            return broken(1, "检查点记录的空链哈希不正确")
        if keyed_from != against.keyed_from:
            return broken(min(keyed_from, against.keyed_from),
                          f"密钥签名起点（第 {keyed_from} 号）与检查点记录的（第 "
                          f"{against.keyed_from} 号）不一致（事件被改写为未签名形式）")
    return Verification(True, checked, checked, prev_hash, keyed_from=keyed_from)


def checkpoint(session: Session, taken_at: datetime | None = None
               ) -> tuple[Verification, Checkpoint | None]:
    """Verify the chain and, if it holds, sign its head (``baozu audit checkpoint``)."""
    result = verify(session)
    if not result.ok:
        return result, None
    moment = (taken_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return result, sign(taken_at=moment, sequence=result.last_id, hash=result.last_hash,
                        keyed_from=result.keyed_from)
