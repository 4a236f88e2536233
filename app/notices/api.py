"""Routes: my notices (every role), unread count, marking read, my channels; the
administrator's view of deliveries (failed ones) and sending one again."""

from __future__ import annotations

from typing import Any

from fastapi import status

from app.accounts.deps import CurrentUser, SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.core.errors import problem_responses
from app.core.paging import PageParams
from app.core.routing import api_router
from app.notices import repository, service
from app.notices.enums import DeliveryStatus
from app.notices.schemas import DeliveryRead, NoticeRead, PreferenceIn, PreferenceRead, UnreadRead

router = api_router(tags=["消息中心"])


@router.get("/notices", response_model=list[NoticeRead], responses=problem_responses(401, 422))
def my_notices(session: SessionDep, user: CurrentUser, page: PageParams, unread: bool = False) -> Any:
    """My 站内信, newest first (paged by id); ``unread=true`` for the unread ones only."""
    return page.respond(repository.notices_page(session, user, unread_only=unread, cursor=page.cursor,
                                                limit=page.limit))


@router.get("/notices/unread-count", response_model=UnreadRead, responses=problem_responses(401))
def unread_count(session: SessionDep, user: CurrentUser) -> Any:
    return {"unread": repository.unread_count(session, user.id)}


@router.post("/notices/read-all", response_model=UnreadRead, responses=problem_responses(401))
def read_all(session: SessionDep, user: CurrentUser) -> Any:
    """Mark all my notices read; answers how many are still unread (0)."""
    service.mark_all_read(session, user)
    return {"unread": 0}


@router.post("/notices/{notice_id}/read", response_model=NoticeRead, responses=problem_responses(401, 404))
def read(session: SessionDep, user: CurrentUser, notice_id: int) -> Any:
    """Mark one of my notices read (someone else's: 404)."""
    return service.mark_read(session, user, notice_id)


@router.get("/notices/preferences", response_model=PreferenceRead, responses=problem_responses(401))
def get_preferences(session: SessionDep, user: CurrentUser) -> Any:
    return service.preferences(session, user)


@router.put("/notices/preferences", response_model=PreferenceRead, responses=problem_responses(401, 422))
def put_preferences(session: SessionDep, user: CurrentUser, data: PreferenceIn) -> Any:
    """My channels besides 站内信: e-mail (staff and organisations) and SMS. Mandatory
    reminders go out on every channel I have an address for whatever I choose."""
    return service.set_preferences(session, user, data)


@router.get("/notice-deliveries", response_model=list[DeliveryRead],
            responses=problem_responses(401, 403, 422))
def deliveries(session: SessionDep, page: PageParams, status: DeliveryStatus | None = None,
               _: User = require(Role.admin)) -> Any:
    """E-mail and SMS deliveries, newest first; ``status=failed`` for those given up on."""
    return page.respond(repository.deliveries_page(session, status=status, cursor=page.cursor,
                                                   limit=page.limit))


@router.post("/notice-deliveries/{delivery_id}/retry", response_model=DeliveryRead,
             status_code=status.HTTP_202_ACCEPTED, responses=problem_responses(401, 403, 404, 409))
def retry(session: SessionDep, delivery_id: int, user: User = require(Role.admin)) -> Any:
    """Send a failed delivery again (after the channel is fixed): pending, attempts reset."""
    return service.retry_delivery(session, actor=user, delivery_id=delivery_id)
