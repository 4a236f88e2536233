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
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import Role
from app.accounts.models import User
from app.core.clock import now
from app.core.db import Base
from app.tenants.enums import ApplicationStatus, LotteryStatus

# 附件4 景德镇市申请保障性租赁住房个人承诺、申明及授权 — all four clauses must be signed.
COMMITMENT_VERSION = "附件4-2022"
COMMITMENT_CLAUSES = (
    "一、本人申请保障性租赁住房所提供的材料载明的住房、就业等情况均未发生变化。如有虚假，自愿放弃申请或退出"
    "已享受的住房保障政策待遇，并承担相应法律责任。",
    "二、本人授权并自愿配合不动产登记和住建部门核查房产情况。",
    "三、本人授权并自愿配合从人力资源和社会保障、税务、市场监管、公安、住房公积金等部门和机构获取本人的就业、"
    "户籍(居住证)、纳税、企业注册、经营、公积金等方面的信息，并对相关信息进行核查。",
    "四、本《承诺、声明及授权》在申请及保障期间一直有效。",
)


def plain(value: str | None) -> str | None:
    """A member of a :mod:`enums` class, kept on the object as its plain stored value: the
    same type whether the object was loaded or just changed."""
    return None if value is None else str(value)


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
    kind: Mapped[str] = mapped_column(String(20))  # RegistryKind
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=now)

    @validates("kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


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
    kind: Mapped[str] = mapped_column(String(12))  # PriorityGroupKind
    rank: Mapped[int] = mapped_column(Integer)     # 0 = drawn first
    organization_ids: Mapped[list[int]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    @validates("kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


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
    channel: Mapped[str] = mapped_column(String(10))  # Channel
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(12), default=ApplicationStatus.submitted.value)
    # ApplicationStatus; the steps between them: app.tenants.workflows.TENANT_APPLICATION
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

    @validates("status", "channel")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

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
    status: Mapped[str] = mapped_column(String(10), default=LotteryStatus.committed.value)
    committed_at: Mapped[datetime] = mapped_column(default=now)
    drawn_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    @validates("status")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

