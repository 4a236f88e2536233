"""Reads of the tenants domain that the pages list: lotteries by project."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.paging import DEFAULT_LIMIT, Page, mapped
from app.operation.models import Unit
from app.operation.repository import operating_projects
from app.tenants.models import Lottery, TenantApplication


def lotteries_of(session: Session, project_ids: list[int]) -> dict[int, list[Lottery]]:
    found: dict[int, list[Lottery]] = {pid: [] for pid in project_ids}
    for lottery in session.scalars(select(Lottery).where(Lottery.project_id.in_(project_ids))
                                   .order_by(Lottery.id.desc())):
        found[lottery.project_id].append(lottery)
    return found


def lottery_board(session: Session, user: User, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """A page of projects in operation with, for each, the approved applications not yet in a
    draw, the units available and its lotteries: four statements whatever the page's size."""
    found = operating_projects(session, user, cursor=cursor, limit=limit)
    ids = [p.id for p in found.items]
    if not ids:
        return Page([], found.next_cursor)
    waiting = dict(session.execute(
        select(TenantApplication.project_id, func.count(TenantApplication.id))
        .where(TenantApplication.project_id.in_(ids), TenantApplication.status == "approved",
               TenantApplication.lottery_id.is_(None))
        .group_by(TenantApplication.project_id)).all())
    available = dict(session.execute(
        select(Unit.project_id, func.count(Unit.id))
        .where(Unit.project_id.in_(ids), Unit.status == "published")
        .group_by(Unit.project_id)).all())
    drawn = lotteries_of(session, ids)
    return mapped(found, lambda p: {"project": p, "waiting": waiting.get(p.id, 0),
                                    "available": available.get(p.id, 0), "lotteries": drawn[p.id]})
