"""``baozu worker``: an APScheduler ``BlockingScheduler`` in its own process.

Each declared job gets a ``CronTrigger`` (Asia/Shanghai); at each fire time the worker runs
:func:`app.jobs.service.run_latest`, which claims the occurrence in ``job_run`` (exactly once
across workers) and runs it. An interval job polls for runs administrators asked for. Jobs are
kept in APScheduler's memory store: the schedule is code (``@job``), the database holds only
the runs, so several workers need no shared job store (docs/jobs.md).
"""

from __future__ import annotations

import contextlib
import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from app.core.config import get_settings
from app.jobs import service
from app.jobs.enums import RunTrigger

log = logging.getLogger("baozu.jobs")
MISFIRE_GRACE_SECONDS = 3600  # APScheduler's own lateness limit; the catch-up window still applies


def build(sessions: service.Sessions) -> BlockingScheduler:
    settings = get_settings()
    scheduler = BlockingScheduler(timezone=ZoneInfo(settings.timezone), job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS})
    for name, spec in sorted(service.load_jobs().items()):
        scheduler.add_job(service.run_latest, service.trigger_of(spec.schedule), id=name,
                          name=spec.title or name, args=[sessions, name, RunTrigger.scheduled])
    scheduler.add_job(service.run_queued, IntervalTrigger(seconds=settings.job_poll_seconds),
                      id="jobs.queued", name="管理员手动触发的任务", args=[sessions])
    return scheduler


def run(sessions: service.Sessions) -> None:
    """Catch up, then run the schedule until stopped (Ctrl-C or SIGTERM)."""
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # a line per tick
    caught = service.catch_up(sessions)
    log.info("worker %s: %d jobs, %d caught up", service.worker_name(), len(service.load_jobs()),
             len(caught))
    scheduler = build(sessions)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
