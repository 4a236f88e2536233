"""Response shapes of the audit API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
    """Filters of the auditors' lease search (the 身份证 number only ever in a request body)."""

    project_id: int | None = None
    organization_id: int | None = Field(default=None, description="运营单位或整体承租的用人单位")
    district: str | None = Field(default=None, max_length=20)
    status: list[Literal["active", "in_transition", "renewed", "ended", "terminated"]] = Field(
        default_factory=list)
    start_from: date | None = None
    start_to: date | None = None
    end_from: date | None = None
    end_to: date | None = None
    above_filed: bool | None = Field(default=None, description="月租金超过备案标准")
    above_appraisal: bool | None = Field(default=None, description="月租金超过评估租金的90%")
    appraisal_lapsed: bool | None = Field(default=None, description="项目评估已逾两年")
    in_transition: bool | None = Field(default=None, description="过渡期（第三十八条）")
    with_violations: bool | None = Field(default=None, description="有违规记录")


class LeaseSearchIn(LeaseFilterIn):
    tenant_id_number: str | None = Field(default=None, max_length=32,
                                         description="承租人身份证号码（只在请求体中传递）")
    sort: Literal["start_on", "-start_on", "monthly_rent", "-monthly_rent"] = "start_on"
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=50, ge=1, le=500)


class LeaseExportIn(LeaseFilterIn):
    tenant_id_number: str | None = Field(default=None, max_length=32)
    sort: Literal["start_on", "-start_on", "monthly_rent", "-monthly_rent"] = "start_on"
    format: Literal["csv", "xlsx"] = "csv"
    include_full_id_numbers: bool = Field(
        default=False, description="导出完整身份证号码（须有正当理由，记入审计日志）")
    reason: str | None = Field(default=None, max_length=500, description="导出完整身份证号码的理由")


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
