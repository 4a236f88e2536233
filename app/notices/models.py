"""站内信 for every role (the notice centre), their deliveries on other channels, and each
person's channel choices.

Every notice is in-app; a notice also gets one :class:`NoticeDelivery` row per other channel
it goes out on (e-mail for staff and organisations, SMS), sent by the ``notices.deliver`` job
with retries and backoff, then ``failed`` and shown to the administrator — never dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.core.clock import now
from app.core.db import Base


def plain(value: str | None) -> str | None:
    return None if value is None else str(value)


class Notice(Base):
    """A message to one person: what, about which object, by when, under which article, and
    where to act (``link``, a path of the service)."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))  # a reminder kind, a tenants NoticeKind …
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    read_at: Mapped[datetime | None]

    @validates("kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


class NoticeDelivery(Base):
    """One notice on one outside channel (``email`` or ``sms``) to one address."""

    __tablename__ = "notice_delivery"
    __table_args__ = (Index("ix_notice_delivery_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # Channel
    address: Mapped[str] = mapped_column(String(254))  # the e-mail address or phone number
    status: Mapped[str] = mapped_column(String(10), default="pending")  # DeliveryStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    @validates("channel", "status")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


class NoticePreference(Base):
    """Which channels a person wants besides 站内信 (always on). Mandatory notices go out on
    every channel the person has an address for, whatever is chosen here."""

    __tablename__ = "notice_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
