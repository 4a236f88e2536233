"""The review clock of each project, the office's queue and the on-time statistics (第二十四条)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from statistics import mean
from typing import Any

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.accounts.deps import scope_key
from app.accounts.models import Department, User
from app.approval.models import MaterialRequest, Project, ReviewDispatch
from app.approval.status import DECIDED, IN_QUEUE, ProjectStatus
from app.calendar.service import work_calendar
from app.core import clock
from app.core.db import fetch_rows
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, slice_page
from rules.art24_review_clock import ClockState, Suspension, review_clock
from rules.calendar import CalendarYearMissing, WorkCalendar
from rules.params import value_at

# What the clock needs: the project and its requests for materials, in one query.
CLOCK_LOAD = (joinedload(Project.material_requests),)


def suspensions(project: Project) -> list[Suspension]:
    return [Suspension(r.requested_on, r.supplemented_on)
            for r in project.material_requests if r.stage == "review"]


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


def clock_view(session: Session, project: Project) -> dict[str, Any]:
    return _view(clock_state(session, project))


_CLOCK_BY_SCOPE: dict[tuple[Any, ...], Select[Any]] = {}


def _clock_statement(user: User) -> Select[Any]:
    """The clock's one statement (the dates and the requests for materials, within what
    ``user`` may see), built once per scope and kept: a hot read (``fetch_rows``)."""
    key = scope_key(user)
    stmt = _CLOCK_BY_SCOPE.get(key)
    if stmt is None:
        if len(_CLOCK_BY_SCOPE) >= 4096:
            _CLOCK_BY_SCOPE.clear()
        stmt = _CLOCK_BY_SCOPE[key] = (
            select(Project.accepted_on, Project.decided_on, Project.withdrawn_on,
                   MaterialRequest.requested_on, MaterialRequest.supplemented_on)
            .outerjoin(MaterialRequest, and_(MaterialRequest.project_id == Project.id,
                                             MaterialRequest.stage == "review"))
            .where(Project.id == bindparam("project_id"), Project.visible_to(user)))
    return stmt


def project_clock(session: Session, user: User, project_id: int) -> dict[str, Any]:
    """The clock of a project ``user`` may see (404 otherwise), from only the columns it needs:
    one statement for the dates and the requests for materials."""
    rows = fetch_rows(session, _clock_statement(user), {"project_id": project_id})
    if not rows:
        raise NotFound("未找到该项目")
    accepted_on, decided_on, withdrawn_on = rows[0][:3]
    return _view(_clock(work_calendar(session), accepted_on, decided_on or withdrawn_on,
                        [Suspension(r[3], r[4]) for r in rows if r[3] is not None]))


def _view(state: ClockState | None) -> dict[str, Any]:
    if state is None:
        limit = value_at("review_working_days", clock.today())
        return {"accepted_on": None, "deadline": None, "working_days_elapsed": 0,
                "working_days_remaining": limit, "suspended": False, "overdue": False,
                "due_soon": False, "decided_on": None, "on_time": None, "limit": limit}
    data = asdict(state)
    data["accepted_on"] = data.pop("started_on")
    return data


def _queue_item(p: Project, calendar: WorkCalendar) -> dict[str, Any]:
    item: dict[str, Any] = {
        "project_id": p.id, "name": p.name, "organization": p.organization.name,
        "status": p.status, "status_label": ProjectStatus(p.status).label,
        "submitted_at": p.submitted_at, "accepted_on": p.accepted_on, "deadline": None,
        "working_days_remaining": None, "suspended": False, "overdue": False,
        "due_soon": False, "pending_departments": [],
    }
    try:
        state = project_clock_state(calendar, p)
    except CalendarYearMissing as missing:
        item["calendar_missing_year"] = missing.year
        state = None
    if state is not None:
        item |= {"deadline": state.deadline, "working_days_remaining": state.working_days_remaining,
                 "suspended": state.suspended, "overdue": state.overdue,
                 "due_soon": state.due_soon}
    return item


def _pending_departments(session: Session, items: list[dict[str, Any]]) -> None:
    """Fill each item's departments that have not answered yet: one statement for the page."""
    if not items:
        return
    rows = session.execute(
        select(ReviewDispatch.project_id, Department.name)
        .join(Department, Department.id == ReviewDispatch.department_id)
        .where(ReviewDispatch.project_id.in_([i["project_id"] for i in items]),
               ReviewDispatch.opinion.is_(None))
        .order_by(ReviewDispatch.id))
    by_project = {i["project_id"]: i for i in items}
    for project_id, name in rows:
        by_project[project_id]["pending_departments"].append(name)


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
    projects = session.scalars(
        select(Project).where(Project.status.in_(statuses), Project.visible_to(user))
        .options(joinedload(Project.organization), selectinload(Project.material_requests)))
    calendar = work_calendar(session)
    items = [_queue_item(p, calendar) for p in projects]
    far, now = clock.today().replace(year=9999), clock.now()
    items.sort(key=lambda i: (i["deadline"] is None, i["deadline"] or far,
                              i["accepted_on"] is None, i["submitted_at"] or now, i["project_id"]))
    page = slice_page(items, cursor=cursor, limit=limit)
    _pending_departments(session, page.items)
    return page


def clocks(session: Session, projects: list[Project]) -> dict[int, dict[str, Any]]:
    """The queue's clock item of each open, accepted project among ``projects`` (a page of a
    project list): two statements whatever their number."""
    open_ids = [p.id for p in projects
                if p.accepted_on is not None and p.status in {s.value for s in IN_QUEUE}]
    if not open_ids:
        return {}
    loaded = session.scalars(select(Project).where(Project.id.in_(open_ids)).options(
        joinedload(Project.organization), selectinload(Project.material_requests)))
    calendar = work_calendar(session)
    return {p.id: _queue_item(p, calendar) for p in loaded}


def stats(session: Session) -> dict[str, Any]:
    """On-time rate and mean working days per decision; open applications past their deadline."""
    decided = session.scalars(
        select(Project).where(Project.status.in_([s.value for s in DECIDED]),
                              Project.accepted_on.is_not(None), Project.decided_on.is_not(None))
        .options(selectinload(Project.material_requests)))
    calendar = work_calendar(session)
    states = [s for s in (project_clock_state(calendar, p) for p in decided) if s is not None]
    on_time = sum(1 for s in states if s.on_time)
    open_projects = session.scalars(
        select(Project).where(Project.status.in_([s.value for s in IN_QUEUE]),
                              Project.accepted_on.is_not(None))
        .options(selectinload(Project.material_requests)))
    open_overdue = 0
    for p in open_projects:
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
