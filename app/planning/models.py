"""Plans and their lines (第六条), funds and their ledger entries (第十一、十二、十三、四十四条), and the
statistics reports stored as files under ``BAOZU_MEDIA_DIR``.

Ledger entries are never updated or deleted: a correction is a reversing entry (``reverses_id``, the
opposite amount); amounts are whole fen (``BigInteger``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import now
from app.core.db import Base
from app.planning.enums import PlanStatus

AREA = Numeric(12, 2)


class Plan(Base):
    """One version of a plan. ``series_id`` is the first version's id (itself for the first);
    adjusting a published version creates version n+1 and marks the old one 已调整."""

    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("series_id", "version"),
        CheckConstraint("end_year >= start_year", name="years_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    kind: Mapped[str] = mapped_column(String(12))  # PlanKind
    title: Mapped[str] = mapped_column(String(200))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    document_no: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text, default="")
    adjustment_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.draft.value, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    published_on: Mapped[date | None]
    adjusted_on: Mapped[date | None]


class PlanLine(Base):
    """A target of a plan: units and building area in one district, optionally for one
    construction method (第九条) and sourcing channel (第八条), with the projects it counts."""

    __tablename__ = "plan_line"
    __table_args__ = (CheckConstraint("target_units >= 0", name="units_not_negative"),
                      CheckConstraint("target_area_m2 >= 0", name="area_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    district: Mapped[str] = mapped_column(String(20))
    construction_method: Mapped[str | None] = mapped_column(String(32))
    sourcing_channel: Mapped[str | None] = mapped_column(String(16))
    year: Mapped[int | None] = mapped_column(Integer)  # a development plan's line may name its year
    target_units: Mapped[int] = mapped_column(Integer)
    target_area_m2: Mapped[Decimal] = mapped_column(AREA)
    note: Mapped[str] = mapped_column(Text, default="")
    replaced_at: Mapped[datetime | None]  # a draft's line replaced by an edit (kept, never deleted)


class PlanLineProject(Base):
    """A project a plan line counts (a project may count on one line of each plan)."""

    __tablename__ = "plan_line_project"
    __table_args__ = (UniqueConstraint("line_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("plan_line.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)


class Fund(Base):
    """Money received by 市保租办 (第十二条) from one source (第十一条)."""

    __tablename__ = "fund"
    __table_args__ = (UniqueConstraint("document_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(24))  # rules.art11_13_funds.FundSource
    document_no: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    received_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class FundEntry(Base):
    """One immutable ledger entry: fund ↔ project (a receipt has no project). ``amount_fen`` is
    negative only for a reversing entry, which names the entry it reverses (once)."""

    __tablename__ = "fund_entry"
    __table_args__ = (
        UniqueConstraint("reverses_id"),
        CheckConstraint("amount_fen <> 0", name="amount_not_zero"),
        CheckConstraint("kind = 'receipt' OR project_id IS NOT NULL", name="two_sided"),
        Index("ix_fund_entry_fund_kind", "fund_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # rules.art11_13_funds.EntryKind
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    on: Mapped[date]
    document_no: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    subsidy_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(10))  # RefundReason
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entry.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class StatisticsReport(Base):
    """A monthly or quarterly report: its XLSX and PDF under the media folder, their SHA-256
    here; regenerating a period makes version n+1 (the earlier files kept)."""

    __tablename__ = "statistics_report"
    __table_args__ = (UniqueConstraint("period_kind", "period_start", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(8))  # PeriodKind
    period_start: Mapped[date]
    period_end: Mapped[date]
    version: Mapped[int] = mapped_column(Integer)
    xlsx_path: Mapped[str] = mapped_column(String(200))
    xlsx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_path: Mapped[str] = mapped_column(String(200))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    generated_at: Mapped[datetime] = mapped_column(default=now)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
