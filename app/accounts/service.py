"""Accounts and organisations: creation, registration, login, logout, disabling.

Each change writes its audit event in the same transaction; the reads are in
:mod:`app.accounts.repository` (``load_user``, ``find_user`` and ``find_department`` are
also reached from here by the seeds and tests that create accounts).
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import InstrumentedAttribute

from app.accounts import repository
from app.accounts.enums import DEPARTMENT_ROLES, ORGANIZATION_ROLES, Role
from app.accounts.models import Department, LoginFailure, Organization, RegistrationAttempt, User
from app.accounts.repository import find_department as find_department
from app.accounts.repository import find_user as find_user
from app.accounts.repository import load_user as load_user
from app.accounts.schemas import OrganizationCreate, RegisterRequest, UserCreate
from app.accounts.security import hash_password, is_common_password, verify_password
from app.audit.service import SystemActor, record
from app.core import clock
from app.core.config import get_settings
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation, TooManyRequests, Unauthorized
from app.core.personal_data import encrypt_id_number, id_number_digest
from rules.identifiers import check_id_number, check_uscc, mask_id_number, normalize_uscc

log = logging.getLogger("baozu.auth")

Actor = User | SystemActor


def create_organization(session: Session, *, actor: Actor, data: OrganizationCreate) -> Organization:
    uscc = normalize_uscc(data.uscc)
    decision = check_uscc(uscc)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)
    if repository.organization_id_by_uscc(session, uscc):
        raise Conflict(f"统一社会信用代码 {uscc} 已登记", field="uscc")
    if repository.organization_id_by_name(session, data.name):
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
    if repository.user_id_by_username(session, data.username):
        raise Conflict(f"用户名 {data.username} 已被使用", field="username")
    user = User(username=data.username, password_hash=hash_password(data.password),
                role=Role(data.role).value, full_name=data.full_name, phone=data.phone,
                organization_id=data.organization_id, department_id=data.department_id)
    if data.id_number:
        decision = check_id_number(data.id_number, clock.today())
        if not decision.ok:  # a typo in the number (GB 11643), not a rule of the regulation
            raise InvalidInput("；".join(f.message for f in decision.violations) + "。请核对后重新输入",
                               field="id_number", violations=decision.violations)
        digest = id_number_digest(data.id_number)
        if repository.user_id_by_id_number_digest(session, digest):
            # Someone registering themself is not told whether the number has an account
            # (it would confirm a stranger's 身份证 number); staff creating one are.
            raise Conflict(IDENTITY_UNUSABLE if actor is None else "该身份证号码已注册账号",
                           field="id_number")
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


# The one answer to a self-registration whose identity cannot be used, whatever the reason.
IDENTITY_UNUSABLE = "无法使用该身份信息注册，如已注册请登录或到窗口办理"


def register_tenant(session: Session, data: RegisterRequest,
                    client_address: str | None = None) -> User:
    """A tenant registers themself: at most ``registrations_per_address_per_hour`` attempts
    from one client address (429 beyond), each counted whatever its outcome, and a number
    that cannot be used is answered with :data:`IDENTITY_UNUSABLE` (never "already
    registered"): registering would otherwise be an unthrottled lookup of 身份证 numbers.

    The attempt is recorded outside the account's savepoint, so the caller must commit even
    when this raises (the API route and the page answer the problem without raising)."""
    s = get_settings()
    now = datetime.now(UTC)
    window = timedelta(hours=1)
    since = now - window
    address = (client_address or "unknown")[:_COLUMN_CHARS]
    repository.lock_attempts(session, f"registration address {address}")
    recent = repository.recent_registrations(session, address, since,
                                             s.registrations_per_address_per_hour)
    if len(recent) >= s.registrations_per_address_per_hour:
        retry_after = max(1, math.ceil((recent[-1] + window - now).total_seconds()))
        log.warning("registration refused: %d attempts from address %s in the last hour; "
                    "retry after %d s", len(recent), address, retry_after)
        raise TooManyRequests(f"注册尝试过于频繁，请 {math.ceil(retry_after / 60)} 分钟后再试，"
                              "或到窗口办理", retry_after=retry_after)
    session.execute(delete(RegistrationAttempt).where(RegistrationAttempt.attempted_at < since))
    session.add(RegistrationAttempt(client_address=address, attempted_at=now))
    session.flush()
    with session.begin_nested():  # a refusal undoes the account, never the attempt
        return create_user(session, actor=None,
                           data=UserCreate(role=Role.tenant, **data.model_dump()))


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with this username and password, or 401 (no brute-force counting)."""
    return _check_password(session, repository.user_by_username(session, username), password)


def _check_password(session: Session, user: User | None, password: str) -> User:
    """``user`` if ``password`` is theirs and the account is active, or 401. One Argon2
    verification whether or not ``user`` exists (:func:`verify_password`)."""
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
    recent = repository.recent_failures(session, column, value, since, limit)
    return recent[-1] + window if len(recent) >= limit else None


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

    The check and the count are atomic: the attempts of one username, and those of one
    client address, run one at a time from the check to the commit
    (:func:`repository.lock_attempts`), so however many arrive in parallel, at most the
    limit are ever checked. An unknown username and a wrong password take the same path:
    the same statements, one Argon2 verification, the same log lines.

    The caller must commit even when this raises (the failure row is the point): the token
    route answers the problem without raising.
    """
    s = get_settings()
    now = datetime.now(UTC)  # real time, as for token expiry; BAOZU_TODAY does not shift it
    window = timedelta(minutes=s.login_failure_window_minutes)
    since = now - window
    name = username[:_COLUMN_CHARS]
    address = (client_address or "unknown")[:_COLUMN_CHARS]
    repository.lock_attempts(session, f"login account {name}", f"login address {address}")
    user = repository.user_by_username(session, username)
    shown = name if user is not None else "<unknown account>"

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
        user = _check_password(session, user, password)
    except Unauthorized:
        session.execute(delete(LoginFailure).where(LoginFailure.failed_at < since))
        session.add(LoginFailure(username=name, client_address=address, failed_at=now))
        session.flush()
        by_account = repository.failures_since(session, LoginFailure.username, name, since)
        by_address = repository.failures_since(session, LoginFailure.client_address, address, since)
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
