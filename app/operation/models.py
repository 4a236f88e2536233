"""After certification: units, appraisals and rent standards, subsidies, transfers of
operation rights, exit requests and the notifications sent about them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.approval.models import MONEY
from app.core.clock import now
from app.core.db import Base
from app.operation.enums import ExitRequestStatus, RentStandardStatus, UnitStatus


class Unit(Base):
    """A unit (房源) of a certified project; belongs to one building, never sold or split (第四十二条)."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("project_id", "building", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    building: Mapped[str] = mapped_column(String(40))
    floor: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    building_area_m2: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    kind: Mapped[str] = mapped_column(String(16))
    unit_type: Mapped[str | None] = mapped_column(String(50))
    # UnitStatus: registered → published (listing verified) → leased; withdrawn when the project exits
    status: Mapped[str] = mapped_column(String(16), default=UnitStatus.registered.value)
    verification_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    published_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=now)


class Appraisal(Base):
    """A third-party market-rent appraisal commissioned by 市住建局 (第三十七条)."""

    __tablename__ = "appraisal"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    appraiser: Mapped[str] = mapped_column(String(200))
    report_no: Mapped[str] = mapped_column(String(100))
    appraised_on: Mapped[date]
    market_rent_per_m2: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    per_unit_type: Mapped[dict[str, Any]] = mapped_column(default=dict)  # name → decimal string
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)


class RentStandard(Base):
    """The operator's rent standard from an appraisal; in force only once filed with 市发改委."""

    __tablename__ = "rent_standard"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisal.id"))
    rates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{unit_type|None, rate_per_m2}]
    status: Mapped[str] = mapped_column(String(12), default=RentStandardStatus.proposed.value)
    proposed_on: Mapped[date]
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filing_no: Mapped[str | None] = mapped_column(String(100))
    filed_on: Mapped[date | None]
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    appraisal: Mapped[Appraisal] = relationship(lazy="raise")


class Subsidy(Base):
    """A construction subsidy: granted, paid once after the listing (第十二条), refunded (第四十四条)."""

    __tablename__ = "subsidy"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    amount_yuan: Mapped[Decimal] = mapped_column(MONEY)
    source: Mapped[str] = mapped_column(String(100))
    document_no: Mapped[str] = mapped_column(String(100))
    granted_on: Mapped[date]
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    paid_on: Mapped[date | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    refund_due_yuan: Mapped[Decimal | None] = mapped_column(MONEY)
    refund_reason: Mapped[str | None] = mapped_column(Text)
    refund_recorded_on: Mapped[date | None]


class OperatorTransfer(Base):
    """Operation rights passed to another organisation (第四十五条); the use stays the same."""

    __tablename__ = "operator_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    from_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    to_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    reason: Mapped[str] = mapped_column(String(20))  # TransferReason
    document_no: Mapped[str] = mapped_column(String(100))
    transferred_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class ExitRequest(Base):
    """An application to leave the programme after 8 years of operation (第四十三、四十四条)."""

    __tablename__ = "exit_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    requested_on: Mapped[date]
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    notice_from: Mapped[date]
    notice_to: Mapped[date]
    objections: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=ExitRequestStatus.pending.value)
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    document_no: Mapped[str | None] = mapped_column(String(40), unique=True)


class OutgoingNotification(Base):
    """A copy sent out of the platform (抄送), e.g. the exit consent to 发改、财政、税务 and utilities."""

    __tablename__ = "outgoing_notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    subject: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str] = mapped_column(String(40))
    sent_on: Mapped[date]

    department = relationship("Department", lazy="raise")
