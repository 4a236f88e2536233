"""Routes: tokens, self-registration, who-am-I, organisations, departments, staff accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request, Response, status
from fastapi.responses import JSONResponse

from app.accounts import repository, service
from app.accounts.deps import CurrentUser, SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import Department, Organization, User
from app.accounts.schemas import (
    DepartmentRead,
    MeRead,
    OrganizationCreate,
    OrganizationRead,
    RegisterRequest,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from app.accounts.security import create_access_token
from app.accounts.views import user_view
from app.core.errors import ProblemError, problem_response, problem_responses
from app.core.paging import PageParams, mapped
from app.core.routing import api_router

router = api_router(tags=["账号与单位"])


@dataclass(frozen=True)
class PasswordForm:
    username: str
    password: str


async def password_form(username: Annotated[str, Form()], password: Annotated[str, Form()],
                        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
                        scope: Annotated[str, Form()] = "") -> PasswordForm:
    """The OAuth2 password form (RFC 6749 §4.3), read on the loop (FastAPI's own
    ``OAuth2PasswordRequestForm`` class would cost a worker-thread hop)."""
    return PasswordForm(username, password)


@router.post("/auth/token", response_model=TokenRead, responses=problem_responses(401, 422, 429))
def issue_token(request: Request, session: SessionDep,
                form: Annotated[PasswordForm, Depends(password_form)]) -> TokenRead | JSONResponse:
    """OAuth2 password flow: a bearer token for the username and password.

    Too many failed logins for the account or from the client address answer 429 with
    ``Retry-After``. The client address is the TCP peer (``request.client.host``); behind a
    reverse proxy run uvicorn/gunicorn with proxy headers (``--proxy-headers
    --forwarded-allow-ips=<the proxy's address>``) so it is the real client's address, and
    never trust ``X-Forwarded-For`` from anyone else, or the per-address limit is void.
    """
    try:
        user = service.login(session, form.username, form.password,
                             request.client.host if request.client else None)
    except ProblemError as exc:
        # Answer without raising so the request's session commits the failure record
        # (raising would roll it back and the attempt would not count).
        return problem_response(exc.body(), exc.headers)
    token, lifetime = create_access_token(user_id=user.id, role=user.role,
                                          token_version=user.token_version)
    return TokenRead(access_token=token, expires_in=lifetime)


@router.post("/auth/register", response_model=MeRead, status_code=status.HTTP_201_CREATED,
             responses=problem_responses(409, 422, 429))
def register(request: Request, session: SessionDep,
             data: RegisterRequest) -> dict[str, object] | JSONResponse:
    """Tenant self-registration; the 身份证 number is checked to its check digit (GB 11643).

    At most ``BAOZU_REGISTRATIONS_PER_ADDRESS_PER_HOUR`` attempts from one client address
    (429 with ``Retry-After`` beyond); a number that cannot be used answers 409 without
    saying whether it is registered."""
    try:
        user = service.register_tenant(session, data,
                                       request.client.host if request.client else None)
    except ProblemError as exc:
        # Answered, not raised, so that the request commits the attempt (it counts).
        return problem_response(exc.body(), exc.headers)
    return user_view(user, full=True)


@router.get("/auth/me", response_model=MeRead, responses=problem_responses(401))
def me(user: CurrentUser) -> dict[str, object]:
    return user_view(user, full=True)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT,
             responses=problem_responses(401))
def logout(session: SessionDep, user: CurrentUser) -> Response:
    """Revoke every token of the current user at once."""
    service.logout(session, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/departments", response_model=list[DepartmentRead],
            responses=problem_responses(401, 422))
def list_departments(session: SessionDep, _: CurrentUser, page: PageParams) -> list[Department]:
    """The departments of annex 1, in their order (paged by id, like every list)."""
    return page.respond(repository.departments_page(session, cursor=page.cursor, limit=page.limit))


@router.get("/organizations", response_model=list[OrganizationRead],
            responses=problem_responses(401, 422))
def list_organizations(session: SessionDep, user: CurrentUser,
                       page: PageParams) -> list[Organization]:
    """The organisations the caller may see, oldest first (paged by id)."""
    return page.respond(repository.organizations_page(session, user, cursor=page.cursor,
                                                      limit=page.limit))


@router.get("/organizations/{organization_id}", response_model=OrganizationRead,
            responses=problem_responses(401, 404))
def get_organization(session: SessionDep, user: CurrentUser, organization_id: int) -> Organization:
    return repository.get_visible(session, Organization, organization_id, user, what="单位")


@router.post("/organizations", response_model=OrganizationRead,
             status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422))
def create_organization(session: SessionDep, data: OrganizationCreate,
                        user: User = require(Role.admin)) -> Organization:
    return service.create_organization(session, actor=user, data=data)


@router.get("/users", response_model=list[UserRead], responses=problem_responses(401, 403, 422))
def list_users(session: SessionDep, page: PageParams,
               user: User = require(Role.admin)) -> list[dict[str, object]]:
    """Every account, oldest first (paged by id)."""
    return page.respond(mapped(repository.users_page(session, cursor=page.cursor,
                                                    limit=page.limit), user_view))


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED,
             responses=problem_responses(401, 403, 409, 422))
def create_user(session: SessionDep, data: UserCreate,
                user: User = require(Role.admin)) -> dict[str, object]:
    return user_view(service.create_user(session, actor=user, data=data))


@router.get("/users/{user_id}", response_model=UserRead, responses=problem_responses(401, 404))
def get_user(session: SessionDep, user: CurrentUser, user_id: int) -> dict[str, object]:
    return user_view(repository.visible_user(session, user, user_id))


@router.patch("/users/{user_id}", response_model=UserRead,
              responses=problem_responses(401, 403, 404, 409, 422))
def update_user(session: SessionDep, user_id: int, data: UserUpdate,
                user: User = require(Role.admin)) -> dict[str, object]:
    """Disable or re-enable an account; disabling revokes its tokens at once."""
    target = repository.get_visible(session, User, user_id, user, what="用户")
    if data.is_active is not None:
        target = service.set_active(session, actor=user, user_id=user_id, active=data.is_active)
    return user_view(repository.load_user(session, target.id))  # type: ignore[arg-type]
