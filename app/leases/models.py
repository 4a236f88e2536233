"""Electronic leases (第二十三条), their occupants, transitions and violations."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, false, or_, select, text, true
from sqlalchemy.orm import Mapped, mapped_column, validates
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import Role
from app.accounts.models import User
from app.core.clock import now
from app.core.db import Base
from app.leases.enums import ACTIVE as ACTIVE  # the running states; app.oversight reads them here
from app.leases.enums import LeaseStatus, OccupantStatus, ViolationStatus

MONEY = Numeric(12, 2)


# The alphabet of the lease verification code: no 0/O, 1/I/L — read off paper and typed by people.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31⁸ ≈ 8.5 × 10¹¹: guessing one lease's code is hopeless, enumerating them more so


def new_verification_code() -> str:
    """A random verification code for a lease (``secrets``: not predictable from others)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def plain(value: str | None) -> str | None:
    """A member of a :mod:`enums` class, kept on the object as its plain stored value: the
    same type whether the object was loaded or just changed."""
    return None if value is None else str(value)


class Lease(Base):
    """One lease of one unit, to a person or (整体配租) to an employer.

    ``status`` (:class:`~app.leases.enums.LeaseStatus`): active → in_transition (the tenant
    acquired a home, 第三十八条) → ended; active → renewed (第三十五条); running → terminated
    (a violation not rectified, 第四十条). Who takes which step: ``app.leases.workflows.LEASE``.
    ``ends_on`` is the day the lease actually ends: the term's end, or earlier when a
    transition or a termination ends it; no two leases of a unit overlap in time.
    """

    __tablename__ = "lease"
    __table_args__ = (
        Index("ix_lease_unit_period", "unit_id", "start_on", "ends_on"),
        Index("ix_lease_project_start", "project_id", "start_on", "id"),
        # Keyset pages for auditors (issue 6): sorted by start date or by rent, then id.
        Index("ix_lease_start_id", "start_on", "id"),
        Index("ix_lease_rent_id", "monthly_rent", "id"),
        Index("ix_lease_operator_start", "operator_organization_id", "start_on", "id"),
        Index("ix_lease_status_start", "status", "start_on", "id"),
        # Running leases by start date: most auditor searches look at these, and the planner
        # cannot know they all sit at the recent end of the start-date index.
        Index("ix_lease_running_start", "start_on", "id",
              postgresql_where=text("status IN ('active', 'in_transition')"),
              sqlite_where=text("status IN ('active', 'in_transition')")),
        Index("ix_lease_ends_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    # Printed beside the number and in the QR link: the public check needs both (the numbers
    # are sequential; the code is not), see ``app.leases.repository.by_reference``.
    verification_code: Mapped[str] = mapped_column(String(8), default=new_verification_code)
    kind: Mapped[str] = mapped_column(String(10))  # LeaseKind
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    operator_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    employer_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"),
                                                                 index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("tenant_application.id"))
    previous_lease_id: Mapped[int | None] = mapped_column(ForeignKey("lease.id"))
    start_on: Mapped[date]
    end_on: Mapped[date]
    ends_on: Mapped[date]
    monthly_rent: Mapped[Decimal] = mapped_column(MONEY)
    rate_per_m2: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # The appraised market rent behind the filed standard, kept so auditors can compare the rent
    # with 90% of the appraisal (第三十七条) without walking the rent chain for every lease.
    market_rent_per_m2: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    rent_standard_id: Mapped[int] = mapped_column(ForeignKey("rent_standard.id"))
    building_area_m2: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    prepaid_rent: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    deposit: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    status: Mapped[str] = mapped_column(String(16), default=LeaseStatus.active.value, index=True)
    signed_on: Mapped[date]
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # 第三十八条 transition after the tenant acquired a home in the central area
    home_acquired_on: Mapped[date | None]
    transition_ends_on: Mapped[date | None]
    market_rent_from: Mapped[date | None]
    transition_monthly_rent: Mapped[Decimal | None] = mapped_column(MONEY)
    extension_requested_to: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extension_status: Mapped[str | None] = mapped_column(String(10))  # ExtensionStatus
    ended_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)

    @validates("status", "kind", "extension_status")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """The tenant, the employer, the operator; the office and auditors see all."""
        if user.role in (Role.office, Role.auditor, Role.admin):
            return true()
        if user.role == Role.tenant:
            occupied = select(LeaseOccupant.lease_id).where(LeaseOccupant.tenant_id == user.id)
            return or_(cls.tenant_id == user.id, cls.id.in_(occupied.scalar_subquery()))
        if user.role == Role.developer and user.organization_id is not None:
            return cls.operator_organization_id == user.organization_id
        if user.role == Role.employer and user.organization_id is not None:
            return cls.employer_organization_id == user.organization_id
        return false()


class LeaseOccupant(Base):
    """A member of staff an employer invites to live in a unit it leased as a whole (第三十一条);
    history kept.

    The employer addresses the invitation to a 身份证 number, kept only as its keyed digest (the
    person holding it finds it by theirs) and its masked form (what the employer typed, shown
    back). ``status`` (:class:`~app.leases.enums.OccupantStatus`): invited → placed | declined |
    withdrawn; placed → moved_out. ``tenant_id`` is set when the person accepts — never for an
    invitation, so an invitation neither names a person to the employer nor counts as housing
    them. ``moved_in_on``: the day proposed while invited, the day moved in once placed;
    ``answered_on``: the day the person accepted or declined, or the employer withdrew;
    ``eligibility``: the 第三十二条 decision at acceptance. ``placed_by_id``: who invited.
    """

    __tablename__ = "lease_occupant"
    __table_args__ = (
        # One open invitation or running placement per number and lease, held by the database.
        Index("uq_lease_occupant_open", "lease_id", "id_number_digest", unique=True,
              sqlite_where=text("status IN ('invited', 'placed')"),
              postgresql_where=text("status IN ('invited', 'placed')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("lease.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OccupantStatus.invited.value)
    id_number_digest: Mapped[str] = mapped_column(String(64), index=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    invited_on: Mapped[date]
    answered_on: Mapped[date | None]
    moved_in_on: Mapped[date | None]
    moved_out_on: Mapped[date | None]
    eligibility: Mapped[dict[str, Any] | None]
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    @validates("status")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


class Violation(Base):
    """A breach recorded against a tenant or an operator (第四十、四十一、四十六条)."""

    __tablename__ = "violation"

    id: Mapped[int] = mapped_column(primary_key=True)
    party: Mapped[str] = mapped_column(String(10))  # ViolationParty
    lease_id: Mapped[int | None] = mapped_column(ForeignKey("lease.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # ViolationKind | OperatorViolationKind
    description: Mapped[str] = mapped_column(Text)
    recorded_on: Mapped[date]
    rectify_by: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default=ViolationStatus.open.value)
    resolved_on: Mapped[date | None]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    @validates("status", "party", "kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)
