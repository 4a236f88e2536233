"""The jobs a domain declares: a name, a schedule, a function.

A domain declares its scheduled work in its own ``jobs.py``::

    from app.jobs.registry import Schedule, job

    @job("access.purge_events", Schedule(hour=3, minute=10), title="清除过期门禁记录")
    def purge_events(session: Session, occurrence: datetime) -> int:
        ...               # runs inside one transaction; returns the rows it affected

``occurrence`` is the scheduled time of the run (Asia/Shanghai), not the moment it started: the
runner records one run per (job, occurrence) and never runs an occurrence twice. The runner
(``baozu worker``) imports every domain's ``jobs`` module through :data:`JOB_MODULES`; this
module imports nothing above ``core``, so any domain may declare jobs here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JobFunction = Callable[[Any, datetime], int]

# Every module that declares jobs; the worker imports them all (add yours here).
JOB_MODULES: list[str] = ["app.notices.jobs", "app.reminders.jobs", "app.planning.jobs",
                          "app.access.jobs"]


@dataclass(frozen=True)
class Schedule:
    """Cron fields in Asia/Shanghai time (APScheduler's ``CronTrigger`` arguments)."""

    minute: int | str = 0
    hour: int | str = "*"
    day: int | str = "*"
    month: int | str = "*"
    day_of_week: int | str = "*"

    def cron_fields(self) -> dict[str, int | str]:
        return {"minute": self.minute, "hour": self.hour, "day": self.day, "month": self.month,
                "day_of_week": self.day_of_week}


@dataclass(frozen=True)
class JobSpec:
    name: str
    schedule: Schedule
    function: JobFunction = field(compare=False)
    title: str = ""


JOBS: dict[str, JobSpec] = {}


def job(name: str, schedule: Schedule, *, title: str) -> Callable[[JobFunction], JobFunction]:
    """Declare ``function`` as the scheduled job ``name`` (unique across the service)."""

    def declare(function: JobFunction) -> JobFunction:
        if name in JOBS and JOBS[name].function is not function:
            raise ValueError(f"job {name!r} is declared twice")
        JOBS[name] = JobSpec(name, schedule, function, title)
        return function

    return declare
