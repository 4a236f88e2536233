"""The review clock of each project, the office's queue and the on-time statistics (第二十四条),
computed from what :mod:`app.approval.repository` reads."""

from __future__ import annotations

from datetime import date
from statistics import mean
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval import repository, views
from app.approval.enums import IN_QUEUE, MaterialStage
from app.approval.models import Project
from app.calendar.service import work_calendar
from app.core import clock
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, slice_page
from rules.art24_review_clock import ClockState, Suspension, review_clock
from rules.calendar import CalendarYearMissing, WorkCalendar
from rules.params import value_at


def suspensions(project: Project) -> list[Suspension]:
    return [Suspension(r.requested_on, r.supplemented_on)
            for r in project.material_requests if r.stage == MaterialStage.review]


def clock_state(session: Session, project: Project) -> ClockState | None:
    """The clock of an accepted project, or None before acceptance."""
    return project_clock_state(work_calendar(session), project)


def project_clock_state(calendar: WorkCalendar, project: Project) -> ClockState | None:
    """:func:`clock_state` with the working calendar already read (once for a whole list)."""
    return _clock(calendar, project.accepted_on, project.decided_on or project.withdrawn_on,
                  suspensions(project))


def _clock(calendar: WorkCalendar, accepted_on: date | None, ended: date | None,
           suspended: list[Suspension]) -> ClockState | None:
    if accepted_on is None:
        return None
    return review_clock(calendar, accepted_on, max(clock.today(), ended or accepted_on),
                        suspended, decided_on=ended)


def _limit() -> int:
    return value_at("review_working_days", clock.today())


def clock_view(session: Session, project: Project) -> dict[str, Any]:
    return views.clock_view(clock_state(session, project), _limit())


def project_clock(session: Session, user: User, project_id: int) -> dict[str, Any]:
    """The clock of a project ``user`` may see (404 otherwise), from only the columns it needs:
    one statement for the dates and the requests for materials."""
    rows = repository.clock_rows(session, user, project_id)
    if not rows:
        raise NotFound("未找到该项目")
    accepted_on, decided_on, withdrawn_on = rows[0][:3]
    state = _clock(work_calendar(session), accepted_on, decided_on or withdrawn_on,
                   [Suspension(r[3], r[4]) for r in rows if r[3] is not None])
    return views.clock_view(state, _limit())


def _queue_item(p: Project, calendar: WorkCalendar) -> dict[str, Any]:
    try:
        return views.queue_item(p, project_clock_state(calendar, p))
    except CalendarYearMissing as missing:
        return views.queue_item(p, None, missing.year)


def queue(session: Session, user: User, *, cursor: int | None = None, limit: int = DEFAULT_LIMIT,
          status: str | None = None) -> Page[dict[str, Any]]:
    """Open applications (``status``: one state of the queue only), soonest deadline first;
    unaccepted and suspended ones after.

    The order is by a deadline computed here, over the whole open set (bounded: applications
    under review): the cursor is the index in that sorted list (ties broken by submission
    time, then id, so the order is stable). An application decided between two pages moves
    the later ones up by one. A page costs four statements whatever its size: the open
    projects, their requests for materials, the calendar, the page's pending departments.
    """
    statuses = [status] if status in {s.value for s in IN_QUEUE} else [s.value for s in IN_QUEUE]
    projects = repository.open_projects(session, user, statuses)
    calendar = work_calendar(session)
    items = [_queue_item(p, calendar) for p in projects]
    far, now = clock.today().replace(year=9999), clock.now()
    items.sort(key=lambda i: (i["deadline"] is None, i["deadline"] or far,
                              i["accepted_on"] is None, i["submitted_at"] or now, i["project_id"]))
    page = slice_page(items, cursor=cursor, limit=limit)
    by_project = {i["project_id"]: i for i in page.items}
    for project_id, name in repository.pending_departments(session, list(by_project)):
        by_project[project_id]["pending_departments"].append(name)
    return page


def clocks(session: Session, projects: list[Project]) -> dict[int, dict[str, Any]]:
    """The queue's clock item of each open, accepted project among ``projects`` (a page of a
    project list): two statements whatever their number."""
    open_ids = [p.id for p in projects
                if p.accepted_on is not None and p.status in {s.value for s in IN_QUEUE}]
    if not open_ids:
        return {}
    loaded = repository.with_requests(session, open_ids)
    calendar = work_calendar(session)
    return {p.id: _queue_item(p, calendar) for p in loaded}


def stats(session: Session) -> dict[str, Any]:
    """On-time rate and mean working days per decision; open applications past their deadline."""
    decided = repository.decided_projects(session)
    calendar = work_calendar(session)
    states = [s for s in (project_clock_state(calendar, p) for p in decided) if s is not None]
    on_time = sum(1 for s in states if s.on_time)
    open_overdue = 0
    for p in repository.accepted_open_projects(session):
        try:
            state = project_clock_state(calendar, p)
        except CalendarYearMissing:
            continue
        open_overdue += bool(state and state.overdue)
    return {"decided": len(states), "on_time": on_time,
            "on_time_rate": round(on_time / len(states), 4) if states else None,
            "mean_working_days": (round(mean(s.working_days_elapsed for s in states), 2)
                                  if states else None),
            "open_overdue": open_overdue}
