"""Helpers for the security tests: pointing the app at another database, roles, ports."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.enums import Role
from app.accounts.models import User
from app.accounts.schemas import OrganizationCreate, UserCreate
from app.audit.service import SYSTEM
from app.core import db as app_db
from app.main import app
from tests.conftest import PASSWORD, fake_id_number, fake_uscc, migrate

ROLES = [r.value for r in Role]  # the 8 roles of design.md


@contextmanager
def app_database(url: str) -> Iterator[app_db.Database]:
    """The app (``app.core.db.database()``) on ``url`` for a while, then back on the test database."""
    saved = app_db._database
    database = app_db.configure(url)  # disposes the saved pool; it reconnects when used again
    try:
        yield database
    finally:
        database.dispose()
        app_db._database = saved


def fresh_sqlite(folder: Path, name: str = "throwaway.db") -> str:
    url = f"sqlite:///{folder / name}"
    migrate(url)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_role_users(session: Session, prefix: str = "sec") -> dict[str, User]:
    """One user per role, committed by the caller; developers and employers get own units."""
    users: dict[str, User] = {}
    for role in Role:
        kw: dict[str, object] = {}
        if role in (Role.developer, Role.employer):
            kw["organization_id"] = accounts.create_organization(
                session, actor=SYSTEM, data=OrganizationCreate(
                    name=f"{prefix}-{role.value}-单位", uscc=fake_uscc())).id
        if role == Role.department:
            kw["department_id"] = accounts.find_department(session, "zhujian").id  # type: ignore[union-attr]
        if role == Role.tenant:
            kw |= {"full_name": "安全测试", "id_number": fake_id_number()}
        users[role.value] = accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username=f"{prefix}-{role.value}", password=PASSWORD, role=role, **kw))  # type: ignore[arg-type]
    return users


def api_routes(prefix: str = "/api/v1") -> list[tuple[str, str, APIRoute]]:
    """(method, full path, route) of every API route, through FastAPI's included routers; the
    path as the OpenAPI document writes it (``/calendar/{year}``, without its convertor)."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and (context.path or "").startswith(prefix):
            found += [(method, context.path_format, route) for method in sorted(context.methods or ())
                      if method != "HEAD"]
    return found
