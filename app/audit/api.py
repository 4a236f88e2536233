"""Routes for auditors: the event trail and its verification."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditEventPage, VerificationRead
from app.auth.deps import ReadSessionDep, require
from app.auth.models import User
from app.auth.roles import Role
from app.errors import problem_responses

router = APIRouter(prefix="/audit", tags=["审计"])
AUDIT_READERS = (Role.auditor, Role.admin)


@router.get("/events", response_model=AuditEventPage, responses=problem_responses(401, 403, 422))
def list_events(
    session: ReadSessionDep,
    _: User = require(*AUDIT_READERS),
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: Annotated[int | None, Query(ge=0, description="上一页最后一条事件的编号")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    order: Literal["asc", "desc"] = "desc",
) -> AuditEventPage:
    """Keyset-paginated events, newest first by default; pass ``next_cursor`` back for more."""
    flt = service.EventFilter(entity_type, entity_id, action, actor, since, until)
    items = service.events_page(session, flt, cursor=cursor, limit=limit,
                                descending=order == "desc")
    next_cursor = items[-1].id if len(items) == limit else None
    return AuditEventPage.model_validate({"items": items, "next_cursor": next_cursor})


@router.get("/verify", response_model=VerificationRead, responses=problem_responses(401, 403))
def verify_chain(session: ReadSessionDep, _: User = require(*AUDIT_READERS)) -> VerificationRead:
    """Recompute the whole chain; ``ok`` or the first broken event and why."""
    return VerificationRead(**asdict(service.verify(session)))
