"""FastAPI dependencies: the request session, the current user, role requirements, scoping.

(The scoped lookup ``get_visible`` is a read: it lives in :mod:`app.accounts.repository`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import jwt
from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import Role
from app.accounts.models import User
from app.accounts.repository import load_principal
from app.accounts.security import decode_access_token
from app.core.db import get_read_session, get_session
from app.core.errors import Forbidden, Unauthorized
from app.core.routing import on_loop

SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def user_from_token(session: Session, token: str | None) -> User:
    if not token:
        raise Unauthorized("请先登录")
    try:
        claims = decode_access_token(token)
        user_id, version = int(claims["sub"]), int(claims["ver"])
    except (jwt.InvalidTokenError, ValueError, KeyError):
        raise Unauthorized("登录凭证无效或已过期，请重新登录") from None
    user = load_principal(session, user_id)
    if user is None or not user.is_active or user.token_version != version:
        raise Unauthorized("登录凭证已失效，请重新登录")
    return user


@on_loop
def current_user(session: SessionDep, token: Annotated[str | None, Depends(bearer)]) -> User:
    return user_from_token(session, token)


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Any:
    """A dependency that answers 403 unless the current user has one of ``roles``."""
    allowed = frozenset(roles)

    async def dependency(user: CurrentUser) -> User:  # no I/O: no worker thread needed
        if user.role not in allowed:
            raise Forbidden("当前角色无权进行此操作")
        return user

    return Depends(dependency)


def require_department(code: str) -> Any:
    """A dependency that answers 403 unless the user reviews for the department ``code``."""

    async def dependency(user: CurrentUser) -> User:
        if user.role != Role.department or user.department is None or user.department.code != code:
            raise Forbidden("只有相应职能部门可以进行此操作")
        return user

    return Depends(dependency)


ScopeFilter = Callable[[User], ColumnElement[bool]]


def scope_key(user: User) -> tuple[Any, ...]:
    """What ``visible_to(user)`` depends on: statements built for one key serve every user
    with it (role, organisation, department)."""
    return (user.role, user.organization_id, user.department_id,
            user.department.code if user.department is not None else None)
