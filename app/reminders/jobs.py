"""The daily reminders job (an administrator may run it now: POST /api/v1/jobs/reminders.daily/run)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.jobs.registry import Schedule, job
from app.reminders import service


@job("reminders.daily", Schedule(hour=7, minute=30), title="期限提醒（每日）")
def daily(session: Session, occurrence: datetime) -> int:
    return service.send_due(session)
