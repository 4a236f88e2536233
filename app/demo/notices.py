"""Demo reminders: a few visible right after ``make run``.

The demo city is created "today", so hardly any deadline is near yet. Besides what is really
due today, the demo looks ahead (two weeks at a time, up to two years) for the first deadline
of each kind of reminder sent before a deadline, and sends that reminder now with its real
object, deadline and article, as the daily job will when its day comes (and then not twice).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core import clock
from app.reminders import service
from app.reminders.enums import ReminderKind

LOOK_AHEAD = timedelta(weeks=2)
LOOK_AHEAD_STEPS = 52  # two years: an appraisal lapses after two (第三十七条)


def seed_notices(session: Session, users: Callable[[str], User]) -> int:
    today = clock.today()
    sent = service.send_due(session, today)
    first: dict[str, service.Due] = {}
    for step in range(1, LOOK_AHEAD_STEPS + 1):
        for due in service.due_reminders(session, today + step * LOOK_AHEAD):
            if due.recipients and due.deadline >= today and due.kind != ReminderKind.review_overdue:
                first.setdefault(due.kind.value, due)
    return sent + service.send(session, list(first.values()), today)
