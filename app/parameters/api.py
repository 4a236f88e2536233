"""Routes: every parameter with its source (public), and the city's dated changes (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import status

from app.accounts.deps import SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.core import clock
from app.core.errors import problem_responses
from app.core.paging import PageParams, slice_page
from app.core.routing import api_router
from app.parameters import repository, service, views
from app.parameters.schemas import ParameterRead, PolicyChangeIn

router = api_router(tags=["规则与参数"])


@router.get("/parameters", response_model=list[ParameterRead], responses=problem_responses(422))
def list_parameters(session: SessionDep, page: PageParams) -> list[dict[str, Any]]:
    """规则与参数: every number the service applies — its value today, since when, the article
    or the city's decision behind it, and its whole dated history — in the file's order."""
    found = views.parameter_views(repository.changes(session), clock.today())
    return page.respond(slice_page(found, cursor=page.cursor, limit=page.limit))


@router.get("/parameters/{name}", response_model=ParameterRead, responses=problem_responses(404))
def get_parameter(session: SessionDep, name: str) -> dict[str, Any]:
    return views.parameter_view(service.known(name), repository.changes(session), clock.today())


@router.post("/parameters/{name}/changes", response_model=ParameterRead,
             status_code=status.HTTP_201_CREATED,
             responses=problem_responses(401, 403, 404, 409, 422))
def change_parameter(session: SessionDep, name: str, data: PolicyChangeIn,
                     user: User = require(Role.admin)) -> dict[str, Any]:
    """A new value of one of the city's policy settings from ``since`` (today or later) on,
    with the reason and the decision's document number; an audit event. The regulation's own
    numbers are refused (409, citing their article). Preview its impact first:
    ``POST /parameters/{name}/preview``."""
    change = service.record_change(session, user, name, data)
    return views.parameter_view(service.with_change(service.known(name), change),
                                repository.changes(session), clock.today())
