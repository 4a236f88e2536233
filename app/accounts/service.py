"""Accounts and organisations: creation, registration, login, logout, disabling."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import InstrumentedAttribute

from app.accounts.models import Department, LoginFailure, Organization, User
from app.accounts.roles import DEPARTMENT_ROLES, ORGANIZATION_ROLES, Role
from app.accounts.schemas import OrganizationCreate, RegisterRequest, UserCreate
from app.accounts.security import hash_password, is_common_password, verify_password
from app.audit.service import SystemActor, record
from app.core import clock
from app.core.config import get_settings
from app.core.db import fetch_rows
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation, TooManyRequests, Unauthorized
from app.core.paging import Page, keyset, mapped
from app.core.personal_data import decrypt_id_number, encrypt_id_number, id_number_digest
from rules.identifiers import check_id_number, check_uscc, mask_id_number, normalize_uscc

log = logging.getLogger("baozu.auth")

Actor = User | SystemActor
T = TypeVar("T")


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
    user_id = session.scalar(select(User.id).where(User.username == username))
    user = load_user(session, user_id) if user_id is not None else None
    if user is None:
        raise NotFound(f"未找到用户 {username}")
    return user


def users_page(session: Session, *, cursor: int | None, limit: int, role: str | None = None,
               staff_only: bool = False) -> Page[dict[str, object]]:
    """Accounts, oldest first (keyset by id), as :func:`user_view` shows them; ``role`` keeps
    one role, ``staff_only`` leaves out self-registered tenants."""
    stmt = select(User).options(joinedload(User.organization), joinedload(User.department))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if staff_only:
        stmt = stmt.where(User.role != Role.tenant.value)
    return mapped(keyset(session, stmt, User.id, cursor=cursor, limit=limit, descending=False),
                  user_view)


def organizations_page(session: Session, user: User, *, cursor: int | None,
                       limit: int) -> Page[Organization]:
    """The organisations ``user`` may see, oldest first (keyset by id)."""
    return keyset(session, select(Organization).where(Organization.visible_to(user)),
                  Organization.id, cursor=cursor, limit=limit, descending=False)


def departments_page(session: Session, *, cursor: int | None, limit: int) -> Page[Department]:
    """The departments of annex 1 in their order (keyset by id)."""
    return keyset(session, select(Department), Department.id, cursor=cursor, limit=limit,
                  descending=False)


def find_department(session: Session, name_or_code: str) -> Department | None:
    return session.scalar(select(Department).where(
        (Department.name == name_or_code) | (Department.code == name_or_code)))


def create_organization(session: Session, *, actor: Actor, data: OrganizationCreate) -> Organization:
    uscc = normalize_uscc(data.uscc)
    decision = check_uscc(uscc)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    if session.scalar(select(Organization.id).where(Organization.uscc == uscc)):
        raise Conflict(f"统一社会信用代码 {uscc} 已登记", field="uscc")
    if session.scalar(select(Organization.id).where(Organization.name == data.name)):
        raise Conflict(f"单位名称“{data.name}”已登记", field="name")
    org = Organization(name=data.name, uscc=uscc)
    session.add(org)
    session.flush()
    record(session, actor=actor, action="organization.created", entity_type="organization",
           entity_id=org.id, summary={"name": org.name, "uscc": org.uscc})
    return org


def _check_binding(session: Session, data: UserCreate) -> None:
    role = Role(data.role)
    if role in ORGANIZATION_ROLES:
        if data.organization_id is None or session.get(Organization, data.organization_id) is None:
            raise InvalidInput(f"{role.label}账号必须属于一个已登记的单位", field="organization_id")
    elif data.organization_id is not None:
        raise InvalidInput(f"{role.label}账号不属于任何单位", field="organization_id")
    if role in DEPARTMENT_ROLES:
        if data.department_id is None or session.get(Department, data.department_id) is None:
            raise InvalidInput("联审部门账号必须属于一个部门", field="department_id")
    elif data.department_id is not None:
        raise InvalidInput(f"{role.label}账号不属于任何部门", field="department_id")
    if role == Role.tenant and (not data.full_name or not data.id_number):
        raise InvalidInput("承租人账号需要姓名和身份证号码", field="id_number")


def create_user(session: Session, *, actor: Actor | None, data: UserCreate) -> User:
    """Create an account; ``actor=None`` means the new user registers themself."""
    _check_binding(session, data)
    if data.password.casefold() == data.username.casefold():
        raise InvalidInput("密码不能与用户名相同", field="password")
    if is_common_password(data.password):
        raise InvalidInput("密码过于常见，容易被猜中，请换一个不常见的密码", field="password")
    if session.scalar(select(User.id).where(User.username == data.username)):
        raise Conflict(f"用户名 {data.username} 已被使用", field="username")
    user = User(username=data.username, password_hash=hash_password(data.password),
                role=Role(data.role).value, full_name=data.full_name, phone=data.phone,
                organization_id=data.organization_id, department_id=data.department_id)
    if data.id_number:
        decision = check_id_number(data.id_number, clock.today())
        if not decision.ok:
            raise RuleViolation.from_decision(decision)
        digest = id_number_digest(data.id_number)
        if session.scalar(select(User.id).where(User.id_number_digest == digest)):
            raise Conflict("该身份证号码已注册账号", field="id_number")
        user.id_number_enc, user.id_number_digest = encrypt_id_number(data.id_number), digest
        user.id_number_masked = mask_id_number(data.id_number)
    session.add(user)
    session.flush()
    record(session, actor=actor or user,
           action="user.registered" if actor is None else "user.created",
           entity_type="user", entity_id=user.id,
           summary={"username": user.username, "role": user.role,
                    "organization_id": user.organization_id,
                    "department_id": user.department_id})
    return load_user(session, user.id)  # type: ignore[return-value]


def register_tenant(session: Session, data: RegisterRequest) -> User:
    return create_user(session, actor=None, data=UserCreate(role=Role.tenant, **data.model_dump()))


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with this username and password, or 401 (no brute-force counting)."""
    user = session.scalar(select(User).where(User.username == username))
    ok, new_hash = verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        raise Unauthorized("用户名或密码错误，或账号已停用")
    if new_hash:
        user.password_hash = new_hash
    return user


# ---- brute-force protection (ASVS 5.0 V6.3.1) ----------------------------------------------

_COLUMN_CHARS = 64


def _locked_until(session: Session, column: InstrumentedAttribute[str], value: str, limit: int,
                  since: datetime, window: timedelta) -> datetime | None:
    """When ``limit`` failures or more lie in the window: the instant the count drops below it."""
    recent = list(session.scalars(select(LoginFailure.failed_at)
                                  .where(column == value, LoginFailure.failed_at >= since)
                                  .order_by(LoginFailure.failed_at.desc()).limit(limit)))
    return recent[-1] + window if len(recent) >= limit else None


def _failures_since(session: Session, column: InstrumentedAttribute[str], value: str,
                    since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginFailure)
                          .where(column == value, LoginFailure.failed_at >= since)) or 0


def login(session: Session, username: str, password: str, client_address: str | None) -> User:
    """:func:`authenticate`, refused with 429 after too many recent failures.

    After ``login_max_failures_per_account`` failures for one username, or
    ``login_max_failures_per_address`` from one client address, within
    ``login_failure_window_minutes``, every attempt is refused (even with the right
    password, and without checking it) until enough failures leave the window. Refused
    attempts are not counted, so a lockout ends on time. A successful login clears the
    account's failures. Every login prunes rows older than the window, so an attempted
    username (people type other things there) is not kept longer than it is needed.
    Each failure, refusal and lockout is logged at WARNING on ``baozu.auth`` (never the
    password; the username only when such an account exists, because people type
    passwords into the username field).

    The caller must commit even when this raises (the failure row is the point): the token
    route answers the problem without raising. Two attackers racing in parallel may each
    get one more try than the limit; the count is checked before and written after.
    """
    s = get_settings()
    now = datetime.now(UTC)  # real time, as for token expiry; BAOZU_TODAY does not shift it
    window = timedelta(minutes=s.login_failure_window_minutes)
    since = now - window
    name = username[:_COLUMN_CHARS]
    address = (client_address or "unknown")[:_COLUMN_CHARS]
    known = session.scalar(select(User.id).where(User.username == username)) is not None
    shown = name if known else "<unknown account>"

    until = max((t for t in (
        _locked_until(session, LoginFailure.username, name, s.login_max_failures_per_account,
                      since, window),
        _locked_until(session, LoginFailure.client_address, address,
                      s.login_max_failures_per_address, since, window)) if t is not None),
        default=None)
    if until is not None:
        retry_after = max(1, math.ceil((until - now).total_seconds()))
        log.warning("login refused without checking the password: too many failures "
                    "(account %s, address %s); retry after %d s", shown, address, retry_after)
        raise TooManyRequests(f"登录失败次数过多，请 {math.ceil(retry_after / 60)} 分钟后再试",
                              retry_after=retry_after)

    try:
        user = authenticate(session, username, password)
    except Unauthorized:
        session.execute(delete(LoginFailure).where(LoginFailure.failed_at < since))
        session.add(LoginFailure(username=name, client_address=address, failed_at=now))
        session.flush()
        by_account = _failures_since(session, LoginFailure.username, name, since)
        by_address = _failures_since(session, LoginFailure.client_address, address, since)
        log.warning("login failed (account %s, address %s): %d/%d failures for the account, "
                    "%d/%d from the address in %d min", shown, address,
                    by_account, s.login_max_failures_per_account,
                    by_address, s.login_max_failures_per_address, s.login_failure_window_minutes)
        if by_account == s.login_max_failures_per_account:
            log.warning("account %s locked for %d min after %d failed logins", shown,
                        s.login_failure_window_minutes, by_account)
        if by_address == s.login_max_failures_per_address:
            log.warning("client address %s locked for %d min after %d failed logins", address,
                        s.login_failure_window_minutes, by_address)
        raise
    session.execute(delete(LoginFailure).where(
        (LoginFailure.username == name) | (LoginFailure.failed_at < since)))
    return user


def logout(session: Session, user: User) -> None:
    """Revoke every token of ``user`` at once (per-user token version)."""
    user.token_version += 1
    record(session, actor=user, action="user.logged_out", entity_type="user", entity_id=user.id)


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    user = load_user(session, user_id)
    if user is None:
        raise NotFound("未找到该用户")
    if not active and isinstance(actor, User) and actor.id == user.id:
        # An administrator locking themself out (perhaps the last one) is a mistake, not a
        # decision: another administrator, or ``baozu create-user``, does it if it must be done.
        raise Conflict("不能停用当前登录的账号；如确需停用，请由其他管理员办理", field="is_active")
    if user.is_active != active:
        user.is_active = active
        user.token_version += 1
        record(session, actor=actor, action="user.enabled" if active else "user.disabled",
               entity_type="user", entity_id=user.id, summary={"username": user.username})
    return user


def user_view(user: User, *, full: bool = False) -> dict[str, object]:
    """The dict a ``UserRead`` (or, for the person themself, ``MeRead``) is built from."""
    id_number = decrypt_id_number(user.id_number_enc) if user.id_number_enc else None
    view: dict[str, object] = {
        "id": user.id, "username": user.username, "role": user.role,
        "role_label": Role(user.role).label, "full_name": user.full_name,
        "organization": user.organization, "department": user.department,
        "id_number_masked": mask_id_number(id_number) if id_number else None,
        "is_active": user.is_active,
    }
    if full:
        view |= {"id_number": id_number, "phone": user.phone}
    return view
