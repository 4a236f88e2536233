"""Organisations (GB 32100 code), departments (annex 1) and user accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import CITY_WIDE_ROLES, Role
from app.core.clock import now
from app.core.db import Base

ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


class Organization(Base):
    """A developer, operator or employer, identified by its 统一社会信用代码."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        if user.role in CITY_WIDE_ROLES or user.role == Role.department:
            return true()
        if user.organization_id is not None:
            return cls.id == user.organization_id
        return false()


class Department(Base):
    """A municipal department or unit of annex 1 (市直有关单位)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # government | utility | finance
    reviews_projects: Mapped[bool] = mapped_column(Boolean, default=False)
    duties: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    """A person who logs in. 身份证 numbers are kept encrypted with a keyed digest."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The masked form (first 6 and last 4), kept so lists and exports never need to decrypt.
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)

    organization: Mapped[Organization | None] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="raise")

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        if user.role in (Role.admin, Role.auditor):
            return true()
        return cls.id == user.id


class LoginFailure(Base):
    """One failed login, kept for the brute-force window (ASVS V6.3, ``app.accounts.service.login``).

    Counted per attempted username (whether or not such an account exists, so a lockout
    reveals nothing) and per client address. In the database, so every process and host
    behind the load balancer counts the same attempts. A successful login deletes the
    account's rows; every login, failed or not, prunes rows older than the window.
    """

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_failed_at", "username", "failed_at"),
        Index("ix_login_failure_client_address_failed_at", "client_address", "failed_at"),
        Index("ix_login_failure_failed_at", "failed_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime]


class RegistrationAttempt(Base):
    """One self-registration attempt (each is a 身份证 lookup), kept for an hour: at most
    ``registrations_per_address_per_hour`` from one client address
    (``app.accounts.service.register_tenant``). In the database, like :class:`LoginFailure`,
    so every process counts the same attempts; each attempt prunes rows older than the hour.
    """

    __tablename__ = "registration_attempt"
    __table_args__ = (
        Index("ix_registration_attempt_client_address_attempted_at", "client_address",
              "attempted_at"),
        Index("ix_registration_attempt_attempted_at", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    client_address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime]
