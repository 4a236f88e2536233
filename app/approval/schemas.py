"""Request and response shapes of the project API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import UploadFile
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.accounts.schemas import OrganizationRead
from app.core.schemas import EARLIEST_DAY, LATEST_DAY, Day, JsonIn, Line, Paragraph
from rules.project_facts import (
    BuildingType,
    ConstructionMethod,
    Granularity,
    SourcingChannel,
    UnitKind,
)

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def _month_in_range(value: str) -> str:
    """A month YYYY-MM in the years a body's dates may have (app.core.schemas.Day)."""
    if not EARLIEST_DAY.year <= int(value[:4]) <= LATEST_DAY.year:
        raise ValueError(f"年份应在 {EARLIEST_DAY.year} 至 {LATEST_DAY.year} 之间（YYYY-MM）")
    return value


Month = Annotated[str, Field(pattern=MONTH_PATTERN), AfterValidator(_month_in_range)]
Area = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Text200 = Annotated[Line, Field(min_length=1, max_length=200)]
Comment = Annotated[Paragraph, Field(min_length=1, max_length=2000, description="意见或理由（必填）")]


class UnitTypeIn(JsonIn):
    name: Line = Field(min_length=1, max_length=50, description="户型名称，如 一室户")
    kind: UnitKind = Field(description="residential（住宅型）或 dormitory（宿舍型）")
    building_area_m2: Decimal = Field(gt=0, max_digits=8, decimal_places=2, description="单套建筑面积")
    count: StrictInt = Field(ge=1, le=100_000, description="套（间）数")


class UnitTypeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    name: str
    kind: UnitKind
    building_area_m2: Decimal
    count: int
    kind_label: str


class ProjectIn(JsonIn):
    """附件2 申请书 with every field of 附件3 认定书."""

    name: Line = Field(min_length=2, max_length=200, description="项目名称")
    address: Line = Field(min_length=2, max_length=300, description="项目地址")
    district: Line = Field(min_length=1, max_length=20,
                           description="所在区（中心城区：珠山区、昌江区、高新区、昌南新区）")
    construction_unit_name: Text200 = Field(description="建设单位名称")
    construction_unit_uscc: Line = Field(min_length=1, max_length=32, description="建设单位统一社会信用代码")
    operator_unit_name: Text200 = Field(description="运营单位名称")
    operator_unit_uscc: Line = Field(min_length=1, max_length=32, description="运营单位统一社会信用代码")
    property_certificate_no: Line = Field(min_length=1, max_length=100,
                                          description="不动产权证（土地权证）号")
    land_nature: Line = Field(min_length=1, max_length=50, description="土地性质")
    land_area_m2: Area = Field(description="土地面积（m²）")
    total_floor_area_m2: Area = Field(description="项目总建筑面积（m²）")
    total_investment_yuan: Decimal = Field(ge=0, max_digits=16, decimal_places=2,
            description="项目总投资（元）")
    construction_method: ConstructionMethod = Field(description="建设方式（第九条）")
    sourcing_channel: SourcingChannel = Field(description="房源筹集渠道（第八条）")
    original_building_type: BuildingType | None = Field(default=None, description="改建项目：原房屋类型")
    application_granularity: Granularity | None = Field(default=None,
            description="改建项目：申请单位（第二十七条）")
    industrial_project_land_area_m2: Area | None = Field(default=None,
            description="园区配套用地：工业项目总用地面积")
    supporting_land_area_m2: Area | None = Field(default=None, description="园区配套用地：配套用地面积")
    government_invested: StrictBool = Field(description="是否政府投资项目")
    special_fire_project: StrictBool = Field(description="是否特殊建设工程（消防设计审查）")
    planned_start: Month = Field(description="开工（预计）时间 YYYY-MM")
    planned_in_use: Month = Field(description="投入使用（预计）时间 YYYY-MM")
    affordable_floor_area_m2: Area = Field(description="保障性租赁住房建筑面积（m²）")
    unit_count: StrictInt = Field(ge=1, le=1_000_000, description="保障性租赁住房套（间）数")
    supporting_facilities_area_m2: Decimal = Field(ge=0, max_digits=12, decimal_places=2,
                                                   description="配套设施建筑面积（m²）")
    supporting_facilities_content: Paragraph = Field(default="", max_length=1000,
                                                     description="配套设施主要内容")
    unit_types: list[UnitTypeIn] = Field(min_length=1, max_length=50, description="户型")
    commitment_accepted: StrictBool = Field(default=False, description="申请单位已阅读并接受附件2的承诺")


class ProjectSummary(BaseModel):
    id: int
    name: str
    district: str
    status: str
    status_label: str
    organization: OrganizationRead
    unit_count: int
    submitted_at: datetime | None
    accepted_on: date | None
    decided_on: date | None
    certificate_number: str | None


class ProjectRead(ProjectSummary):
    address: str
    construction_unit_name: str
    construction_unit_uscc: str
    operator_unit_name: str
    operator_unit_uscc: str
    property_certificate_no: str
    land_nature: str
    land_area_m2: Decimal
    total_floor_area_m2: Decimal
    total_investment_yuan: Decimal
    construction_method: ConstructionMethod
    construction_method_label: str
    sourcing_channel: SourcingChannel
    sourcing_channel_label: str
    original_building_type: BuildingType | None
    application_granularity: Granularity | None
    industrial_project_land_area_m2: Decimal | None
    supporting_land_area_m2: Decimal | None
    government_invested: bool
    special_fire_project: bool
    planned_start: str
    planned_in_use: str
    affordable_floor_area_m2: Decimal
    supporting_facilities_area_m2: Decimal
    supporting_facilities_content: str
    unit_types: list[UnitTypeRead]
    commitment_accepted: bool
    commitment_version: str | None
    construction_started_on: date | None = Field(default=None,
                                                 description="开工日期（第二十四条；计划进度，第六条）")
    notice_number: str | None
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str] = Field(description=(
        "当前用户现在可对该项目办理的事项（项目认定与认定后管理两张流转表中的动作名，"
        "如 submit、accept、return、meeting、units、subsidy）"))


class ConstructionStartIn(JsonIn):
    started_on: Day = Field(description="开工日期：不早于认定书出具日期，不晚于竣工验收日期和今天"
                                        "（第二十四条）")


class SubmitIn(JsonIn):
    commitment_accepted: StrictBool | None = Field(default=None, description="可在提交时确认附件2承诺")


class AcceptIn(JsonIn):
    on: Day | None = Field(default=None, description="受理日期（默认今天；不得晚于今天）")


class MaterialsIn(JsonIn):
    items: list[Annotated[Line, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=50, description="缺少或需补充的材料清单")
    comment: Comment


class SupplementIn(JsonIn):
    comment: Comment


class DispatchIn(JsonIn):
    department_ids: list[StrictInt] = Field(min_length=1, max_length=30, description="发送方案的部门")


class OpinionIn(JsonIn):
    opinion: Literal["approve", "reject"]
    comment: Paragraph = Field(default="", max_length=2000, description="意见（不同意时必填）")


class ReasonIn(JsonIn):
    article: Line = Field(min_length=1, max_length=40, description="依据条款，如 第七条")
    message: Paragraph = Field(min_length=1, max_length=500)


class ReasonRead(BaseModel):
    article: str
    message: str


class MeetingIn(JsonIn):
    decision: Literal["pass", "fail"]
    minutes: Comment
    held_on: Day | None = Field(default=None, description="评审会日期（默认今天）")
    reasons: list[ReasonIn] = Field(default_factory=list, max_length=20, description="未通过的理由及依据")


class LeaderDecisionIn(JsonIn):
    approve: StrictBool
    comment: Paragraph = Field(default="", max_length=2000, description="审批意见（不予认定时必填）")
    reasons: list[ReasonIn] = Field(default_factory=list, max_length=20)


class WithdrawIn(JsonIn):
    comment: Paragraph = Field(default="", max_length=2000)


class RevokeIn(JsonIn):
    reason: Comment
    article: Line = Field(default="第四十六条", max_length=40,
                          description="撤销依据（第四十四条或第四十六条）")


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: datetime
    on: date
    action: str
    action_label: str
    actor_role: str
    actor_unit: str
    from_status: str | None
    to_status: str
    to_status_label: str
    comment: str | None
    details: dict[str, object]


class DispatchRead(BaseModel):
    department_id: int
    department_name: str
    dispatched_on: date
    opinion: Literal["approve", "reject"] | None
    comment: str | None
    answered_on: date | None


class MaterialRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    stage: str
    items: list[str]
    comment: str
    requested_on: date
    supplemented_on: date | None
    supplement_comment: str | None


class FindingRead(BaseModel):
    article: str
    code: str
    message: str
    ok: bool
    field: str | None = None


class MaterialItemRead(BaseModel):
    code: str
    section: str
    title: str
    required: bool
    reason: str
    article: str
    due_at_application: bool = Field(
        description="须在提交申请前上传（附件5；自 materials_upload_required 生效日起）")


class BenefitRead(BaseModel):
    code: str
    title: str
    article: str
    applies: bool
    detail: str


class ChecksRead(BaseModel):
    ok: bool
    findings: list[FindingRead]
    city_large_unit_share: FindingRead | None
    materials: list[MaterialItemRead]
    benefits: list[BenefitRead]
    rent_requirement: str


class ClockRead(BaseModel):
    accepted_on: date | None
    deadline: date | None
    working_days_elapsed: int
    working_days_remaining: int
    suspended: bool
    overdue: bool
    due_soon: bool
    decided_on: date | None
    on_time: bool | None
    limit: int


class QueueItem(BaseModel):
    project_id: int
    name: str
    organization: str
    status: str
    status_label: str
    submitted_at: datetime | None
    accepted_on: date | None
    deadline: date | None
    working_days_remaining: int | None
    suspended: bool
    overdue: bool
    due_soon: bool
    pending_departments: list[str]
    calendar_missing_year: int | None = None


class ReviewStats(BaseModel):
    decided: int
    on_time: int
    on_time_rate: float | None
    mean_working_days: float | None
    open_overdue: int


class CertificateRead(BaseModel):
    number: str
    status: Literal["valid", "revoked", "exited"]
    status_label: str
    valid: bool
    project_name: str
    addressee: str
    address: str
    unit_count: int
    affordable_floor_area_m2: Decimal
    issued_on: date
    issuer: str
    revoked_on: date | None
    revoked_reason: str | None
    verify_url: str


class NoticeRead(BaseModel):
    number: str
    project_id: int
    project_name: str
    addressee: str
    issued_on: date
    stage: str
    stage_label: str
    reasons: list[ReasonRead]
    comment: str
    issuer: str
    verify_url: str


class MaterialForm(JsonIn):
    """One file of a 附件5 item (multipart): the item's code from the checklist and the file."""

    code: Line = Field(min_length=1, max_length=60,
                       description="附件5 清单中的材料编号（GET /projects/{id}/checks 的 materials[].code）")
    file: UploadFile = Field(description="PDF 或 JPEG/PNG 图片（按内容判断），不超过 10 MB")


class MaterialRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    project_id: int
    code: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
