"""Reminders sent: one row per (kind, object, deadline, recipient), UNIQUE, so a reminder is
sent once however often the daily job runs, on however many workers, and after a restart."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.core.clock import now
from app.core.db import Base


class Reminder(Base):
    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("kind", "object_type", "object_id", "deadline", "recipient_id"),
        Index("ix_reminder_recipient_id_id", "recipient_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # ReminderKind
    object_type: Mapped[str] = mapped_column(String(30))  # project, lease, violation, repair …
    object_id: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[date]
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    sent_on: Mapped[date]  # the business day it was sent (BAOZU_TODAY in demos and tests)
    created_at: Mapped[datetime] = mapped_column(default=now)

    @validates("kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return None if value is None else str(value)
