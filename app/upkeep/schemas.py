"""Shapes of the upkeep API.

JSON bodies inherit :class:`app.core.schemas.JsonIn` (unknown fields refused, booleans strict,
free text as :data:`~app.core.schemas.Line` / :data:`~app.core.schemas.Paragraph`). Steps that
carry files are ``multipart/form-data``: their ``…Form`` adds the files to the step's ``…In``
(which the pages validate too), and refuses unknown fields as well.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi import UploadFile
from pydantic import BaseModel, Field, StrictBool

from app.core.schemas import JsonIn, Line, Paragraph

Category = Literal["plumbing_electric", "doors_windows", "gas", "fire_facilities", "structure",
                   "elevator", "other"]
UrgencyIn = Literal["urgent", "normal"]
ItemState = Literal["ok", "problem"]
PlanKindIn = Literal["fire", "gas", "flood", "power", "elevator", "public_health", "general"]
ACTIONS = "当前用户现在可办理的操作（见 app.upkeep.workflows）"


def photos_field() -> Any:
    return Field(default_factory=list, description="照片（JPEG 或 PNG，每张不超过 5 MB，每条记录最多 5 张）")


# ---- repairs: input ---------------------------------------------------------------------------

class RepairIn(JsonIn):
    unit_id: int = Field(description="报修的房源（须为本人在租或入住的房源）")
    category: Category = Field(description="水电、门窗、燃气、消防设施、结构/墙体、电梯、其他")
    urgency: UrgencyIn = Field(description="紧急或一般：决定受理与完成时限（第三十九条，政策参数）")
    description: Paragraph = Field(min_length=1, max_length=2000, description="问题描述")


class RepairForm(RepairIn):
    photos: list[UploadFile] = photos_field()


class PhotosForm(JsonIn):
    photos: list[UploadFile] = Field(min_length=1, description="补充的照片（每条报修共最多 5 张）")


class CommentIn(JsonIn):
    comment: Paragraph = Field(min_length=1, max_length=2000)


class OptionalCommentIn(JsonIn):
    comment: Paragraph = Field(default="", max_length=2000)


class AssignIn(JsonIn):
    worker: Line = Field(min_length=1, max_length=100, description="维修人员姓名（及联系方式）")
    comment: Paragraph = Field(default="", max_length=2000)


class CompleteIn(JsonIn):
    note: Paragraph = Field(min_length=1, max_length=2000, description="维修情况")


class ReasonIn(JsonIn):
    reason: Paragraph = Field(min_length=1, max_length=2000)


class OptionalReasonIn(JsonIn):
    reason: Paragraph = Field(default="", max_length=2000)


class ChargeIn(JsonIn):
    amount_yuan: Decimal = Field(gt=0, max_digits=12, decimal_places=2,
                                 description="向承租人主张的金额（元）")
    tenant_caused: StrictBool = Field(
        description="是否为承租人造成的损坏（否则不得向承租人收取，第三十九条）")
    reason: Paragraph = Field(default="", max_length=2000, description="承租人造成损坏的事实和理由")


# ---- repairs: output --------------------------------------------------------------------------

class PhotoRead(BaseModel):
    id: int
    url: str
    purpose: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    sha256: str
    uploaded_at: datetime


class ChargeRead(BaseModel):
    id: int
    amount_yuan: Decimal
    reason: str
    status: str
    status_label: str
    proposed_at: datetime
    response: str | None
    responded_at: datetime | None
    allowed_actions: list[str] = Field(description=ACTIONS)


class RepairRead(BaseModel):
    id: int
    project_id: int
    project_name: str
    unit_id: int
    building: str
    unit_number: str
    lease_id: int
    reporter: str
    category: str
    category_label: str
    urgency: str
    urgency_label: str
    description: str
    status: str
    status_label: str
    reported_at: datetime
    accept_by: datetime
    complete_by: datetime
    accept_overdue: bool = Field(description="受理超过时限（未受理且已过时限，或受理晚于时限）")
    complete_overdue: bool = Field(description="完成超过时限（未完成且已过时限，或完成晚于时限）")
    accepted_at: datetime | None
    assigned_to: str | None
    completed_at: datetime | None
    completion_note: str | None
    confirm_by: datetime | None
    confirmed_at: datetime | None
    confirmed_by_tenant: bool | None
    reopen_count: int
    withdrawn_at: datetime | None
    photos: list[PhotoRead]
    charges: list[ChargeRead]
    allowed_actions: list[str] = Field(description=ACTIONS)


class RepairEventRead(BaseModel):
    id: int
    at: datetime
    actor_role: str
    actor_unit: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    to_status_label: str
    comment: str | None
    details: dict[str, Any]


# ---- safety: input ----------------------------------------------------------------------------

class SafetyCheckIn(JsonIn):
    checked_on: date = Field(description="检查日期")
    fire_facilities: ItemState = Field(description="消防设施")
    equipment: ItemState = Field(description="消防器材")
    evacuation_routes: ItemState = Field(description="疏散通道")
    safety_exits: ItemState = Field(description="安全出口")
    fire_lanes: ItemState = Field(description="消防车通道")
    findings: Paragraph = Field(default="", max_length=4000, description="发现的问题及处置（有问题时必填）")


class SafetyCheckForm(SafetyCheckIn):
    photos: list[UploadFile] = photos_field()


class InspectionIn(JsonIn):
    inspected_on: date
    result: Literal["passed", "rectify"] = Field(description="合格，或责令整改")
    findings: Paragraph = Field(min_length=1, max_length=4000, description="检查情况")
    rectify_by: date | None = Field(default=None, description="整改期限（责令整改时必填）")


class InspectionForm(InspectionIn):
    photos: list[UploadFile] = photos_field()


class RectificationIn(JsonIn):
    note: Paragraph = Field(min_length=1, max_length=4000, description="整改情况")


class RectificationForm(RectificationIn):
    photos: list[UploadFile] = photos_field()


class PlanIn(JsonIn):
    kind: PlanKindIn
    title: Line = Field(min_length=1, max_length=200)
    review_on: date = Field(description="复核修订日期（逾期未复核的预案标为过期）")


class PlanForm(PlanIn):
    file: UploadFile = Field(description="预案文件（PDF，不超过 10 MB）")


class QualityIn(JsonIn):
    supervised_on: date | None = Field(default=None, description="监督日期（不填为今天）")
    structure_safe: StrictBool = Field(description="质量结构安全")
    fire_safe: StrictBool = Field(description="消防安全")
    result: Literal["passed", "rectify"]
    findings: Paragraph = Field(default="", max_length=4000)


# ---- safety: output ---------------------------------------------------------------------------

class CheckItemRead(BaseModel):
    item: str
    label: str
    ok: bool


class SafetyCheckRead(BaseModel):
    id: int
    project_id: int
    checked_on: date
    items: list[CheckItemRead]
    problems: int
    findings: str
    photos: list[PhotoRead]
    recorded_at: datetime


class InspectionRead(BaseModel):
    id: int
    project_id: int
    project_name: str
    department: str
    inspected_on: date
    result: str
    result_label: str
    findings: str
    rectify_by: date | None
    status: str
    status_label: str
    overdue: bool
    rectified_on: date | None
    rectification: str | None
    photos: list[PhotoRead]
    allowed_actions: list[str] = Field(description=ACTIONS)


class PlanRead(BaseModel):
    id: int
    project_id: int
    kind: str
    kind_label: str
    title: str
    filed_on: date
    review_on: date
    status: str
    status_label: str
    lapsed: bool
    pages: int
    size_bytes: int
    sha256: str
    url: str


class CodeRead(BaseModel):
    code: str
    label: str
    reason: str
    article: str


class QualityRead(BaseModel):
    id: int
    project_id: int
    department: str
    supervised_on: date
    completed_on: date
    codes: list[str]
    structure_safe: bool
    fire_safe: bool
    result: str
    result_label: str
    findings: str
    recorded_at: datetime


class FireCheckRead(BaseModel):
    last_checked_on: date | None
    due_on: date | None
    overdue: bool
    interval_months: int


class UpkeepRead(BaseModel):
    """A project's upkeep and safety record (第二十八、三十九、四十条)."""

    project_id: int
    project_name: str
    operator: str
    status: str
    status_label: str
    completed_on: date | None
    base_standard: str
    codes: list[CodeRead]
    quality: QualityRead | None
    fire_check: FireCheckRead
    inspections_open: int
    inspections_overdue: int
    plans_current: int
    plans_lapsed: int
    repairs_open: int
    repairs_overdue: int
    allowed_actions: list[str] = Field(description=ACTIONS)


class SupervisionProjectRead(BaseModel):
    project_id: int
    project_name: str
    district: str
    organization_id: int
    operator: str
    repairs: int
    open: int
    overdue: int
    completed: int
    median_completion_hours: float | None
    reopen_rate: float | None
    disputed_charges: int
    fire_check_due_on: date | None
    fire_check_overdue: bool
    inspections_open: int
    inspections_overdue: int
    plans_current: int
    plans_lapsed: int


class SupervisionOperatorRead(BaseModel):
    organization_id: int
    operator: str
    projects: int
    repairs: int
    open: int
    overdue: int
    completed: int
    median_completion_hours: float | None
    reopen_rate: float | None
    fire_checks_overdue: int
    inspections_overdue: int
    plans_lapsed: int
