"""The planning domain's scheduled work: the statistics reports (monthly; quarterly after a quarter)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.jobs.registry import Schedule, job
from app.planning import reports


@job("planning.period_reports", Schedule(day=1, hour=2, minute=30),
     title="生成月度、季度保障性租赁住房统计报表")
def period_reports(session: Session, occurrence: datetime) -> int:
    """On the 1st at 02:30: last month's report, and last quarter's in January, April, July, October."""
    return reports.run_job(session, occurrence)
