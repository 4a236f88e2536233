"""What the document renderers need: plain, immutable values filled in by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CertificateDocument:
    """景德镇市保障性租赁住房项目认定书 (景府办发〔2022〕3号 附件3)."""

    number: str                      # "2026-0001"
    status: str                      # "valid" | "revoked"
    issued_on: date
    issuer: str                      # "景德镇市推进保障性租赁住房工作领导小组办公室"
    addressee: str                   # 建设（运营）单位名称
    project_name: str
    address: str
    construction_unit_name: str
    construction_unit_uscc: str
    operator_unit_name: str
    operator_unit_uscc: str
    land_nature: str
    land_area_m2: Decimal
    total_floor_area_m2: Decimal
    total_investment_yuan: Decimal
    construction_method: str         # label, e.g. "利用存量闲置房屋改建"
    planned_start: str               # "2026年3月"
    planned_in_use: str              # "2027年6月"
    affordable_floor_area_m2: Decimal
    unit_count: int
    supporting_facilities_area_m2: Decimal
    supporting_facilities_content: str
    rent_requirement: str
    benefits: tuple[str, ...]        # one sentence per benefit that applies
    verify_url: str                  # public verification page, target of the QR code
    revoked_on: date | None = None
    revoked_reason: str | None = None


@dataclass(frozen=True, slots=True)
class NoticeReason:
    """One ground for refusal and the article it rests on."""

    article: str
    message: str


@dataclass(frozen=True, slots=True)
class NoticeDocument:
    """不符合保障性租赁住房项目通知书 (第二十四条第3项)."""

    number: str                      # e.g. "景保租不符〔2026〕3号"
    issued_on: date
    issuer: str
    addressee: str
    project_name: str
    stage: str                       # "项目评审会" or "市领导小组审批"
    reasons: tuple[NoticeReason, ...]
    comment: str
    verify_url: str
