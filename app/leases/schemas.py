"""Shapes of the lease API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from app.core.schemas import Day, JsonIn, Line, Paragraph

Money = Field(ge=0, max_digits=12, decimal_places=2)


class LeaseIn(JsonIn):
    unit_id: StrictInt
    application_id: StrictInt | None = Field(default=None, description="个人配租：审核通过的申请")
    employer_organization_id: StrictInt | None = Field(default=None, description="整体配租：用人单位")
    start_on: Day
    end_on: Day
    monthly_rent: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="月租金（元）")
    prepaid_rent: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2,
                                  description="预收租金（元）")
    deposit: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2,
                             description="押金（元，可退）")
    other_fees: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2,
                                description="其他费用（第三十七条：不得收取）")


class RenewIn(JsonIn):
    months: StrictInt = Field(ge=1, le=120, description="续租月数")
    monthly_rent: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    prepaid_rent: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2)


class HomeAcquiredIn(JsonIn):
    acquired_on: Day
    how: Literal["purchase", "gift", "inheritance", "other"] = Field(description="购买、获赠、继承等")


class ExtensionRequestIn(JsonIn):
    until: Day = Field(description="申请延长过渡期至")
    reason: Paragraph = Field(min_length=1, max_length=1000, description="特殊情况说明")


class ExtensionDecisionIn(JsonIn):
    approve: StrictBool
    comment: Paragraph = Field(default="", max_length=1000)


class ViolationIn(JsonIn):
    kind: Literal["sale", "lending", "subletting", "idle", "change_of_use", "structural_change"]
    description: Paragraph = Field(min_length=1, max_length=2000)
    rectify_days: StrictInt = Field(ge=1, le=365, description="整改期限（自然日）")


class OperatorViolationIn(JsonIn):
    kind: Literal["false_materials", "non_affordable_use", "split_transfer", "rent_as_sale",
                  "illegal_construction", "unauthorized_fees"]
    description: Paragraph = Field(min_length=1, max_length=2000)
    rectify_days: StrictInt = Field(ge=1, le=365)


class TerminateIn(JsonIn):
    violation_id: StrictInt = Field(description="拒不整改的违规记录（第四十条）")


class OccupantIn(JsonIn):
    """The employer invites the holder of a 身份证 number to live in the unit (整体配租)."""

    id_number: Line = Field(max_length=32, description="受邀职工身份证号码（仅在请求体中传递）")
    moved_in_on: Day | None = Field(default=None, description="拟入住日期（不填为本人确认之日）")


class InvitationSentRead(BaseModel):
    """The one answer to every invitation: it says nothing of whom the number belongs to."""

    status: Literal["invited"] = "invited"
    detail: str


class OccupantRead(BaseModel):
    """An invitation or placement as the lease's readers see it: the masked number the employer
    typed, and a name (masked, except for the city's staff) only once the person accepted."""

    id: int
    status: Literal["invited", "placed", "declined", "withdrawn", "moved_out"]
    status_label: str
    name: str | None
    id_number_masked: str
    invited_on: date
    answered_on: date | None
    moved_in_on: date | None
    moved_out_on: date | None
    eligible: bool | None = Field(description="入住时（本人确认时）的资格审查结果；未入住为空")
    allowed_actions: list[str] = Field(
        description="当前用户现在可对该记录办理的操作（见 app.leases.workflows.OCCUPANT）")


class PlacementRead(BaseModel):
    """An invitation (or placement) addressed to me, with what I need to decide."""

    id: int
    status: Literal["invited", "placed", "declined", "withdrawn", "moved_out"]
    status_label: str
    lease_id: int
    lease_number: str
    employer: str
    operator: str
    project_name: str
    address: str
    building: str
    unit_number: str
    building_area_m2: Decimal
    lease_start_on: date
    lease_ends_on: date
    invited_on: date
    answered_on: date | None
    moved_in_on: date | None
    moved_out_on: date | None
    allowed_actions: list[str] = Field(
        description="我现在可办理的操作：accept（接受）、decline（谢绝）")


class LeaseRead(BaseModel):
    id: int
    number: str
    kind: Literal["individual", "employer"]
    status: str
    status_label: str
    project_id: int
    project_name: str
    unit_id: int
    building: str
    unit_number: str
    building_area_m2: Decimal
    tenant_name: str | None
    employer: str | None
    operator: str
    start_on: date
    end_on: date
    ends_on: date
    monthly_rent: Decimal
    rate_per_m2: Decimal
    rent_cap: Decimal
    prepaid_rent: Decimal
    deposit: Decimal
    signed_on: date
    previous_lease_id: int | None
    home_acquired_on: date | None
    transition_ends_on: date | None
    market_rent_from: date | None
    transition_monthly_rent: Decimal | None
    extension_requested_to: date | None
    extension_status: str | None
    verification_code: str = Field(description="核验码：与合同编号一同印在合同上，公开核验须两者俱全")
    verify_reference: str = Field(description="核验编号（合同编号-核验码），公开核验与二维码使用")
    allowed_actions: list[str] = Field(
        description="当前用户现在可对该合同办理的操作（见 app.leases.workflows.LEASE）")


class LeaseVerifyRead(BaseModel):
    """The public check of an electronic lease (第二十三条)."""

    number: str
    valid: bool
    status_label: str
    project_name: str
    address: str
    building: str
    unit_number: str
    building_area_m2: Decimal
    start_on: date
    ends_on: date
    tenant: str
    operator: str
