"""The working calendar the service uses: the package's years plus the administrator's.

Rows in ``calendar_year`` override the package for their year (a notice can be amended).
The combined calendar is cached per process and rebuilt when the table changes; the check
is one small query, so several hosts stay consistent without a shared cache.
"""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.service import record
from app.calendar import repository
from app.calendar.enums import YearSource
from app.calendar.models import CalendarYear
from app.calendar.schemas import YearPut
from app.core.clock import now
from app.core.config import get_settings
from app.core.errors import InvalidInput
from rules.calendar import WorkCalendar, YearCalendar, builtin_years, check_year

_cache: tuple[object, WorkCalendar, float] | None = None


def _to_year(row: CalendarYear) -> YearCalendar:
    return YearCalendar(row.year, frozenset(map(date.fromisoformat, row.holidays)),
                        frozenset(map(date.fromisoformat, row.makeup_workdays)),
                        source=YearSource.admin.value, notice=row.notice)


def work_calendar(session: Session) -> WorkCalendar:
    """The calendar in force: built-in years overlaid with the administrator's.

    The table's version is re-read at most every ``calendar_recheck_seconds`` (a year entered
    on another host shows here within that time; on this host at once).
    """
    global _cache
    now_s = time.monotonic()
    if _cache is not None and now_s - _cache[2] < get_settings().calendar_recheck_seconds:
        return _cache[1]
    version = repository.version(session)
    if _cache is not None and _cache[0] == version:
        _cache = (version, _cache[1], now_s)
        return _cache[1]
    years = dict(builtin_years())
    if version[0]:
        for row in repository.entered_years(session):
            years[row.year] = _to_year(row)
    calendar = WorkCalendar(years.values())
    _cache = (version, calendar, now_s)
    return calendar


def put_year(session: Session, *, actor: User, year: int, data: YearPut) -> YearCalendar:
    problems = check_year(year, data.holidays, data.makeup_workdays)
    if problems:
        raise InvalidInput("；".join(problems), field="holidays")
    global _cache
    _cache = None  # this host sees the change at once
    row = session.get(CalendarYear, year)
    created = row is None
    if row is None:
        row = CalendarYear(year=year)
        session.add(row)
    row.holidays = sorted({d.isoformat() for d in data.holidays})
    row.makeup_workdays = sorted({d.isoformat() for d in data.makeup_workdays})
    row.notice, row.updated_at, row.updated_by_id = data.notice, now(), actor.id
    session.flush()
    record(session, actor=actor, action="calendar.year_created" if created else "calendar.year_updated",
           entity_type="calendar_year", entity_id=year,
           summary={"notice": data.notice, "holidays": len(row.holidays),
                    "makeup_workdays": len(row.makeup_workdays)})
    return _to_year(row)
