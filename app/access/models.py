"""Door access (第四十条): devices of a project with their hashed keys, door credentials bound to a
lease's tenant or placed occupant, the events devices push, and the signals computed from them.

An event row carries no personal data but the opaque credential id the access system uses: no name,
no 身份证 number, no face image (a face credential is the device's template number, never the face).

On PostgreSQL ``access_event`` is partitioned by month of ``occurred_at`` (declarative partitioning,
created by the migration and kept ahead by the ``access.partitions`` job; the partitions live in the
schema ``access_part`` so they are not mistaken for tables of the model); an expired month is dropped
whole. On SQLite it is one table and the purge is a DELETE by time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    select,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, validates
from sqlalchemy.sql.elements import ColumnElement

from app.access.enums import CredentialStatus, DeviceStatus, SignalStatus
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.models import Project
from app.core.clock import now
from app.core.db import Base
from app.upkeep.models import is_housing_bureau, plain


def operator_projects(user: User) -> ColumnElement[bool] | Any:
    """The ids of the projects ``user`` operates (its organisation's)."""
    return select(Project.id).where(Project.organization_id == user.organization_id).scalar_subquery()


def operates(user: User, project_id: Any) -> ColumnElement[bool]:
    if user.role == Role.developer and user.organization_id is not None:
        return project_id.in_(operator_projects(user))
    return false()


class AccessDevice(Base):
    """An access-control device of a project; it reports with its key (``Authorization: Device …``),
    kept only as its SHA-256. ``window_*`` count the events of the current minute (rate limit)."""

    __tablename__ = "access_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    location_kind: Mapped[str] = mapped_column(String(10))  # DeviceLocation
    location: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default=DeviceStatus.active.value)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(String(12))  # the key's first characters, to tell keys apart
    key_issued_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    window_started_at: Mapped[datetime | None]
    window_events: Mapped[int] = mapped_column(Integer, default=0)

    @validates("status", "location_kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """The project's operator only (devices and keys are its equipment)."""
        return operates(user, cls.project_id)


class AccessCredential(Base):
    """A door credential of a unit: issued (registered), bound to the tenant or a placed occupant of
    the unit's lease, unbound when the lease ends. ``external_id`` is the access system's opaque id."""

    __tablename__ = "access_credential"
    __table_args__ = (
        Index("ix_access_credential_lease_status", "lease_id", "status"),
        Index("ix_access_credential_holder", "holder_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # CredentialKind
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=CredentialStatus.registered.value)
    lease_id: Mapped[int | None] = mapped_column(ForeignKey("lease.id"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    bound_on: Mapped[date | None]
    unbound_on: Mapped[date | None]
    unbound_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)

    @validates("status", "kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """The project's operator; a tenant sees the credentials bound to them."""
        if user.role == Role.tenant:
            return cls.holder_id == user.id
        return operates(user, cls.project_id)


class AccessEvent(Base):
    """One door event as a device reported it. Idempotent by (device, event id, time): a device
    re-sending a batch re-sends the same events, which are answered as duplicates."""

    __tablename__ = "access_event"
    __table_args__ = (
        Index("ix_access_event_credential_ref_occurred_at", "credential_ref", "occurred_at"),
        Index("ix_access_event_project_id_occurred_at", "project_id", "occurred_at"),
        # the few events the lending signals read: credentials not bound to a lease in force
        Index("ix_access_event_suspect", "credential_ref", "occurred_at",
              postgresql_where=text("standing IN ('unbound', 'foreign')"),
              sqlite_where=text("standing IN ('unbound', 'foreign')")),
        {"postgresql_partition_by": "RANGE (occurred_at)"},
    )

    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer)
    credential: Mapped[str] = mapped_column(String(64))  # the opaque id as reported
    credential_ref: Mapped[int | None] = mapped_column(BigInteger)  # access_credential.id, if known
    standing: Mapped[str] = mapped_column(String(8))  # Standing
    direction: Mapped[str] = mapped_column(String(3))  # Direction
    result: Mapped[str] = mapped_column(String(8))  # Result
    received_at: Mapped[datetime] = mapped_column(default=now)


class AccessSignal(Base):
    """A signal (疑似闲置, 疑似转借/转租) on a lease in force, with its evidence (entries counted by
    ISO week, never the movement log); a person dismisses it or opens a 第四十条 violation."""

    __tablename__ = "access_signal"
    __table_args__ = (
        Index("ix_access_signal_lease_kind", "lease_id", "kind"),
        Index("ix_access_signal_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # SignalKind
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    lease_id: Mapped[int] = mapped_column(ForeignKey("lease.id"))
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("access_credential.id"))
    status: Mapped[str] = mapped_column(String(12), default=SignalStatus.open.value)
    first_detected_on: Mapped[date]
    last_detected_on: Mapped[date]
    evidence: Mapped[dict[str, Any]]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_on: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(Text)
    violation_id: Mapped[int | None] = mapped_column(ForeignKey("violation.id"))

    @validates("status", "kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """The project's operator; 市住建局 (第四十条 督促检查), the office and auditors city-wide."""
        if user.role in (Role.office, Role.auditor) or is_housing_bureau(user):
            return true()
        return operates(user, cls.project_id)

