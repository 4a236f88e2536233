"""Reads of the approval domain that the pages list: meetings, decisions, a department's inbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.approval.models import LeaderDecision, Project, ReviewDispatch, ReviewMeeting
from app.approval.status import ProjectStatus
from app.core.paging import DEFAULT_LIMIT, Page, keyset_by, mapped


def meeting_of(session: Session, project_id: int) -> ReviewMeeting | None:
    return session.scalar(select(ReviewMeeting).where(ReviewMeeting.project_id == project_id))


def leader_decision_of(session: Session, project_id: int) -> LeaderDecision | None:
    return session.scalar(select(LeaderDecision).where(LeaderDecision.project_id == project_id))


def department_inbox(session: Session, user: User, *, cursor: int | None = None,
                     limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """The projects sent to the user's department (which is what makes them visible to it),
    unanswered first, then the newest (keyset by unanswered, dispatch day and id)."""
    if user.department_id is None:
        return Page([], None)
    stmt = (select(ReviewDispatch, Project, ReviewDispatch.id)
            .join(Project, Project.id == ReviewDispatch.project_id)
            .where(ReviewDispatch.department_id == user.department_id)
            .options(joinedload(Project.organization)))
    found = keyset_by(session, stmt, [ReviewDispatch.opinion.is_(None), ReviewDispatch.dispatched_on],
                      ReviewDispatch.id, cursor=cursor, limit=limit, descending=True, scalars=False)
    return mapped(found, _inbox_item)


def _inbox_item(row: Any) -> dict[str, Any]:
    d, p, _ = row
    return {"project_id": p.id, "name": p.name, "organization": p.organization.name,
            "status": p.status, "status_label": ProjectStatus(p.status).label,
            "dispatched_on": d.dispatched_on, "opinion": d.opinion, "comment": d.comment,
            "answered_on": d.answered_on,
            "open": d.opinion is None and p.status in (ProjectStatus.in_review,
                                                        ProjectStatus.awaiting_materials)}
