"""Reads of the operation domain that the pages list: projects in operation, rents to file,
the listing queue, rents at a glance."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import User
from app.approval.models import Project
from app.approval.service import get_project
from app.approval.status import IN_OPERATION
from app.core import clock
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset, keyset_by, mapped
from app.operation import units
from app.operation.models import Appraisal, RentStandard
from app.operation.rents import appraisal_view, standard_view


def operating_projects(session: Session, user: User, *, cursor: int | None = None,
                       limit: int = DEFAULT_LIMIT) -> Page[Project]:
    """Certified projects still in the programme, as far as ``user`` may see them, oldest
    first (keyset by id)."""
    return keyset(session, select(Project).where(
        Project.status.in_([s.value for s in IN_OPERATION]), Project.visible_to(user))
        .options(joinedload(Project.organization)), Project.id, cursor=cursor, limit=limit,
        descending=False)


def proposed_standards(session: Session, user: User, *, cursor: int | None = None,
                       limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """Rent standards proposed and waiting for 市发改委's filing, oldest first (keyset by
    proposal day and id)."""
    stmt = (select(RentStandard, Project, RentStandard.id)
            .join(Project, Project.id == RentStandard.project_id)
            .where(RentStandard.status == "proposed", Project.visible_to(user),
                   Project.status.in_([s.value for s in IN_OPERATION]))
            .options(joinedload(RentStandard.appraisal), joinedload(Project.organization)))
    found = keyset_by(session, stmt, [RentStandard.proposed_on], RentStandard.id, cursor=cursor,
                      limit=limit, scalars=False)
    return mapped(found, lambda row: standard_view(row[0]) | {
        "project_name": row[1].name, "organization": row[1].organization.name,
        "appraisal": row[0].appraisal})


def listing_queue(session: Session, user: User, *, cursor: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> Page[dict[str, Any]]:
    """:func:`app.operation.units.listing_queue` with ``pending``: units still to verify."""
    return mapped(units.listing_queue(session, user, cursor=cursor, limit=limit),
                  lambda item: item | {"pending": item["registered"]})


def standard_project(session: Session, user: User, standard_id: int) -> Project:
    """The project of a rent standard, if ``user`` may see it (404 otherwise, as if missing)."""
    project_id = session.scalar(select(RentStandard.project_id).where(RentStandard.id == standard_id))
    if project_id is None:
        raise NotFound("未找到该租金标准")
    try:
        return get_project(session, user, project_id)
    except NotFound:
        raise NotFound("未找到该租金标准") from None


def rents_overview(session: Session, projects: list[Project]) -> list[dict[str, Any]]:
    """For each project: its latest appraisal and the rent standard in force (two statements
    for the whole list; :func:`app.operation.rents.rents_view` gives one project's all)."""
    ids = [p.id for p in projects]
    if not ids:
        return []
    today = clock.today()
    latest: dict[int, Any] = {}
    for appraisal in session.scalars(select(Appraisal).where(Appraisal.project_id.in_(ids))
                                     .order_by(Appraisal.appraised_on, Appraisal.id)):
        latest[appraisal.project_id] = appraisal
    in_force = {s.project_id: s for s in session.scalars(
        select(RentStandard).where(RentStandard.project_id.in_(ids), RentStandard.status == "filed")
        .options(joinedload(RentStandard.appraisal)).order_by(RentStandard.id))}
    return [{"project": p,
             "last_appraisal": appraisal_view(latest[p.id], today) if p.id in latest else None,
             "in_force": standard_view(in_force[p.id]) if p.id in in_force else None}
            for p in projects]
