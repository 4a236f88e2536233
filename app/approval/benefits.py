"""The benefits register (第十四–十六条): what a certificate unlocked, since when, until when."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.approval.facts import facts_of
from app.approval.models import Project, ProjectBenefit
from app.core.paging import Page, keyset, mapped
from rules.art14_16_benefits import benefits


def register_benefits(session: Session, project: Project, on: date) -> None:
    """Record the benefits the certificate unlocks, in force from its issue date."""
    for benefit in benefits(facts_of(project), on):
        if benefit.applies:
            session.add(ProjectBenefit(project_id=project.id, code=benefit.code,
                                       title=benefit.title, article=benefit.article, since=on))


def end_benefits(session: Session, project: Project, on: date, reason: str) -> list[str]:
    """End every active benefit (``reason``: "exit" when approved, "cancelled" otherwise)."""
    ended = []
    for record in session.scalars(select(ProjectBenefit).where(
            ProjectBenefit.project_id == project.id, ProjectBenefit.ended_on.is_(None))):
        record.ended_on, record.end_reason = on, reason
        ended.append(record.code)
    return ended


def benefit_view(b: ProjectBenefit) -> dict[str, Any]:
    return {"code": b.code, "title": b.title, "article": b.article, "since": b.since,
            "ended_on": b.ended_on, "end_reason": b.end_reason, "active": b.ended_on is None}


def benefit_records(session: Session, project: Project) -> list[dict[str, Any]]:
    return [benefit_view(b) for b in session.scalars(select(ProjectBenefit).where(
        ProjectBenefit.project_id == project.id).order_by(ProjectBenefit.id))]


def benefits_page(session: Session, project: Project, *, cursor: int | None,
                  limit: int) -> Page[dict[str, Any]]:
    """The benefits register of a project, oldest first (keyset by id)."""
    stmt = select(ProjectBenefit).where(ProjectBenefit.project_id == project.id)
    return mapped(keyset(session, stmt, ProjectBenefit.id, cursor=cursor, limit=limit,
                         descending=False), benefit_view)
