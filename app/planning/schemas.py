"""Shapes of the planning API: plans and their lines, progress, funds and ledger entries, reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from app.core.schemas import Day, JsonIn, Line, Paragraph
from app.planning.enums import PeriodKind, PlanKind, RefundReason
from rules.art11_13_funds import FundSource
from rules.project_facts import ConstructionMethod, SourcingChannel

District = Literal["珠山区", "昌江区", "高新区", "昌南新区"]  # 中心城区 (第四条)
YEAR = {"ge": 2022, "le": 2100}


class PlanLineIn(JsonIn):
    district: District = Field(description="区域（中心城区，第四条）")
    construction_method: ConstructionMethod | None = Field(default=None,
                                                           description="建设方式（第九条）；空为不限")
    sourcing_channel: SourcingChannel | None = Field(default=None,
                                                     description="房源筹集渠道（第八条）；空为不限")
    year: StrictInt | None = Field(default=None, description="发展规划中该目标所属年度", **YEAR)
    target_units: StrictInt = Field(ge=0, le=1_000_000, description="目标套（间）数")
    target_area_m2: Decimal = Field(ge=0, le=100_000_000, max_digits=12, decimal_places=2,
                                    description="目标建筑面积（m²）")
    project_ids: list[StrictInt] = Field(default_factory=list, max_length=500, description="计入该目标的项目")
    note: Paragraph = Field(default="", max_length=500)


class PlanIn(JsonIn):
    kind: PlanKind = Field(description="development 发展规划 / annual 年度建设计划")
    title: Line = Field(min_length=2, max_length=200)
    start_year: StrictInt = Field(**YEAR)
    end_year: StrictInt = Field(**YEAR)
    document_no: Line | None = Field(default=None, max_length=100, description="计划文号")
    notes: Paragraph = Field(default="", max_length=4000)
    lines: list[PlanLineIn] = Field(default_factory=list, max_length=200)


class PlanLinesIn(JsonIn):
    lines: list[PlanLineIn] = Field(max_length=200)


class AdjustIn(JsonIn):
    reason: Paragraph = Field(min_length=2, max_length=2000, description="调整理由")


class PlanLineRead(BaseModel):
    id: int
    district: str
    construction_method: str | None
    construction_method_label: str | None
    sourcing_channel: str | None
    sourcing_channel_label: str | None
    year: int | None
    target_units: int
    target_area_m2: Decimal
    project_ids: list[int]
    note: str


class PlanRead(BaseModel):
    id: int
    series_id: int | None
    version: int
    previous_id: int | None
    kind: str
    kind_label: str
    title: str
    start_year: int
    end_year: int
    document_no: str | None
    notes: str
    adjustment_reason: str | None
    status: str
    status_label: str
    published_on: date | None
    adjusted_on: date | None
    created_at: datetime
    lines: list[PlanLineRead]
    allowed_actions: list[str]


class StageRead(BaseModel):
    units: int
    area_m2: Decimal
    units_share: Decimal | None = Field(description="占目标套数比例")
    area_share: Decimal | None


class LineProgressRead(BaseModel):
    line_id: int
    district: str
    construction_method_label: str | None
    sourcing_channel_label: str | None
    target_units: int
    target_area_m2: Decimal
    certified: StageRead
    started: StageRead
    completed: StageRead
    published: StageRead
    let: StageRead
    late: bool
    behind: bool
    findings: list[dict[str, object]]


class PlanProgressRead(BaseModel):
    plan_id: int
    title: str
    as_of: date
    lines: list[LineProgressRead]
    totals: dict[str, object]


class FundIn(JsonIn):
    source: FundSource = Field(description="资金来源（第十一条）")
    document_no: Line = Field(min_length=2, max_length=100, description="拨款文号")
    title: Line = Field(min_length=2, max_length=200)
    amount_fen: StrictInt = Field(gt=0, le=10**14, description="到账金额（分）")
    received_on: Day
    year: StrictInt = Field(**YEAR)
    plan_id: StrictInt | None = None
    note: Paragraph = Field(default="", max_length=1000)


class EntryIn(JsonIn):
    kind: Literal["receipt", "allocation", "payment", "refund_due", "refund_received"]
    amount_fen: StrictInt | None = Field(default=None, gt=0, le=10**14,
                                         description="金额（分）；拨付时默认为该项补助资金的金额")
    project_id: StrictInt | None = None
    subsidy_id: StrictInt | None = Field(default=None, description="拨付：所拨付的建设补助资金（第十二条）")
    reason: RefundReason | None = Field(default=None, description="应退回的理由（第十三、四十四条）")
    on: Day
    document_no: Line = Field(default="", max_length=100)
    note: Paragraph = Field(default="", max_length=1000)


class ReverseIn(JsonIn):
    on: Day
    note: Paragraph = Field(min_length=2, max_length=1000, description="冲正理由")


class FundRead(BaseModel):
    id: int
    source: str
    source_label: str
    document_no: str
    title: str
    year: int
    plan_id: int | None
    received_on: date
    received_fen: int
    allocated_fen: int
    paid_fen: int
    refund_due_fen: int
    refunded_fen: int
    balance_fen: int
    unallocated_fen: int


class EntryRead(BaseModel):
    id: int
    fund_id: int
    project_id: int | None
    kind: str
    kind_label: str
    amount_fen: int
    on: date
    document_no: str
    note: str
    subsidy_id: int | None
    reason: str | None
    reverses_id: int | None
    reversed: bool
    created_at: datetime


class ProjectBalanceRead(BaseModel):
    project_id: int
    project_name: str
    district: str
    allocated_fen: int
    paid_fen: int
    refund_due_fen: int
    refunded_fen: int


class ReconciliationRead(BaseModel):
    fund: FundRead
    projects: list[ProjectBalanceRead]
    consistent: bool


class ReportIn(JsonIn):
    period_kind: PeriodKind
    year: StrictInt = Field(**YEAR)
    number: StrictInt = Field(ge=1, le=12, description="月份（1–12）或季度（1–4）")


class ReportRead(BaseModel):
    id: int
    period_kind: str
    period_label: str
    period_start: date
    period_end: date
    version: int
    xlsx_sha256: str
    pdf_sha256: str
    generated_at: datetime
    xlsx_url: str
    pdf_url: str
