"""Reads of the job runs (every ``select`` of the domain)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.paging import Page, keyset
from app.jobs.enums import RunOutcome
from app.jobs.models import JobRun


def runs_page(session: Session, *, job: str | None = None, outcome: str | None = None,
              cursor: int | None, limit: int) -> Page[JobRun]:
    """Runs, newest first (keyset by id), optionally of one job or one outcome."""
    stmt = select(JobRun)
    if job:
        stmt = stmt.where(JobRun.job == job)
    if outcome:
        stmt = stmt.where(JobRun.outcome == outcome)
    return keyset(session, stmt, JobRun.id, cursor=cursor, limit=limit)


def get_run(session: Session, run_id: int) -> JobRun | None:
    return session.get(JobRun, run_id)


def last_runs(session: Session, names: Iterable[str]) -> dict[str, JobRun]:
    """The latest run of each job (one statement)."""
    names = list(names)
    if not names:
        return {}
    latest = (select(JobRun.job, func.max(JobRun.id).label("id")).where(JobRun.job.in_(names))
              .group_by(JobRun.job).subquery())
    runs = session.scalars(select(JobRun).join(latest, latest.c.id == JobRun.id))
    return {run.job: run for run in runs}


def queued_ids(session: Session, limit: int = 20) -> list[int]:
    """Runs an administrator asked for that no worker has taken yet, oldest first."""
    return list(session.scalars(select(JobRun.id).where(JobRun.outcome == RunOutcome.queued.value)
                                .order_by(JobRun.id).limit(limit)))


def run_of(session: Session, name: str, occurrence: object) -> JobRun | None:
    return session.scalar(select(JobRun).where(JobRun.job == name, JobRun.occurrence == occurrence))
