"""Reads of the calendar domain: the years an administrator entered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.calendar.models import CalendarYear


def version(session: Session) -> tuple[Any, ...]:
    """What changes whenever a year is entered or corrected: (how many, last update)."""
    return tuple(session.execute(
        select(func.count(CalendarYear.year), func.max(CalendarYear.updated_at))).one())


def entered_years(session: Session) -> list[CalendarYear]:
    """Every year an administrator entered."""
    return list(session.scalars(select(CalendarYear)))
