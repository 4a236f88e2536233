"""Shapes of the audit API: the lease search's filters (query string and JSON body), responses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.core.schemas import JsonIn, Line, Paragraph

Sort = Literal["start_on", "-start_on", "monthly_rent", "-monthly_rent"]
LeaseStatusFilter = Literal["pending", "active", "in_transition", "renewed", "ended", "terminated"]


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor: str
    role: str
    action: str
    entity_type: str
    entity_id: str
    summary: dict[str, Any]
    prev_hash: str
    hash: str


class AuditEventPage(BaseModel):
    items: list[AuditEventRead]
    next_cursor: int | None


class VerificationRead(BaseModel):
    ok: bool
    events_checked: int
    last_id: int
    last_hash: str
    broken_id: int | None
    reason: str | None


class LeaseFilterIn(BaseModel):
    """Filters of the auditors' lease search in a query string (the 身份证 number only ever in a
    request body): values arrive as text and are read as numbers, dates and booleans; a
    parameter the search does not know is refused (422), never ignored. :class:`LeaseFilterBody`
    holds the same filters for a JSON body."""

    model_config = ConfigDict(extra="forbid")

    project_id: int | None = None
    organization_id: int | None = Field(default=None, description="运营单位或整体承租的用人单位")
    district: str | None = Field(default=None, max_length=20)
    status: list[LeaseStatusFilter] = Field(default_factory=list)
    start_from: date | None = None
    start_to: date | None = None
    end_from: date | None = None
    end_to: date | None = None
    above_filed: bool | None = Field(default=None, description="月租金超过备案标准")
    above_appraisal: bool | None = Field(default=None, description="月租金超过评估租金的90%")
    appraisal_lapsed: bool | None = Field(default=None, description="项目评估已逾两年")
    in_transition: bool | None = Field(default=None, description="过渡期（第三十八条）")
    with_violations: bool | None = Field(default=None, description="有违规记录")


class LeaseQueryIn(LeaseFilterIn):
    """The query string of the CSV and XLSX exports: the filters and the order."""

    sort: Sort = "start_on"


class LeaseSearchQueryIn(LeaseQueryIn):
    """The query string of the search: the filters, the order and the page."""

    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=50, ge=1, le=500)


class LeaseFilterBody(JsonIn):
    """The filters of :class:`LeaseFilterIn` in a JSON body: booleans and integers as JSON
    writes them (``true``, ``3``), text without control characters."""

    project_id: StrictInt | None = None
    organization_id: StrictInt | None = Field(default=None, description="运营单位或整体承租的用人单位")
    district: Line | None = Field(default=None, max_length=20)
    status: list[LeaseStatusFilter] = Field(default_factory=list)
    start_from: date | None = None
    start_to: date | None = None
    end_from: date | None = None
    end_to: date | None = None
    above_filed: StrictBool | None = Field(default=None, description="月租金超过备案标准")
    above_appraisal: StrictBool | None = Field(default=None, description="月租金超过评估租金的90%")
    appraisal_lapsed: StrictBool | None = Field(default=None, description="项目评估已逾两年")
    in_transition: StrictBool | None = Field(default=None, description="过渡期（第三十八条）")
    with_violations: StrictBool | None = Field(default=None, description="有违规记录")


class LeaseSearchIn(LeaseFilterBody):
    tenant_id_number: Line | None = Field(default=None, max_length=32,
                                          description="承租人身份证号码（只在请求体中传递）")
    sort: Sort = "start_on"
    cursor: Line | None = Field(default=None, max_length=400)
    limit: StrictInt = Field(default=50, ge=1, le=500)


class LeaseExportIn(LeaseFilterBody):
    tenant_id_number: Line | None = Field(default=None, max_length=32)
    sort: Sort = "start_on"
    format: Literal["csv", "xlsx"] = "csv"
    include_full_id_numbers: StrictBool = Field(
        default=False, description="导出完整身份证号码（须有正当理由，记入审计日志）")
    reason: Paragraph | None = Field(default=None, max_length=500, description="导出完整身份证号码的理由")


class AuditLeaseRead(BaseModel):
    id: int
    number: str
    kind: str
    status: str
    status_label: str
    project_id: int
    project_name: str
    district: str
    operator: str
    building: str
    unit_number: str
    tenant: str | None
    tenant_id_number: str | None
    start_on: date
    end_on: date
    ends_on: date
    monthly_rent: Decimal
    building_area_m2: Decimal
    rent_cap: Decimal
    above_filed: bool
    above_appraisal: bool
    appraisal_lapsed: bool
    in_transition: bool
    violations: bool


class AuditLeasePage(BaseModel):
    items: list[AuditLeaseRead]
    next_cursor: str | None


class DashboardRead(BaseModel):
    on: date
    projects_by_status: dict[str, int]
    review: dict[str, Any]
    units: dict[str, Any]
    rent_to_cap: list[dict[str, Any]]
    overdue: dict[str, int]
    upkeep: dict[str, Any] = Field(description=(
        "运营维护与安全（第三十九、四十条）：未完成与超期报修、完成时间中位数（近一年，小时）、返修率、"
        "有异议的赔偿、消防检查超期、逾期未整改、预案过期，及问题最多的项目"))
    planning: dict[str, Any] | None = Field(default=None, description=(
        "本年度已发布年度建设计划的目标与完成情况（按区域：认定、开工、竣工、房源发布、出租）及各项补助资金余额（分）"))
