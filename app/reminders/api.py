"""Routes: reminders sent (mine; all for the administrator and auditors) and the lead times."""

from __future__ import annotations

from typing import Any

from app.accounts.deps import CurrentUser, SessionDep
from app.core import clock
from app.core.errors import problem_responses
from app.core.paging import PageParams
from app.core.routing import api_router
from app.reminders import repository, views
from app.reminders.schemas import LeadTimesRead, ReminderRead

router = api_router(tags=["期限提醒"])


@router.get("/reminders", response_model=list[ReminderRead], responses=problem_responses(401, 422))
def reminders(session: SessionDep, user: CurrentUser, page: PageParams) -> Any:
    """Reminders sent to me, newest first (the administrator and auditors: all of them). The
    daily job ``reminders.daily`` sends them; an administrator runs it now with
    ``POST /api/v1/jobs/reminders.daily/run``."""
    return page.respond(repository.reminders_page(session, user, cursor=page.cursor, limit=page.limit))


@router.get("/reminders/lead-times", response_model=LeadTimesRead, responses=problem_responses(401))
def lead_times(_: CurrentUser) -> Any:
    """Each kind of reminder: its article, lead time in force today (city policy parameter),
    and whether it is mandatory."""
    return {"kinds": views.lead_times(clock.today())}
