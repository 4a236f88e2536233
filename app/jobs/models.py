"""One row per run of a scheduled job: the (job, occurrence) pair is UNIQUE, so of several
workers reaching the same occurrence only the one whose insert wins runs it (docs/jobs.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.core.clock import now
from app.core.db import Base
from app.jobs.enums import RunOutcome


def plain(value: str | None) -> str | None:
    return None if value is None else str(value)


class JobRun(Base):
    """A run of the job ``job`` for its scheduled ``occurrence`` (Asia/Shanghai cron time,
    stored in UTC; a manual run's occurrence is the moment it was asked for)."""

    __tablename__ = "job_run"
    __table_args__ = (
        UniqueConstraint("job", "occurrence"),
        Index("ix_job_run_outcome_id", "outcome", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(80))
    occurrence: Mapped[datetime]
    trigger: Mapped[str] = mapped_column(String(12))  # RunTrigger
    outcome: Mapped[str] = mapped_column(String(12), default=RunOutcome.running.value)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    worker: Mapped[str | None] = mapped_column(String(120))  # host:pid of the process that ran it
    created_at: Mapped[datetime] = mapped_column(default=now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    rows: Mapped[int | None] = mapped_column(Integer)  # rows the run affected
    error: Mapped[str | None] = mapped_column(Text)

    @validates("outcome", "trigger")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)
