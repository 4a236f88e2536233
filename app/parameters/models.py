"""The city's dated changes of its policy parameters (``policy = true`` in parameters.toml)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now
from app.core.db import Base


class PolicyChange(Base):
    """A new value of a policy parameter from ``since`` on, with the decision behind it.

    Nothing is edited or deleted: a correction is a later change (for the same day it
    supersedes the earlier one)."""

    __tablename__ = "policy_change"
    __table_args__ = (Index("ix_policy_change_name_since", "name", "since"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[object] = mapped_column(JSON)  # as the file writes it: a number or a string
    since: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(200))  # the decision's document number
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
