"""Shapes of the after-certification API: units, listing, rents, subsidies, operation, exit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.core.schemas import Day, JsonIn, Line, Paragraph
from rules.project_facts import UnitKind

Money = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
Rate = Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2, description="元/m²/月")]
Text100 = Annotated[Line, Field(min_length=1, max_length=100)]

# ---- units and listing ----------------------------------------------------------------------


class UnitIn(JsonIn):
    building: Line = Field(min_length=1, max_length=40, description="楼栋")
    floor: StrictInt = Field(ge=-5, le=200, description="楼层")
    number: Line = Field(min_length=1, max_length=20, description="房号")
    building_area_m2: Decimal = Field(gt=0, max_digits=8, decimal_places=2, description="建筑面积")
    kind: UnitKind = Field(description="residential（住宅型）或 dormitory（宿舍型）")
    unit_type: Line | None = Field(default=None, max_length=50, description="户型名称（与申请书一致）")


class UnitsIn(JsonIn):
    units: list[UnitIn] = Field(min_length=1, max_length=20_000)


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    building: str
    floor: int
    number: str
    building_area_m2: Decimal
    kind: UnitKind
    unit_type: str | None
    status: str
    verification_code: str | None
    published_on: date | None


class UnitsSummary(BaseModel):
    """The registered units compared with the certificate (第七条, 附件3)."""

    units: int
    building_area_m2: Decimal
    published: int
    leased: int
    certificate_unit_count: int
    certificate_floor_area_m2: Decimal
    count_difference: int
    area_difference_m2: Decimal
    matches_certificate: bool


class UnitsAdded(UnitsSummary):
    added: int


class UnitPage(BaseModel):
    items: list[UnitRead]
    next_cursor: int | None


class CompletionIn(JsonIn):
    completed_on: Day = Field(description="竣工验收合格日期")


class ListingRead(BaseModel):
    completed_on: date | None
    due_on: date | None
    listed_on: date | None
    verified_on: date | None
    overdue: bool
    on_time: bool | None
    units: int
    published: int


class ListingQueueItem(ListingRead):
    project_id: int
    name: str
    awaiting_verification: bool


class ListingVerifyRead(ListingRead):
    newly_published: int


class PublicUnitRead(BaseModel):
    verification_code: str
    project_name: str
    address: str
    building: str
    number: str
    building_area_m2: Decimal
    kind_label: str
    status_label: str
    published_on: date | None


# ---- rents ------------------------------------------------------------------------------------


class AppraisalIn(JsonIn):
    appraiser: Line = Field(min_length=2, max_length=200, description="评估机构（有资质的第三方）")
    report_no: Text100 = Field(description="评估报告编号")
    appraised_on: Day = Field(description="评估基准日")
    market_rent_per_m2: Rate = Field(description="同地段同品质市场租金（元/m²/月）")
    per_unit_type: dict[Line, Rate] = Field(default_factory=dict, description="按户型的市场租金（可选）")


class AppraisalRead(BaseModel):
    id: int
    appraiser: str
    report_no: str
    appraised_on: date
    market_rent_per_m2: Decimal
    per_unit_type: dict[str, Decimal]
    valid_until: date
    lapsed: bool


class RateIn(JsonIn):
    unit_type: Line | None = Field(default=None, max_length=50, description="户型；空为全项目统一标准")
    rate_per_m2: Rate


class RateRead(BaseModel):
    unit_type: str | None
    rate_per_m2: Decimal


class RentStandardIn(JsonIn):
    appraisal_id: StrictInt
    rates: list[RateIn] = Field(min_length=1, max_length=50)


class RentFilingIn(JsonIn):
    filing_no: Text100 = Field(description="市发改委备案号")
    filed_on: Day | None = Field(default=None, description="备案日期（默认今天）")


class CapRead(BaseModel):
    """The cap of one rate, exact (market rent × 90% may have three or four decimals), and the
    highest rate in fen a standard can state under it."""

    unit_type: str | None
    rate_per_m2: Decimal = Field(description="上限（元/m²/月），按评估租金 × 90% 精确计算")
    highest_rate_per_m2: Decimal = Field(description="可拟订的最高租金（元/m²/月，精确到分）")


class RentStandardRead(BaseModel):
    id: int
    project_id: int
    appraisal_id: int
    rates: list[RateRead]
    status: Literal["proposed", "filed", "superseded"]
    status_label: str
    proposed_on: date
    filing_no: str | None
    filed_on: date | None
    caps: list[CapRead]


class RentsRead(BaseModel):
    appraisals: list[AppraisalRead]
    standards: list[RentStandardRead]
    in_force: RentStandardRead | None
    reappraisal_due: bool


class PublicRent(BaseModel):
    project_id: int
    project_name: str
    district: str
    address: str
    operator: str
    unit_type: str | None
    rate_per_m2: Decimal
    filing_no: str
    filed_on: date
    appraised_on: date
    reappraisal_due: bool


# ---- subsidy, benefits, operation, transfer ---------------------------------------------------


class SubsidyIn(JsonIn):
    amount_yuan: Money
    source: Line = Field(min_length=2, max_length=100, description="资金来源，如 中央补助资金")
    document_no: Text100 = Field(description="核定文件号")
    granted_on: Day | None = None


class SubsidyPayIn(JsonIn):
    paid_on: Day | None = Field(default=None, description="拨付日期（默认今天）")


class SubsidyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    project_id: int
    amount_yuan: Decimal
    source: str
    document_no: str
    granted_on: date
    paid_on: date | None
    refund_due_yuan: Decimal | None
    refund_reason: str | None
    refund_recorded_on: date | None


class BenefitRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    title: str
    article: str
    since: date
    ended_on: date | None
    end_reason: str | None
    active: bool


class OperationIn(JsonIn):
    started_on: Day = Field(description="投入运营之日（8 年运营期自此起算）")


class TransferIn(JsonIn):
    to_organization_id: StrictInt
    reason: Literal["merger", "restructuring", "equity_transfer", "bankruptcy", "court_order"]
    document_no: Text100 = Field(description="合并协议、破产裁定或法院生效法律文书编号")
    transferred_on: Day | None = None


class TransferRead(BaseModel):
    from_organization: str
    to_organization: str
    reason: str
    reason_label: str
    document_no: str
    transferred_on: date


class OperationRead(BaseModel):
    status: str
    status_label: str
    operator: str
    operation_started_on: date | None
    exit_allowed_from: date | None
    transfers: list[TransferRead]


# ---- exit -------------------------------------------------------------------------------------


class ExitRequestIn(JsonIn):
    notice_from: Day = Field(description="退出公示开始日期")
    notice_to: Day = Field(description="退出公示结束日期")
    objections: StrictInt = Field(ge=0, le=100_000, description="公示期间收到的异议数")


class ExitDecisionIn(JsonIn):
    approve: StrictBool
    comment: Paragraph = Field(default="", max_length=2000, description="意见（不同意时必填）")


class UnapprovedExitIn(JsonIn):
    found_on: Day | None = None
    reason: Paragraph = Field(min_length=1, max_length=2000)


class NotificationRead(BaseModel):
    department: str
    subject: str
    document_no: str
    sent_on: date


class ExitRequestRead(BaseModel):
    id: int
    project_id: int
    project_name: str
    requested_on: date
    notice_from: date
    notice_to: date
    objections: int
    status: Literal["pending", "approved", "refused"]
    status_label: str
    decided_on: date | None
    decision_comment: str | None
    document_no: str | None
    deadline: date | None
    overdue: bool
    notifications: list[NotificationRead]
