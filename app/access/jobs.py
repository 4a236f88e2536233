"""Scheduled work of door access (run by ``baozu worker``, exactly once per occurrence):

* ``access.signals`` (02:30 daily): unbind the credentials of leases that ended, then recompute
  the signals city-wide;
* ``access.purge`` (03:10 daily): delete events older than ``access_retention_days`` (PIPL) —
  PostgreSQL drops whole expired months;
* ``access.partitions`` (03:20 daily): PostgreSQL keeps this month's and the next three months'
  partitions of ``access_event`` created ahead of the events.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.access import service, signals
from app.audit.service import SYSTEM
from app.jobs.registry import Schedule, job


@job("access.signals", Schedule(hour=2, minute=30), title="门禁：解绑已终止合同的凭证并重算闲置、转借提示")
def daily_signals(session: Session, occurrence: datetime) -> int:
    today = occurrence.date()
    unbound = service.unbind_ended(session, SYSTEM, today)
    result = signals.compute(session, SYSTEM, today=today)
    return unbound + result["raised"] + result["updated"]


@job("access.purge", Schedule(hour=3, minute=10), title="门禁：清除超过保存期限的通行记录")
def purge_events(session: Session, occurrence: datetime) -> int:
    return service.purge(session, occurrence)


@job("access.partitions", Schedule(hour=3, minute=20), title="门禁：预建通行记录的月分区（PostgreSQL）")
def ensure_partitions(session: Session, occurrence: datetime) -> int:
    return service.ensure_partitions(session, occurrence.date())
