"""第十一条, 第十二条, 第十三条, 第四十四条: the subsidy fund ledger — where the money comes from, how it
reaches a project, and when it goes back.

第十一条: “保障性租赁住房资金来源与保障性安居工程资金接轨，主要包括中央补助资金、省奖励资金、政府专项债和
融资贷款资金。财政部门统筹利用土地出让净收益和住房公积金增值收益等现有住房保障资金，用于租赁平台建设、
维护及保障性租赁住房相关工作等。”

第十二条: “保障性租赁住房上级补助资金由市财政局按市保租办核定的建设项目完成情况拨付到市保租办，…再由
市保租办根据建设项目在租赁平台完成房源发布后一次性拨付。”

第十三条: “保障性租赁住房资金补助拨付后，建设单位须严格按照规定用途使用，不得截留、挤占、挪作他用。”
第四十四条: “…退出或无正当理由（或未经批准）单方中止租赁合同的，…并退回所获得保障性租赁住房建设补助资金”.

Catalog reading (第十一条): a fund received names one of the six sources above; amounts are whole fen
(integers), never floats. The ledger is double-sided: every entry moves money between a fund and a
project (a receipt is the fund's own side, from 市财政局). Entries are immutable; a correction is a
reversing entry (the same kind, the opposite amount). :func:`check_entry` is the whole invariant: after
any accepted entry

* allocated ≤ received for the fund (nothing allocated that was not received),
* for each project of the fund: paid − refunded ≤ allocated, refunded ≤ refund due ≤ paid,
  and every total ≥ 0,

so the fund's balance (received − paid + refunded) is never negative. :func:`check_drawing` is
第十二条's condition on a payment: once per subsidy, only after the listing was verified (第三十条).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from rules.decision import Decision, Finding

ART11 = "第十一条"
ART12 = "第十二条"
ART13 = "第十三条"
ART44 = "第四十四条"


class FundSource(StrEnum):
    """第十一条: the sources of the money."""

    central_subsidy = "central_subsidy"
    provincial_award = "provincial_award"
    special_bond = "special_bond"
    financing_loan = "financing_loan"
    land_proceeds = "land_proceeds"
    provident_fund_gains = "provident_fund_gains"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    FundSource.central_subsidy: "中央补助资金",
    FundSource.provincial_award: "省奖励资金",
    FundSource.special_bond: "政府专项债",
    FundSource.financing_loan: "融资贷款资金",
    FundSource.land_proceeds: "土地出让净收益",
    FundSource.provident_fund_gains: "住房公积金增值收益",
}


class EntryKind(StrEnum):
    receipt = "receipt"  # 市财政局 → fund (第十二条: 拨付到市保租办)
    allocation = "allocation"  # fund → project, earmarked (市保租办核定)
    payment = "payment"  # fund → project, paid once after the listing (第十二条)
    refund_due = "refund_due"  # project owes the fund (第十三、四十四条)
    refund_received = "refund_received"  # project → fund

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def article(self) -> str:
        return KIND_ARTICLES[self]


KIND_LABELS = {
    EntryKind.receipt: "资金到账", EntryKind.allocation: "分配到项目", EntryKind.payment: "拨付项目",
    EntryKind.refund_due: "应退回", EntryKind.refund_received: "退回到账",
}
KIND_ARTICLES = {
    EntryKind.receipt: ART11, EntryKind.allocation: ART12, EntryKind.payment: ART12,
    EntryKind.refund_due: ART44, EntryKind.refund_received: ART44,
}


@dataclass(frozen=True, slots=True)
class ProjectTotals:
    """One project's totals within one fund, in fen."""

    allocated: int = 0
    paid: int = 0
    refund_due: int = 0
    refunded: int = 0

    @property
    def outstanding_refund(self) -> int:
        return self.refund_due - self.refunded


@dataclass(frozen=True, slots=True)
class FundTotals:
    """One fund's totals, in fen."""

    received: int = 0
    allocated: int = 0
    paid: int = 0
    refund_due: int = 0
    refunded: int = 0

    @property
    def balance(self) -> int:
        """Money the fund still holds: received − paid + refunded."""
        return self.received - self.paid + self.refunded

    @property
    def unallocated(self) -> int:
        return self.received - self.allocated


FIELD = {EntryKind.allocation: "allocated", EntryKind.payment: "paid",
         EntryKind.refund_due: "refund_due", EntryKind.refund_received: "refunded"}


def apply(kind: EntryKind, amount_fen: int, fund: FundTotals,
          project: ProjectTotals | None) -> tuple[FundTotals, ProjectTotals | None]:
    """The totals after the entry (no check: :func:`check_entry` says whether it may be made)."""
    if kind == EntryKind.receipt:
        return replace(fund, received=fund.received + amount_fen), project
    name = FIELD[kind]
    project = project or ProjectTotals()
    return (replace(fund, **{name: getattr(fund, name) + amount_fen}),
            replace(project, **{name: getattr(project, name) + amount_fen}))


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d} 元"


def check_entry(kind: EntryKind, amount_fen: int, fund: FundTotals, project: ProjectTotals | None,
                *, reversal: bool = False) -> Decision:
    """Whether an entry of ``amount_fen`` (negative for a reversing entry) keeps the ledger sound.

    Every finding names its article; ``ok`` only when all the invariants hold afterwards."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        return Decision((Finding(ART11, "amount_not_fen", "金额须以分为单位的整数记录", field="amount_fen"),))
    if amount_fen == 0 or (amount_fen < 0) != reversal:
        return Decision((Finding(kind.article, "amount_not_positive",
                                 "金额须大于零（更正请使用冲正记录）", field="amount_fen"),))
    if kind != EntryKind.receipt and project is None:
        return Decision((Finding(kind.article, "project_required",
                                 "须指明项目：每笔记录一端为资金，另一端为项目",
                                 field="project_id"),))
    after_fund, after = apply(kind, amount_fen, fund, project)
    findings: list[Finding] = []
    if after_fund.received < 0 or after_fund.allocated > after_fund.received:
        findings.append(Finding(ART12, "fund_overallocated",
                                f"已分配 {yuan(after_fund.allocated)} 将超过"
                                f"资金到账 {yuan(after_fund.received)}，"
                                f"可分配余额 {yuan(fund.unallocated)}", field="amount_fen"))
    if after is not None:
        if after.allocated < 0 or after.paid - after.refunded > after.allocated:
            findings.append(Finding(ART12, "payment_exceeds_allocation",
                                    f"该项目从本资金已拨付 {yuan(after.paid - after.refunded)}（扣除退回），"
                                    f"将超过分配额 {yuan(after.allocated)}", field="amount_fen"))
        if after.paid < 0 or after.refund_due > after.paid or after.refund_due < 0:
            findings.append(Finding(ART44, "refund_exceeds_payment",
                                    f"应退回 {yuan(after.refund_due)} 不能超过"
                                    f"已拨付 {yuan(after.paid)}，且不能为负",
                                    field="amount_fen"))
        if after.refunded < 0 or after.refunded > after.refund_due:
            findings.append(Finding(ART44, "refund_exceeds_due",
                                    f"退回到账 {yuan(after.refunded)} 不能超过"
                                    f"应退回 {yuan(after.refund_due)}，"
                                    "且不能为负", field="amount_fen"))
    if after_fund.balance < 0:  # implied by the above; kept as the stated invariant
        findings.append(Finding(ART11, "balance_negative", f"资金余额将为 {yuan(after_fund.balance)}"))
    if findings:
        return Decision.of(findings)
    return Decision((Finding(kind.article, "entry_valid",
                             f"{kind.label} {yuan(amount_fen)}：余额 {yuan(after_fund.balance)}，"
                             f"可分配 {yuan(after_fund.unallocated)}", ok=True),))


def check_entry_date(on: date, received_on: date, today: date, *, field: str = "on") -> Decision:
    """An entry is dated between the day the fund was received and today."""
    if on > today:
        return Decision((Finding(ART11, "entry_date_in_future",
                                 f"日期 {on.isoformat()} 不能晚于今天（{today.isoformat()}）", field=field),))
    if on < received_on:
        return Decision((Finding(ART12, "entry_before_receipt",
                                 f"日期 {on.isoformat()} 早于资金到账日期 {received_on.isoformat()}",
                                 field=field),))
    return Decision((Finding(ART11, "entry_date_valid", "日期在资金到账之后、不晚于今天", ok=True,
                             field=field),))


def check_drawing(listing_verified_on: date | None, paid_on: date, already_drawn: bool) -> Decision:
    """第十二条: a project's subsidy is paid from a fund once, after its listing was verified."""
    findings = []
    if listing_verified_on is None or listing_verified_on > paid_on:
        findings.append(Finding(ART12, "listing_not_published",
                                "项目尚未在租赁平台完成房源发布（市住建部门审核确认），补助资金须在完成房源发布后拨付"
                                if listing_verified_on is None else
                                f"项目房源于 {listing_verified_on.isoformat()} 才完成发布，拨付日期 "
                                f"{paid_on.isoformat()} 早于发布日期", field="on"))
    if already_drawn:
        findings.append(Finding(ART12, "subsidy_already_drawn",
                                "该项补助资金已从资金台账拨付：补助资金一次性拨付，不能再次拨付",
                                field="subsidy_id"))
    if findings:
        return Decision.of(findings)
    return Decision((Finding(ART12, "drawing_valid", "项目已完成房源发布，补助资金尚未拨付，本次一次性拨付",
                             ok=True),))
