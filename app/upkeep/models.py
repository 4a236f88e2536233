"""Living in the housing (第二十八、三十九、四十条): repair requests with their history, photos and
charges; the operator's fire-safety checks; 住建's inspections; emergency plans; quality supervision.

Files (photos, plans) live outside the database under ``BAOZU_MEDIA_DIR``
(:mod:`app.upkeep.media`); a row keeps the file's path relative to that folder and its SHA-256.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, validates
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.enums import HOUSING_BUREAU
from app.approval.models import Project
from app.core.clock import now
from app.core.db import Base
from app.upkeep.enums import ChargeStatus, PlanStatus, RepairStatus

MONEY = Numeric(12, 2)


def plain(value: str | None) -> str | None:
    """An enum member kept as its plain stored value (the same type loaded or just set)."""
    return None if value is None else str(value)


def is_housing_bureau(user: User) -> bool:
    return (user.role == Role.department and user.department is not None
            and user.department.code == HOUSING_BUREAU)


def city_wide(user: User) -> bool:
    """Who reads every project's upkeep: the office, auditors, the administrator and 市住建局,
    which supervises operation (第三十九条) and use and safety (第四十条)."""
    return user.role in (Role.office, Role.auditor, Role.admin) or is_housing_bureau(user)


def project_scope(user: User, project_id: Any) -> ColumnElement[bool]:
    """Upkeep records of a project: its operator (the project's organisation now, so a transfer
    of operation rights hands them over, 第四十五条) and the city-wide readers."""
    if city_wide(user):
        return true()
    if user.role == Role.developer and user.organization_id is not None:
        return project_id.in_(select(Project.id).where(
            Project.organization_id == user.organization_id).scalar_subquery())
    return false()


class RepairRequest(Base):
    """A problem a tenant (or an employer's placed occupant) reports on the unit they live in.

    ``status`` (:class:`~app.upkeep.enums.RepairStatus`); who takes which step:
    ``app.upkeep.workflows.REPAIR``. ``accept_by`` and ``complete_by`` are fixed when it is
    reported (``rules.art39_repairs``); a reopening sets a new ``complete_by``.
    """

    __tablename__ = "repair_request"
    __table_args__ = (
        Index("ix_repair_request_project_status", "project_id", "status"),
        # the operator's queue: open requests by completion deadline, keyset by id
        Index("ix_repair_request_complete_by_id", "complete_by", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("lease.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    category: Mapped[str] = mapped_column(String(24))  # RepairCategory
    urgency: Mapped[str] = mapped_column(String(10))  # RepairUrgency
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=RepairStatus.submitted.value)
    reported_at: Mapped[datetime] = mapped_column(default=now)
    accept_by: Mapped[datetime]
    complete_by: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    assigned_to: Mapped[str | None] = mapped_column(String(100))  # the named worker
    assigned_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]  # the latest completion
    completion_note: Mapped[str | None] = mapped_column(Text)
    confirm_by: Mapped[datetime | None]  # the tenant answers until then
    confirmed_at: Mapped[datetime | None]
    confirmed_by_tenant: Mapped[bool | None] = mapped_column(Boolean)  # False: closed after the window
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    @validates("status", "category", "urgency")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """The person who reported it, the project's operator, 住建, the office, auditors."""
        if user.role == Role.tenant:
            return cls.reporter_id == user.id
        return project_scope(user, cls.project_id)


class RepairEvent(Base):
    """The history the tenant follows: every step of a repair with its comment."""

    __tablename__ = "repair_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repair_request.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_unit: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(24))  # RepairAction
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RepairCharge(Base):
    """An amount the operator claims from the tenant for damage the tenant caused (第三十九条:
    upkeep itself is the operator's cost); the tenant accepts or disputes it."""

    __tablename__ = "repair_charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repair_request.id"), index=True)
    amount_yuan: Mapped[Decimal] = mapped_column(MONEY)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=ChargeStatus.proposed.value)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=now)
    response: Mapped[str | None] = mapped_column(Text)  # the tenant's dispute, or the withdrawal's reason
    responded_at: Mapped[datetime | None]

    @validates("status")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


class UpkeepPhoto(Base):
    """A photo (JPEG or PNG, re-encoded without metadata) of exactly one repair, fire-safety
    check or inspection; the file is ``path`` under the media folder."""

    __tablename__ = "upkeep_photo"
    __table_args__ = (CheckConstraint(
        "(CASE WHEN repair_id IS NULL THEN 0 ELSE 1 END) + "
        "(CASE WHEN safety_check_id IS NULL THEN 0 ELSE 1 END) + "
        "(CASE WHEN inspection_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("repair_request.id"), index=True)
    safety_check_id: Mapped[int | None] = mapped_column(ForeignKey("fire_safety_check.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("safety_inspection.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # PhotoPurpose
    path: Mapped[str] = mapped_column(String(300), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=now)

    @validates("purpose")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


class FireSafetyCheck(Base):
    """The operator's periodic fire-safety check of a project (第四十条第四款)."""

    __tablename__ = "fire_safety_check"
    __table_args__ = (Index("ix_fire_safety_check_project_checked", "project_id", "checked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    checked_on: Mapped[date]
    items: Mapped[dict[str, Any]]  # FireCheckItem value → in order (bool)
    findings: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)


class SafetyInspection(Base):
    """An inspection by 市住建局 (第四十条第一款), with a rectification deadline when it orders one,
    and the operator's rectification."""

    __tablename__ = "safety_inspection"
    __table_args__ = (Index("ix_safety_inspection_status_rectify_by", "status", "rectify_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    inspected_on: Mapped[date]
    findings: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(10))  # InspectionResult
    rectify_by: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12))  # InspectionStatus
    rectified_on: Mapped[date | None]
    rectification: Mapped[str | None] = mapped_column(Text)
    rectified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)

    @validates("status", "result")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


class EmergencyPlan(Base):
    """An emergency plan (应急预案) on file for a project, a PDF under the media folder; a newer
    plan of the same kind supersedes it."""

    __tablename__ = "emergency_plan"
    __table_args__ = (Index("ix_emergency_plan_project_kind_status", "project_id", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    kind: Mapped[str] = mapped_column(String(16))  # PlanKind
    title: Mapped[str] = mapped_column(String(200))
    filed_on: Mapped[date]
    review_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.current.value)
    path: Mapped[str] = mapped_column(String(300), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)

    @validates("status", "kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)


class QualitySupervision(Base):
    """住建's quality and safety supervision result at completion acceptance (第二十八条): the
    codes that applied (frozen as they were read from the application), structural and fire
    safety, and the conclusion."""

    __tablename__ = "quality_supervision"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    supervised_on: Mapped[date]
    completed_on: Mapped[date]
    codes: Mapped[list[str]] = mapped_column(JSON)
    structure_safe: Mapped[bool] = mapped_column(Boolean)
    fire_safe: Mapped[bool] = mapped_column(Boolean)
    result: Mapped[str] = mapped_column(String(10))  # SupervisionResult
    findings: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)

    @validates("result")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

