"""Shapes of the tenant API: profile, commitment, registry imports, applications, lotteries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.core.schemas import JsonIn, Line, Paragraph

District = Field(min_length=1, max_length=20)


class ProfileIn(JsonIn):
    phone: str = Field(pattern=r"^1[3-9]\d{9}$", description="手机号码")
    residence_district: Line = Field(min_length=1, max_length=20, description="居住地所在区")
    work_district: Line | None = Field(default=None, max_length=20, description="工作地所在区")
    employer_name: Line | None = Field(default=None, max_length=200, description="工作单位")
    employer_organization_id: StrictInt | None = Field(default=None,
                                                       description="工作单位（平台已登记的单位）")


class DeclarationIn(JsonIn):
    """The applicant's own statement (附件4 一): checked against the registries."""

    owns_home_in_central_area: StrictBool = Field(description="本人在市中心城区有住房")
    public_rental_qualified: StrictBool = Field(default=False, description="符合公租房资格条件")
    receiving_public_rental: StrictBool = Field(default=False, description="正在享受公租房保障")


class CommitmentIn(JsonIn):
    clauses: list[StrictInt] = Field(description="确认的条款编号，须为 1、2、3、4 全部")
    declaration: DeclarationIn


class CommitmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    text_version: str
    clauses: list[int]
    signed_at: datetime
    taken_by: str | None = None


class TenantRead(BaseModel):
    user_id: int
    full_name: str | None
    id_number: str | None
    phone: str | None
    residence_district: str | None
    work_district: str | None
    employer_name: str | None
    employer_organization_id: int | None
    commitment: CommitmentRead | None
    commitment_text: list[str]
    commitment_text_version: str


class ImportRead(BaseModel):
    id: int
    kind: str
    filename: str
    rows: int
    transitions_started: int = 0


class FindingRead(BaseModel):
    article: str
    code: str
    message: str
    ok: bool
    field: str | None = None


class EligibilityRead(BaseModel):
    ok: bool
    findings: list[FindingRead]
    conflicts: list[FindingRead]
    decided_on: date


class ApplicationIn(JsonIn):
    project_id: StrictInt = Field(description="申请的保障性租赁住房项目")
    declaration: DeclarationIn
    applicant_id_number: Line | None = Field(default=None, max_length=32,
                                            description="窗口代办时：申请人身份证号码（仅在请求体中传递）")


class ApplicationReview(JsonIn):
    approve: StrictBool
    reason: Paragraph = Field(default="", max_length=2000, description="理由（不予通过时必填，申请人可见）")


class ApplicationRead(BaseModel):
    id: int
    project_id: int
    project_name: str
    applicant_name: str
    applicant_id_number_masked: str | None
    channel: Literal["online", "window"]
    taken_by: str | None
    status: str
    status_label: str
    eligibility: EligibilityRead
    priority_group: str | None
    submitted_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    allocation_rank: int | None
    lottery_id: int | None
    allowed_actions: list[str] = Field(
        description="当前用户现在可对该申请办理的操作（见 app.tenants.workflows.TENANT_APPLICATION）")


class PriorityGroupIn(JsonIn):
    name: Line = Field(min_length=2, max_length=100, description="如 陶瓷工业园区企业员工")
    kind: Literal["park", "enterprise"]
    rank: StrictInt = Field(ge=0, le=100, description="0 为最先摇号的优先组")
    organization_ids: list[StrictInt] = Field(min_length=1, max_length=500,
                                              description="其员工属于该优先组的单位")


class PriorityGroupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    name: str
    kind: Literal["park", "enterprise"]
    rank: int
    organization_ids: list[int]
    id: int
    project_id: int


class LotteryRead(BaseModel):
    id: int
    project_id: int
    status: Literal["committed", "drawn"]
    commitment: str
    applicants: list[tuple[str, int]]
    units_available: int
    committed_at: datetime
    seed: str | None
    order: list[str] | None
    drawn_at: datetime | None


class LotteryVerifyRead(BaseModel):
    ok: bool
    findings: list[FindingRead]


class HousingRead(BaseModel):
    project_id: int
    name: str
    district: str
    address: str
    operator: str
    units_available: int
    rates: list[dict[str, object]]


class FundCheckRead(BaseModel):
    eligible: bool
    findings: list[FindingRead]


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: str
    message: str
    created_at: datetime


class CreditEntry(BaseModel):
    violation_id: int
    party: str
    kind: str
    kind_label: str
    description: str
    recorded_on: date
    rectify_by: date
    status: str
    status_label: str
    resolved_on: date | None
    project_name: str
    lease_number: str | None
