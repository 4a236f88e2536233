"""Audit events and the single-row chain head that serialises writers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    """One state change. ``id`` is the gap-free position in the chain, assigned by the head.

    ``hash`` = HMAC-SHA256, keyed with version ``key_version`` of ``BAOZU_AUDIT_KEY`` (kept
    outside the database), over the canonical JSON of the event including ``prev_hash``, so
    changing, removing or reordering a row breaks the chain (``GET /api/v1/audit/verify``)
    and nobody without the key can recompute it. Events written before the chain was keyed
    (``key_version`` NULL, ids below the head's ``keyed_from``) keep the plain SHA-256 they
    were written with. On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on this
    table.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id", "id"),
        Index("ix_audit_event_action_id", "action", "id"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_version: Mapped[int | None] = mapped_column(SmallInteger)


class AuditChainHead(Base):
    """The last link of the chain (one row, id = 1).

    Every writer updates this row first, which holds a row lock (PostgreSQL) or the write
    lock (SQLite) until its transaction ends, so concurrent writers append one after another
    and the chain stays linear. ``keyed_from`` is the first event keyed with HMAC: the
    events before it (written before the chain was keyed) are plain SHA-256.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    keyed_from: Mapped[int] = mapped_column(BigInteger, default=1)
