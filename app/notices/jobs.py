"""The notices' scheduled work: sending due e-mail and SMS deliveries every minute (each claim and
each outcome committed on its own: no lock is held while the SMTP server answers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.jobs.registry import Schedule, job
from app.notices import service


@job("notices.deliver", Schedule(minute="*"), title="发送邮件与短信通知（失败重试）")
def deliver(session: Session, occurrence: datetime) -> int:
    return service.deliver_due(session, commit=True)
