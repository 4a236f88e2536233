"""Shapes of the lease API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

Money = Field(ge=0, max_digits=12, decimal_places=2)


class LeaseIn(BaseModel):
    unit_id: int
    application_id: int | None = Field(default=None, description="个人配租：审核通过的申请")
    employer_organization_id: int | None = Field(default=None, description="整体配租：用人单位")
    start_on: date
    end_on: date
    monthly_rent: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="月租金（元）")
    prepaid_rent: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2,
                                  description="预收租金（元）")
    deposit: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2,
                             description="押金（元，可退）")
    other_fees: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2,
                                description="其他费用（第三十七条：不得收取）")


class RenewIn(BaseModel):
    months: int = Field(ge=1, le=120, description="续租月数")
    monthly_rent: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    prepaid_rent: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2)


class HomeAcquiredIn(BaseModel):
    acquired_on: date
    how: Literal["purchase", "gift", "inheritance", "other"] = Field(description="购买、获赠、继承等")


class ExtensionRequestIn(BaseModel):
    until: date = Field(description="申请延长过渡期至")
    reason: str = Field(min_length=1, max_length=1000, description="特殊情况说明")


class ExtensionDecisionIn(BaseModel):
    approve: bool
    comment: str = Field(default="", max_length=1000)


class ViolationIn(BaseModel):
    kind: Literal["sale", "lending", "subletting", "idle", "change_of_use", "structural_change"]
    description: str = Field(min_length=1, max_length=2000)
    rectify_days: int = Field(ge=1, le=365, description="整改期限（自然日）")


class OperatorViolationIn(BaseModel):
    kind: Literal["false_materials", "non_affordable_use", "split_transfer", "rent_as_sale",
                  "illegal_construction", "unauthorized_fees"]
    description: str = Field(min_length=1, max_length=2000)
    rectify_days: int = Field(ge=1, le=365)


class TerminateIn(BaseModel):
    violation_id: int = Field(description="拒不整改的违规记录（第四十条）")


class OccupantIn(BaseModel):
    id_number: str = Field(max_length=32, description="入住职工身份证号码（仅在请求体中传递）")
    moved_in_on: date | None = None


class OccupantRead(BaseModel):
    id: int
    name: str | None
    id_number_masked: str | None
    moved_in_on: date
    moved_out_on: date | None
    eligible: bool


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
