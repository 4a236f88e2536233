"""Applications (annex 2 with the annex-3 fields), their review, certificates and notices,
and the benefits certification grants (第十四–十六条)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    exists,
    false,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import Role
from app.accounts.models import Organization, User
from app.approval.enums import EVER_CERTIFIED, FOLLOWING_DEPARTMENTS, CertificateStatus, ProjectStatus
from app.core.clock import now
from app.core.db import Base

AREA = Numeric(12, 2)
MONEY = Numeric(16, 2)


class Project(Base):
    """One application for recognition as 保障性租赁住房 (附件2, with the 附件3 fields)."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(24), default=ProjectStatus.draft.value, index=True)

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(20))
    construction_unit_name: Mapped[str] = mapped_column(String(200))
    construction_unit_uscc: Mapped[str] = mapped_column(String(18))
    operator_unit_name: Mapped[str] = mapped_column(String(200))
    operator_unit_uscc: Mapped[str] = mapped_column(String(18))
    property_certificate_no: Mapped[str] = mapped_column(String(100))
    land_nature: Mapped[str] = mapped_column(String(50))
    land_area_m2: Mapped[Decimal] = mapped_column(AREA)
    total_floor_area_m2: Mapped[Decimal] = mapped_column(AREA)
    total_investment_yuan: Mapped[Decimal] = mapped_column(MONEY)
    construction_method: Mapped[str] = mapped_column(String(32))
    sourcing_channel: Mapped[str] = mapped_column(String(16))
    original_building_type: Mapped[str | None] = mapped_column(String(32))
    application_granularity: Mapped[str | None] = mapped_column(String(16))
    industrial_project_land_area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    supporting_land_area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    government_invested: Mapped[bool] = mapped_column(Boolean)
    special_fire_project: Mapped[bool] = mapped_column(Boolean)
    planned_start_on: Mapped[date]
    planned_in_use_on: Mapped[date]
    affordable_floor_area_m2: Mapped[Decimal] = mapped_column(AREA)
    unit_count: Mapped[int] = mapped_column(Integer)
    # [{name, kind, building_area_m2 (decimal string), count}]: part of the application
    # document, replaced as a whole while the draft is edited (the audit keeps each version).
    unit_types: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    supporting_facilities_area_m2: Mapped[Decimal] = mapped_column(AREA)
    supporting_facilities_content: Mapped[str] = mapped_column(Text, default="")
    commitment_version: Mapped[str | None] = mapped_column(String(20))
    commitment_accepted_at: Mapped[datetime | None]

    submitted_at: Mapped[datetime | None]
    accepted_on: Mapped[date | None]
    decided_on: Mapped[date | None]
    withdrawn_on: Mapped[date | None]
    # After certification (第二十六条, 第三十条, 第四十三条)
    construction_started_on: Mapped[date | None]  # 开工 (第二十四条; plan progress, 第六条)
    completed_on: Mapped[date | None]
    listed_on: Mapped[date | None]
    listing_verified_on: Mapped[date | None]
    operation_started_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    organization: Mapped[Organization] = relationship(lazy="raise")
    material_requests: Mapped[list[MaterialRequest]] = relationship(
        lazy="raise", order_by="MaterialRequest.id")
    dispatches: Mapped[list[ReviewDispatch]] = relationship(lazy="raise", order_by="ReviewDispatch.id")
    certificate: Mapped[Certificate | None] = relationship(lazy="raise", back_populates="project")
    notice: Mapped[NonconformityNotice | None] = relationship(lazy="raise", back_populates="project")

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """Developers see their organisation's projects, departments what was sent to them,
        the office and the leading group everything submitted, auditors everything."""
        role = user.role
        if role in (Role.admin, Role.auditor):
            return true()
        if role in (Role.office, Role.leader):
            return cls.status != ProjectStatus.draft.value
        if role == Role.developer and user.organization_id is not None:
            return cls.organization_id == user.organization_id
        if role == Role.department and user.department_id is not None:
            consulted = exists(select(ReviewDispatch.id).where(
                ReviewDispatch.project_id == cls.id,
                ReviewDispatch.department_id == user.department_id))
            # 市住建局 verifies listings and records appraisals, 市发改委 files rents (附件1):
            # both follow every certified project, not only those sent to them for review.
            if user.department is not None and user.department.code in FOLLOWING_DEPARTMENTS:
                return or_(consulted, cls.status.in_([s.value for s in EVER_CERTIFIED]))
            return consulted
        return false()


class ProjectEvent(Base):
    """The status history the applicant sees: every transition with its comment."""

    __tablename__ = "project_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now)
    on: Mapped[date]
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_unit: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ProjectMaterial(Base):
    """One file of a 附件5 material the developer uploaded (a PDF, or a photo of a paper
    document), under ``BAOZU_MEDIA_DIR`` (:mod:`app.core.media`). A newer upload of the same item
    supersedes it (``superseded_at``); nothing is deleted."""

    __tablename__ = "project_material"
    __table_args__ = (Index("ix_project_material_project_code", "project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    code: Mapped[str] = mapped_column(String(60))  # rules.annex5_materials item code
    name: Mapped[str] = mapped_column(String(100))  # the file's name as sent (shown only)
    path: Mapped[str] = mapped_column(String(300), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(default=now)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    superseded_at: Mapped[datetime | None]


class MaterialRequest(Base):
    """A list of missing materials: at submission (退回补正) or during review (clock suspended)."""

    __tablename__ = "material_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # MaterialStage
    items: Mapped[list[str]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[date]
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    resume_status: Mapped[str | None] = mapped_column(String(24))
    supplemented_on: Mapped[date | None]
    supplement_comment: Mapped[str | None] = mapped_column(Text)
    supplemented_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ReviewDispatch(Base):
    """The plan sent to one department, and that department's opinion (联合审查)."""

    __tablename__ = "review_dispatch"
    __table_args__ = (UniqueConstraint("project_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    dispatched_on: Mapped[date]
    dispatched_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    opinion: Mapped[str | None] = mapped_column(String(10))  # Opinion
    comment: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    department = relationship("Department", lazy="raise")


class ReviewMeeting(Base):
    """The review meeting's decision (评审会)."""

    __tablename__ = "review_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), unique=True)
    held_on: Mapped[date]
    decision: Mapped[str] = mapped_column(String(10))  # MeetingDecision
    minutes: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class LeaderDecision(Base):
    """The leading group's approval or refusal (市领导小组审批)."""

    __tablename__ = "leader_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), unique=True)
    approve: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class DocumentSequence(Base):
    """Gap-free yearly numbering of certificates and notices (row-locked while issuing)."""

    __tablename__ = "document_sequence"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(Base):
    """保障性租赁住房项目认定书 (附件3), numbered YYYY-NNNN; content frozen at issue."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(9), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), unique=True)
    issued_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=CertificateStatus.valid.value)
    content: Mapped[dict[str, Any]]
    revoked_on: Mapped[date | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    project: Mapped[Project] = relationship(lazy="raise", back_populates="certificate")


class NonconformityNotice(Base):
    """不符合保障性租赁住房项目通知书: issued when the meeting fails or the leader refuses."""

    __tablename__ = "nonconformity_notice"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), unique=True)
    issued_on: Mapped[date]
    stage: Mapped[str] = mapped_column(String(20))  # NoticeStage
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text)

    project: Mapped[Project] = relationship(lazy="raise", back_populates="notice")


class ProjectBenefit(Base):
    """A policy benefit a certificate unlocked (第十四–十六条), from when and until when."""

    __tablename__ = "project_benefit"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    article: Mapped[str] = mapped_column(String(40))
    since: Mapped[date]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))  # BenefitEnd
