"""Tenant profiles and commitments, registry records, applications, priority groups, lotteries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.models import User
from app.accounts.roles import Role
from app.core.clock import now
from app.core.db import Base

OPEN_APPLICATION = ("submitted", "approved")


class TenantProfile(Base):
    """What a tenant declares about themself (第三十二条: where they live and work)."""

    __tablename__ = "tenant_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    residence_district: Mapped[str] = mapped_column(String(20))
    work_district: Mapped[str | None] = mapped_column(String(20))
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employer_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class TenantCommitment(Base):
    """附件4 个人承诺、申明及授权, signed with all four clauses; the text version is kept."""

    __tablename__ = "tenant_commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    text_version: Mapped[str] = mapped_column(String(20))
    clauses: Mapped[list[int]] = mapped_column(JSON)
    declaration: Mapped[dict[str, Any]]
    signed_at: Mapped[datetime] = mapped_column(default=now)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # 受理经办人员


class RegistryImport(Base):
    """One CSV file imported from 不动产登记 or 住房保障 (附件1), all rows or none."""

    __tablename__ = "registry_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "properties" | "public_rental"
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=now)


class PropertyRecord(Base):
    """A home a person owns, per the property registry; found by the keyed 身份证 digest."""

    __tablename__ = "property_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_import.id"))
    id_number_digest: Mapped[str] = mapped_column(String(64), index=True)
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(20))
    acquired_on: Mapped[date | None]


class PublicRentalRecord(Base):
    """Public-rental-housing status (公租房资格 / 保障) per the housing-security registry."""

    __tablename__ = "public_rental_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_import.id"))
    id_number_digest: Mapped[str] = mapped_column(String(64), index=True)
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    qualified: Mapped[bool] = mapped_column(Boolean)
    receiving: Mapped[bool] = mapped_column(Boolean)


class PriorityGroup(Base):
    """A group a project leases to first (第三十一条): staff of a park's or an enterprise's units."""

    __tablename__ = "priority_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # "park" | "enterprise"
    rank: Mapped[int] = mapped_column(Integer)     # 0 = drawn first
    organization_ids: Mapped[list[int]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class TenantApplication(Base):
    """An application to rent in a project, online or at the window (第三十三条)."""

    __tablename__ = "tenant_application"
    __table_args__ = (
        # One open application per person, held by the database under concurrency.
        Index("uq_tenant_application_open", "applicant_id", unique=True,
              sqlite_where=text("status IN ('submitted', 'approved')"),
              postgresql_where=text("status IN ('submitted', 'approved')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # "online" | "window"
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    # submitted → approved | refused; approved → leased | closed; submitted → withdrawn
    eligibility: Mapped[dict[str, Any]]
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    priority_group_id: Mapped[int | None] = mapped_column(ForeignKey("priority_group.id"))
    priority_rank: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(default=now)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    allocation_rank: Mapped[int | None] = mapped_column(Integer)
    lottery_id: Mapped[int | None] = mapped_column(ForeignKey("lottery.id"))

    applicant: Mapped[User] = relationship(lazy="raise", foreign_keys=[applicant_id])

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """The applicant, the office, auditors; the operator of the project it targets."""
        from app.approval.models import Project

        if user.role in (Role.office, Role.auditor, Role.admin):
            return true()
        if user.role == Role.tenant:
            return cls.applicant_id == user.id
        if user.role == Role.developer and user.organization_id is not None:
            return cls.project_id.in_(
                Project.__table__.select().with_only_columns(Project.id)
                .where(Project.organization_id == user.organization_id).scalar_subquery())
        return false()


class Lottery(Base):
    """A public draw: the seed's hash is published before, the seed after (第三十一条)."""

    __tablename__ = "lottery"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    commitment: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str] = mapped_column(String(128))  # kept secret until the draw
    applicants: Mapped[list[list[Any]]] = mapped_column(JSON)  # [[application id, rank], …]
    units_available: Mapped[int] = mapped_column(Integer)
    order: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="committed")  # committed | drawn
    committed_at: Mapped[datetime] = mapped_column(default=now)
    drawn_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class TenantNotice(Base):
    """A message to a tenant about their case: decisions, transitions, violations."""

    __tablename__ = "tenant_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
