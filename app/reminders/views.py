"""Presenters: the reminder kinds with their lead times in force (for the admin page and API)."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core import clock
from app.reminders.enums import ARTICLE, MANDATORY, ReminderKind
from rules import reminders as rule


def lead_times(on: date) -> list[dict[str, Any]]:
    """Every kind; a lead of None for the overdue reminder (sent once the deadline passed)."""
    return [{"kind": k.value, "label": k.label, "article": ARTICLE[k],
             "parameter": rule.LEAD_PARAMETER.get(k.value),
             "lead": rule.lead(k.value, on) if k.value in rule.LEAD_PARAMETER else None,
             "mandatory": k in MANDATORY} for k in ReminderKind]


def lead_times_kinds() -> list[dict[str, Any]]:
    """:func:`lead_times` as in force today."""
    return lead_times(clock.today())
