"""Shapes of the contracts API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, StrictInt

from app.contracts.enums import ProofPurpose
from app.core.schemas import Day, JsonIn, Line, Paragraph

Sha256 = Field(pattern="^[0-9a-fA-F]{64}$", description="签署人所阅读文本的 SHA-256（十六进制）")


class TemplateIn(JsonIn):
    version: StrictInt = Field(ge=1, le=100_000, description="版本号（递增）")
    title: Line = Field(min_length=1, max_length=100)
    effective_on: Day = Field(description="生效日期：此后出具的合同使用该版本")
    body: Paragraph = Field(min_length=1, max_length=100_000,
                            description="合同条款（Jinja 模板，在沙箱中渲染）")
    note: Paragraph | None = Field(default=None, max_length=2000, description="修订说明")


class TemplateRead(BaseModel):
    id: int
    version: int
    title: str
    effective_on: date
    body: str
    note: str | None
    created_at: datetime


class ContractIn(JsonIn):
    lease_id: StrictInt
    payment_period_months: StrictInt = Field(default=1, ge=1, le=120,
                                             description="租金每几个月支付一次（第四十三条）")
    safety_terms: Paragraph = Field(min_length=1, max_length=4000,
                                    description="约定的房屋使用安全责任（第四十条）")


class ReviseIn(JsonIn):
    payment_period_months: StrictInt = Field(ge=1, le=120)
    safety_terms: Paragraph = Field(min_length=1, max_length=4000)


class SupplementIn(JsonIn):
    terms: Paragraph = Field(min_length=1, max_length=8000, description="补充约定的内容")


class SignIn(JsonIn):
    password: str = Field(min_length=1, max_length=256, description="重新输入登录密码以确认签署")
    document_sha256: str = Sha256


class ProofIn(JsonIn):
    purpose: ProofPurpose = Field(description="用途：居住证、落户、子女入学、提取公积金")


class ContractRead(BaseModel):
    id: int
    number: str
    kind: str
    kind_label: str
    parent_id: int | None
    lease_id: int
    lease_number: str
    template_version: int | None
    status: str
    status_label: str
    payment_period_months: int
    safety_terms: str
    supplement_terms: str | None
    body: str
    document_sha256: str
    sent_at: datetime | None
    tenant_signer: str | None
    tenant_signed_at: datetime | None
    tenant_signed_sha256: str | None
    operator_signer: str | None
    operator_signed_at: datetime | None
    operator_signed_sha256: str | None
    verify_reference: str
    verify_url: str
    allowed_actions: list[str]


class ContractVerifyRead(BaseModel):
    """The public check of a contract: valid, and whether the hash given is the signed one."""

    number: str
    kind_label: str
    valid: bool
    status_label: str
    hash_matches: bool | None = Field(description="给出 sha256 时：是否与签署的文本摘要一致")
    document_sha256: str
    lease_number: str
    project_name: str
    building: str
    unit_number: str
    tenant: str
    operator: str
    tenant_signed_at: datetime | None
    operator_signed_at: datetime | None


class ProofRead(BaseModel):
    id: int
    code: str
    purpose: str
    purpose_label: str
    issued_on: date
    valid_until: date
    lease_number: str
    contract_number: str
    verify_url: str


class ProofVerifyRead(BaseModel):
    """What an official checking a 租赁备案证明 reads: no more than the proof states."""

    code: str
    state: str
    state_label: str
    valid: bool
    purpose_label: str
    holder: str
    project_name: str
    address: str
    building: str
    unit_number: str
    lease_start_on: date
    lease_ends_on: date
    issued_on: date
    valid_until: date
