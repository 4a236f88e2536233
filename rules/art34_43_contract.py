"""第三十四条, 第四十条 and 第四十三条: the terms a lease contract states beyond the lease itself —
how often rent is paid, the deposit, and the agreed 房屋使用安全责任.

第三十四条: “租赁合同应当明确产权（投资）单位、运营管理单位和承租人的权利义务，以及承租人遵守安全管理规定
等义务。”
第四十条: “…房屋使用安全责任可以在租赁合同中约定。”
第四十三条: “…不得以一次性收取租赁期限内全部租金或超长期限合同等形式以租代售、变相销售。”

Readings:

* The payment period is the number of months of rent paid at once. It is at least one month, at
  most ``prepaid_rent_months_max`` (the same city cap as the rent collected in advance), and
  shorter than the whole term: a period as long as the term would collect the whole term's rent
  at once.
* The deposit is refundable, so it is neither rent nor a fee (第三十七条); the city caps it at
  ``deposit_months_max`` months of rent (a city policy parameter).
* The agreed safety responsibility is text the parties write; it must not be empty.
* Parameters are looked up on ``on``, the day the contract is issued.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rules import format as fmt
from rules.decision import Decision, Finding
from rules.params import value_at

ART34 = "第三十四条"
ART40 = "第四十条"
ART43 = "第四十三条"


def check_contract_terms(*, payment_period_months: int, term_months: int, monthly_rent: Decimal,
                         deposit: Decimal, safety_terms: str, on: date) -> Decision:
    """Every condition on the contract's own terms, passed ones as evidence."""
    findings: list[Finding] = []
    most: int = value_at("prepaid_rent_months_max", on)
    period = payment_period_months
    if period < 1:
        findings.append(Finding(ART43, "payment_period_too_short",
                                f"租金支付周期 {period} 个月不成立，至少 1 个月",
                                field="payment_period_months"))
    elif period > most:
        findings.append(Finding(ART43, "payment_period_too_long",
                                f"租金每 {period} 个月支付一次，超过 {most} 个月租金的上限",
                                field="payment_period_months"))
    elif period >= term_months:
        findings.append(Finding(ART43, "payment_period_whole_term",
                                f"租金每 {period} 个月支付一次，达到租赁期限 {term_months} 个月："
                                "不得一次性收取租赁期限内全部租金", field="payment_period_months"))
    else:
        findings.append(Finding(ART43, "payment_period_allowed",
                                f"租金每 {period} 个月支付一次，不超过 {most} 个月且短于租赁期限", ok=True,
                                field="payment_period_months"))
    months: int = value_at("deposit_months_max", on)
    cap = monthly_rent * months
    if deposit > cap:
        findings.append(Finding(ART43, "deposit_above_cap",
                                f"押金 {fmt.yuan(deposit)} 超过 {months} 个月租金（{fmt.yuan(cap)}）",
                                field="deposit"))
    else:
        findings.append(Finding(ART43, "deposit_within_cap",
                                f"押金 {fmt.yuan(deposit)} 不超过 {months} 个月租金（{fmt.yuan(cap)}）",
                                ok=True, field="deposit"))
    if safety_terms.strip():
        findings.append(Finding(ART40, "safety_terms_agreed", "合同约定了房屋使用安全责任", ok=True,
                                field="safety_terms"))
    else:
        findings.append(Finding(ART40, "safety_terms_missing",
                                "合同应约定房屋使用安全责任及承租人遵守安全管理规定的义务（第三十四、四十条）",
                                field="safety_terms"))
    return Decision.of(findings)
