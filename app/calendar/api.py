"""Routes: working-day arithmetic and each year's holiday notice."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from starlette.convertors import StringConvertor, register_url_convertor

from app.accounts.deps import SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.calendar import service
from app.calendar.schemas import WorkingDaysRead, YearPut, YearRead
from app.calendar.views import year_view
from app.core.errors import problem_responses
from app.core.routing import api_router
from rules.calendar import YearCalendar

router = api_router(prefix="/calendar", tags=["工作日历"])


class YearSegment(StringConvertor):
    """The ``{year}`` of ``/calendar/{year}``: any segment but the calendar's own literal path, so
    ``PUT /calendar/add-working-days`` is a 405 naming GET, not a request to change a year
    called "add-working-days" (refused 401/403 before its year was even read). Anything else is
    read as the year and checked there (``GET /calendar/abc``: 422)."""

    regex = r"(?!add-working-days(?:/|$))[^/]+"


register_url_convertor("calendar_year", YearSegment())
YearPath = Annotated[int, Path(ge=1949, le=2200, description="年份")]


def _read(cal: YearCalendar) -> YearRead:
    return YearRead.model_validate(year_view(cal))


@router.get("/add-working-days", response_model=WorkingDaysRead, responses=problem_responses(422))
def add_working_days(
    session: SessionDep,
    start: Annotated[date, Query(description="起算日（当日不计入）")],
    days: Annotated[int, Query(ge=1, le=3660, description="工作日数")],
) -> WorkingDaysRead:
    """The ``days``-th working day after ``start`` (第二十四条: the start day never counts)."""
    result = service.work_calendar(session).add_working_days(start, days)
    return WorkingDaysRead(start=start, days=days, date=result)


@router.get("/{year:calendar_year}", response_model=YearRead, responses=problem_responses(422))
def get_year(session: SessionDep, year: YearPath) -> YearRead:
    return _read(service.work_calendar(session).year(year))


@router.put("/{year:calendar_year}", response_model=YearRead, responses=problem_responses(401, 403, 422))
def put_year(session: SessionDep, year: YearPath, data: YearPut,
             user: User = require(Role.admin)) -> YearRead:
    """Enter (or correct) a year from the State Council's notice."""
    return _read(service.put_year(session, actor=user, year=year, data=data))
