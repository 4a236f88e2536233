"""Reads of the accounts domain: users (and the lean per-request principal), organisations,
departments, the choices of forms, scoped lookups, and the failed-login window."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, make_transient_to_detached
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import Role
from app.accounts.models import Department, LoginFailure, Organization, RegistrationAttempt, User
from app.core.db import fetch_rows
from app.core.errors import NotFound
from app.core.paging import Page, keyset

T = TypeVar("T")


# ---- users ----------------------------------------------------------------------------------

def load_user(session: Session, user_id: int) -> User | None:
    return session.scalar(select(User).where(User.id == user_id)
                          .options(joinedload(User.organization), joinedload(User.department)))


_USER, _ORG, _DEP = (list(m.__table__.columns) for m in (User, Organization, Department))
_PRINCIPAL = (select(*_USER, *_ORG, *_DEP)
              .outerjoin(Organization, Organization.id == User.organization_id)
              .outerjoin(Department, Department.id == User.department_id)
              .where(User.id == bindparam("user_id")))


def load_principal(session: Session, user_id: int) -> User | None:
    """The account behind a request, with its organisation and department, as
    :func:`load_user` gives it but read in one lean statement (``fetch_rows``) and built
    here: it runs on every authenticated request."""
    if session.identity_map:  # not the first read of the request: the ORM keeps identities
        return load_user(session, user_id)
    rows = fetch_rows(session, _PRINCIPAL, {"user_id": user_id})
    if not rows:
        return None
    row, n, m = rows[0], len(_USER), len(_USER) + len(_ORG)
    user = _build(User, _USER, row[:n])
    user.organization = _build(Organization, _ORG, row[n:m]) if row[n] is not None else None
    user.department = _build(Department, _DEP, row[m:]) if row[m] is not None else None
    for obj in (user, user.organization, user.department):
        if obj is not None:
            make_transient_to_detached(obj)  # as loaded: nothing to write
    session.add(user)  # persistent and clean, as if the ORM had loaded it
    return user


def _build(model: type[T], columns: list[Any], values: Sequence[Any]) -> T:
    return model(**{c.key: v for c, v in zip(columns, values, strict=True)})


def find_user(session: Session, username: str) -> User:
    """A user by username, with organisation and department loaded (404 if unknown)."""
    user_id = user_id_by_username(session, username)
    user = load_user(session, user_id) if user_id is not None else None
    if user is None:
        raise NotFound(f"未找到用户 {username}")
    return user


def user_id_by_username(session: Session, username: str) -> int | None:
    return session.scalar(select(User.id).where(User.username == username))


def user_by_username(session: Session, username: str) -> User | None:
    """The account with this username (no relations loaded): the password check's read."""
    return session.scalar(select(User).where(User.username == username))


def user_id_by_id_number_digest(session: Session, digest: str) -> int | None:
    """The account registered with the 身份证 number whose keyed digest is ``digest``."""
    return session.scalar(select(User.id).where(User.id_number_digest == digest))


def visible_user(session: Session, viewer: User, user_id: int) -> User:
    """An account ``viewer`` may see, with organisation and department (404 otherwise)."""
    get_visible(session, User, user_id, viewer, what="用户")
    return load_user(session, user_id)  # type: ignore[return-value]


def users_page(session: Session, *, cursor: int | None, limit: int, role: str | None = None,
               staff_only: bool = False) -> Page[User]:
    """Accounts, oldest first (keyset by id), organisation and department loaded; ``role``
    keeps one role, ``staff_only`` leaves out self-registered tenants."""
    stmt = select(User).options(joinedload(User.organization), joinedload(User.department))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if staff_only:
        stmt = stmt.where(User.role != Role.tenant.value)
    return keyset(session, stmt, User.id, cursor=cursor, limit=limit, descending=False)


# ---- organisations and departments ----------------------------------------------------------

def organizations_page(session: Session, user: User, *, cursor: int | None,
                       limit: int) -> Page[Organization]:
    """The organisations ``user`` may see, oldest first (keyset by id)."""
    return keyset(session, select(Organization).where(Organization.visible_to(user)),
                  Organization.id, cursor=cursor, limit=limit, descending=False)


def organization_id_by_uscc(session: Session, uscc: str) -> int | None:
    return session.scalar(select(Organization.id).where(Organization.uscc == uscc))


def organization_id_by_name(session: Session, name: str) -> int | None:
    return session.scalar(select(Organization.id).where(Organization.name == name))


def member_ids(session: Session, organization_id: int | None) -> list[int]:
    """The active accounts of an organisation (who is told what concerns it)."""
    if organization_id is None:
        return []
    return list(session.scalars(select(User.id).where(User.organization_id == organization_id,
                                                      User.is_active.is_(True)).order_by(User.id)))


def organizations(session: Session) -> list[Organization]:
    """Every organisation, by name: the choices of a form's organisation field."""
    return list(session.scalars(select(Organization).order_by(Organization.name)))


def organizations_by_id(session: Session) -> list[Organization]:
    """Every organisation in registration order: the choices of the account form."""
    return list(session.scalars(select(Organization).order_by(Organization.id)))


def departments_page(session: Session, *, cursor: int | None, limit: int) -> Page[Department]:
    """The departments of annex 1 in their order (keyset by id)."""
    return keyset(session, select(Department), Department.id, cursor=cursor, limit=limit,
                  descending=False)


def find_department(session: Session, name_or_code: str) -> Department | None:
    return session.scalar(select(Department).where(
        (Department.name == name_or_code) | (Department.code == name_or_code)))


def review_departments(session: Session) -> list[Department]:
    """The departments a plan can be sent to (联合审查: government departments)."""
    return list(session.scalars(select(Department).where(Department.kind == "government")
                                .order_by(Department.id)))


def departments(session: Session) -> list[Department]:
    """The departments of annex 1 (a fixed list): the choices of the account form."""
    return list(session.scalars(select(Department).order_by(Department.id)))


# ---- scoped lookups -------------------------------------------------------------------------

class Scoped(Protocol):
    id: Any

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]: ...


S = TypeVar("S", bound=Scoped)


def get_visible(session: Session, model: type[S], object_id: object, user: User, *,
                what: str = "记录", options: tuple[Any, ...] = ()) -> S:
    """The object if ``user`` may see it; otherwise 404, exactly as if it did not exist."""
    obj = session.scalar(select(model).where(model.id == object_id, model.visible_to(user))
                         .options(*options))
    if obj is None:
        raise NotFound(f"未找到该{what}")
    return obj


# ---- attempts of one username or address, one at a time (login, registration) ---------------

def lock_attempts(session: Session, *keys: str) -> None:
    """Serialise the attempts that share a key until the caller's transaction ends.

    PostgreSQL: a transaction-level advisory lock per key, taken in the order given (every
    caller gives the same kinds of key in the same order: no deadlock). SQLite needs none:
    the attempt's transaction is a writing one (``BEGIN IMMEDIATE``, behind the write gate)
    from its first statement, so it already runs alone.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in keys:
        digest = hashlib.sha256(key.encode()).digest()
        session.execute(select(func.pg_advisory_xact_lock(
            int.from_bytes(digest[:8], "big", signed=True))))


# ---- failed logins (the brute-force window of ``service.login``) ---------------------------

def recent_failures(session: Session, column: InstrumentedAttribute[str], value: str,
                    since: datetime, limit: int) -> list[datetime]:
    """When the last ``limit`` failures for ``column == value`` since ``since`` happened,
    newest first."""
    return list(session.scalars(select(LoginFailure.failed_at)
                                .where(column == value, LoginFailure.failed_at >= since)
                                .order_by(LoginFailure.failed_at.desc()).limit(limit)))


def failures_since(session: Session, column: InstrumentedAttribute[str], value: str,
                   since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginFailure)
                          .where(column == value, LoginFailure.failed_at >= since)) or 0


# ---- self-registrations (the window of ``service.register_tenant``) -------------------------

def recent_registrations(session: Session, client_address: str, since: datetime,
                         limit: int) -> list[datetime]:
    """When the last ``limit`` registration attempts from ``client_address`` since ``since``
    happened, newest first."""
    return list(session.scalars(
        select(RegistrationAttempt.attempted_at)
        .where(RegistrationAttempt.client_address == client_address,
               RegistrationAttempt.attempted_at >= since)
        .order_by(RegistrationAttempt.attempted_at.desc()).limit(limit)))
