"""The runner: each (job, occurrence) runs exactly once however many workers run.

A worker that reaches an occurrence first inserts its ``job_run`` row in a transaction of its
own and commits it; the UNIQUE (job, occurrence) constraint makes every other worker's insert
fail, and those workers skip the occurrence. The winner then runs the job's function in a
second transaction and records the outcome (start, end, rows affected, error text). Works the
same on SQLite (one worker: the constraint still stops a second run after a restart) and on
PostgreSQL (many workers on many hosts).

Restart rule (docs/jobs.md): when a worker starts, and at each scheduled tick, the job's most
recent occurrence at or before now is run if it is no older than ``BAOZU_JOB_CATCH_UP_HOURS``
and has no run yet; older missed occurrences are skipped, never replayed one by one.

A run an administrator asks for (:func:`request_run`) is a ``queued`` row; a worker takes it
with a conditional UPDATE (the one whose update matched runs it), so the web process never
runs jobs itself.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import Actor, record
from app.core import clock
from app.core.config import get_settings
from app.core.errors import NotFound
from app.jobs import repository
from app.jobs.enums import RunOutcome, RunTrigger
from app.jobs.models import JobRun
from app.jobs.registry import JOB_MODULES, JOBS, JobSpec, Schedule

log = logging.getLogger("baozu.jobs")
Sessions = Callable[[], Session]  # a sessionmaker of the worker's own (real commits)
ERROR_CHARS = 8000
# How far back to look for a schedule's latest occurrence, tried in turn (a minutely job is
# found in the first window, a monthly one in the third).
LOOKBACKS = (timedelta(hours=2), timedelta(days=2), timedelta(days=62), timedelta(days=800))


def load_jobs() -> dict[str, JobSpec]:
    """Import every module that declares jobs (:data:`~app.jobs.registry.JOB_MODULES`)."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return JOBS


def spec_of(name: str) -> JobSpec:
    spec = load_jobs().get(name)
    if spec is None:
        raise NotFound("没有这个定时任务")
    return spec


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def trigger_of(schedule: Schedule) -> CronTrigger:
    return CronTrigger(**schedule.cron_fields(), second=0, timezone=ZoneInfo(get_settings().timezone))


def latest_occurrence(schedule: Schedule, at: datetime) -> datetime | None:
    """The schedule's most recent occurrence at or before ``at`` (Asia/Shanghai), or None."""
    trigger = trigger_of(schedule)
    at = at.astimezone(ZoneInfo(get_settings().timezone))
    for lookback in LOOKBACKS:
        latest, fire = None, trigger.get_next_fire_time(None, at - lookback)
        while fire is not None and fire <= at:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest
    return None


def describe(schedule: Schedule) -> str:
    f = schedule.cron_fields()
    return " ".join(str(f[k]) for k in ("minute", "hour", "day", "month", "day_of_week"))


# ---- claiming and running ----------------------------------------------------------------------

def claim(sessions: Sessions, name: str, occurrence: datetime, trigger: RunTrigger) -> int | None:
    """Insert the run row of (``name``, ``occurrence``) and commit it: its id if this process
    won, None if another run of that occurrence exists (another worker, or before a restart)."""
    session = sessions()
    try:
        run = JobRun(job=name, occurrence=occurrence, trigger=trigger, outcome=RunOutcome.running,
                     started_at=clock.now(), worker=worker_name())
        session.add(run)
        session.commit()
        return run.id
    except IntegrityError:
        session.rollback()
        return None
    finally:
        session.close()


def execute(sessions: Sessions, run_id: int, spec: JobSpec, occurrence: datetime) -> bool:
    """Run the job in one transaction and record its outcome; False if it failed."""
    local = occurrence.astimezone(ZoneInfo(get_settings().timezone))
    session = sessions()
    try:
        rows = spec.function(session, local)
        session.execute(update(JobRun).where(JobRun.id == run_id).values(
            outcome=RunOutcome.succeeded.value, finished_at=clock.now(), rows=int(rows or 0)))
        session.commit()
        log.info("job %s (%s) succeeded: %s rows", spec.name, local.isoformat(), rows)
        return True
    except Exception:
        session.rollback()
        error = traceback.format_exc()[-ERROR_CHARS:]
        log.exception("job %s (%s) failed", spec.name, local.isoformat())
        session.execute(update(JobRun).where(JobRun.id == run_id).values(
            outcome=RunOutcome.failed.value, finished_at=clock.now(), error=error))
        session.commit()
        return False
    finally:
        session.close()


def run_latest(sessions: Sessions, name: str, trigger: RunTrigger = RunTrigger.scheduled,
               at: datetime | None = None) -> int | None:
    """Run the latest occurrence of ``name`` if it is due (the restart rule above) and no
    other run of it exists; the run's id, or None if there was nothing to run here."""
    spec = spec_of(name)
    at = at or clock.now()
    occurrence = latest_occurrence(spec.schedule, at)
    window = timedelta(hours=get_settings().job_catch_up_hours)
    if occurrence is None or at - occurrence > window:
        return None
    run_id = claim(sessions, name, occurrence, trigger)
    if run_id is not None:
        execute(sessions, run_id, spec, occurrence)
    return run_id


def catch_up(sessions: Sessions, at: datetime | None = None) -> list[int]:
    """On a worker's start: every job's latest missed occurrence within the window."""
    return [run_id for name in sorted(load_jobs())
            if (run_id := run_latest(sessions, name, RunTrigger.catch_up, at)) is not None]


def run_queued(sessions: Sessions) -> list[int]:
    """Take and run the runs administrators asked for (each by exactly one worker)."""
    done = []
    session = sessions()
    try:
        ids = repository.queued_ids(session)
        session.rollback()
    finally:
        session.close()
    for run_id in ids:
        session = sessions()
        try:
            taken = session.execute(
                update(JobRun).where(JobRun.id == run_id, JobRun.outcome == RunOutcome.queued.value)
                .values(outcome=RunOutcome.running.value, started_at=clock.now(), worker=worker_name())
            ).rowcount == 1
            session.commit()
            run = repository.get_run(session, run_id) if taken else None
            name, occurrence = (run.job, run.occurrence) if run else ("", None)
        finally:
            session.close()
        if taken and occurrence is not None:
            spec = JOBS.get(name) or load_jobs().get(name)
            if spec is None:
                _fail(sessions, run_id, f"未声明的任务 {name}")
                continue
            execute(sessions, run_id, spec, occurrence)
            done.append(run_id)
    return done


def _fail(sessions: Sessions, run_id: int, error: str) -> None:
    session = sessions()
    try:
        session.execute(update(JobRun).where(JobRun.id == run_id).values(
            outcome=RunOutcome.failed.value, finished_at=clock.now(), error=error))
        session.commit()
    finally:
        session.close()


# ---- what an administrator does ------------------------------------------------------------------

def request_run(session: Session, *, actor: Actor, name: str) -> JobRun:
    """Ask for a run of ``name`` now: a queued run that the next worker poll takes."""
    spec_of(name)
    run = JobRun(job=name, occurrence=clock.now(), trigger=RunTrigger.manual,
                 outcome=RunOutcome.queued, requested_by_id=actor.id)
    session.add(run)
    session.flush()
    record(session, actor=actor, action="job.run_requested", entity_type="job_run", entity_id=run.id,
           summary={"job": name})
    return run


def jobs_with_last_run(session: Session) -> list[dict[str, Any]]:
    specs = load_jobs()
    last = repository.last_runs(session, specs)
    return [{"name": s.name, "title": s.title, "schedule": describe(s.schedule),
             "last_run": last.get(s.name)} for s in sorted(specs.values(), key=lambda s: s.name)]
