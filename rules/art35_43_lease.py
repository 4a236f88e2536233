"""第三十五条, 第三十七条 and 第四十三条: the terms of a lease — term, rent, fees, prepaid rent, renewal.

第三十五条: “保障性租赁住房租赁期限一般不少于半年，合同期满，经审查符合条件的，可以续租。”
第三十七条: “产权（投资）或经营管理单位不得违规收取其他费用，不得擅自提高或变相提高租金。”
第四十三条: “运营期间应全部用于对外租赁，不得以一次性收取租赁期限内全部租金或超长期限合同等形式以租代售、
变相销售。”

Readings:

* A lease runs from ``start_on`` to ``end_on``, both days included; its term in whole months is
  :func:`term_months` = ``months_between(start_on, end_on + 1 day)`` (2025-01-01..2025-06-30 → 6);
  a part month does not count (2025-01-01..2025-06-29 → 5).
* “一般不少于半年” is enforced as a minimum of ``lease_term_months_min`` whole months; exceptions are decided
  outside the platform.
* “超长期限合同” is a term longer than ``lease_term_months_max`` months (a city parameter; the article
  gives no number): the last end day allowed is ``add_months(start_on, max) − 1 day``, so 60 months and
  1 day is too long although it is 60 whole months.
* The rent is capped by the filed rent standard through :func:`rules.art36_37_rent.check_lease_rent`; a lease
  with no filed standard cannot be checked and is refused (“报市发改部门备案后执行”).
* “不得违规收取其他费用”: ``other_fees`` (anything charged besides rent and deposit) must be 0.
* A refundable deposit (押金) is neither rent nor a fee; the regulation caps neither, so none is invented:
  it only must not be negative.
* Prepaid rent is every month's rent collected in advance at once, the first month included. It must be
  less than the whole term's rent (“一次性收取租赁期限内全部租金”), read as ``monthly_rent × term_months``,
  and at most ``prepaid_rent_months_max`` × ``monthly_rent`` (a city parameter). With the defaults (6-month
  minimum, 3-month prepayment) a whole-term prepayment of a valid lease trips both findings;
  ``prepaid_whole_term`` alone fires when the term is no longer than the prepayment cap (a too-short lease,
  or a city that raises the cap).
* Every condition is evaluated and reported together, passed ones as ``ok=True`` evidence; conditions that
  cannot be evaluated are left out: the term checks when ``end_on`` is not after ``start_on``, the prepaid
  comparisons when the monthly rent is not more than 0 (that rent is already refused).
* Parameters are looked up on ``on``, the signing date (for :func:`renewal_window_ok`, the request date).
* Renewal (“合同期满…可以续租”): a renewal may be requested from ``renewal_window_days`` days before the
  current end (a platform setting) through the end day; the fresh check of “经审查符合条件” is
  :func:`rules.art32_eligibility.check_eligibility`. The renewed term starts the day after the current end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rules import format as fmt
from rules.art36_37_rent import check_lease_rent
from rules.dates import add_months, months_between
from rules.decision import Decision, Finding
from rules.params import value_at

ART35 = "第三十五条"
ART37 = "第三十七条"
ART43 = "第四十三条"
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class LeaseTerms:
    start_on: date
    end_on: date
    monthly_rent: Decimal
    building_area_m2: Decimal
    filed_rate_per_m2: Decimal | None
    prepaid_rent: Decimal
    deposit: Decimal
    other_fees: Decimal


def term_months(start_on: date, end_on: date) -> int:
    """Whole months of a lease running ``start_on``..``end_on``, both included (01-01..06-30 → 6)."""
    return months_between(start_on, end_on + _DAY)


def _period(terms: LeaseTerms) -> str:
    return fmt.period(terms.start_on, terms.end_on)


def _dates(terms: LeaseTerms) -> Finding:
    if terms.end_on > terms.start_on:
        return Finding(ART35, "lease_end_after_start", f"租赁期限 {_period(terms)}，结束日期晚于开始日期",
                       ok=True, field="end_on")
    return Finding(ART35, "lease_end_not_after_start",
                   f"租赁期限 {_period(terms)} 不成立：结束日期应晚于开始日期", field="end_on")


def _term_min(terms: LeaseTerms, months: int, on: date) -> Finding:
    least: int = value_at("lease_term_months_min", on)
    if months < least:
        return Finding(ART35, "lease_term_too_short",
                       f"租赁期限 {_period(terms)} 共 {months} 个整月，少于 {least} 个月"
                       "（保障性租赁住房租赁期限一般不少于半年）",
                       field="end_on")
    return Finding(ART35, "lease_term_min_met",
                   f"租赁期限 {_period(terms)} 共 {months} 个整月，不少于 {least} 个月", ok=True,
                   field="end_on")


def _term_max(terms: LeaseTerms, months: int, on: date) -> Finding:
    most: int = value_at("lease_term_months_max", on)
    last = add_months(terms.start_on, most) - _DAY
    if terms.end_on > last:
        return Finding(ART43, "lease_term_too_long",
                       f"租赁期限 {_period(terms)} 超过 {most} 个月（最迟应于 {last.isoformat()} 结束）："
                       "不得以超长期限合同等形式以租代售、变相销售",
                       field="end_on")
    return Finding(ART43, "lease_term_max_met",
                   f"租赁期限 {_period(terms)} 共 {months} 个整月，不超过 {most} 个月", ok=True,
                   field="end_on")


def _rent(terms: LeaseTerms, on: date) -> tuple[Finding, ...]:
    if terms.filed_rate_per_m2 is None:
        return (Finding(ART37, "no_filed_rent_standard",
                        "该房源所在项目没有已备案的租金标准：租金标准须报市发改部门备案后执行，备案前不能签订租赁合同",
                        field="filed_rate_per_m2"),)
    return check_lease_rent(terms.monthly_rent, terms.building_area_m2, terms.filed_rate_per_m2, on).findings


def _other_fees(amount: Decimal) -> Finding:
    if not amount.is_finite() or amount < 0:
        return Finding(ART37, "other_fees_negative", f"其他费用 {fmt.yuan(amount)} 不是有效金额，应为 0",
                       field="other_fees")
    if amount > 0:
        return Finding(ART37, "other_fees_forbidden",
                       f"合同约定其他费用 {fmt.yuan(amount)}：不得违规收取其他费用，"
                       "不得擅自提高或变相提高租金",
                       field="other_fees")
    return Finding(ART37, "no_other_fees", "合同未约定租金和押金以外的其他费用", ok=True, field="other_fees")


def _deposit(amount: Decimal) -> Finding:
    if not amount.is_finite() or amount < 0:
        return Finding(ART37, "deposit_negative", f"押金 {fmt.yuan(amount)} 不是有效金额，应不小于 0",
                       field="deposit")
    return Finding(ART37, "deposit_allowed",
                   f"押金 {fmt.yuan(amount)}：可退还的押金不属于租金或其他费用，办法未规定上限", ok=True,
                   field="deposit")


def _prepaid(terms: LeaseTerms, months: int | None, on: date) -> list[Finding]:
    prepaid, monthly = terms.prepaid_rent, terms.monthly_rent
    if not prepaid.is_finite() or prepaid < 0:
        return [Finding(ART43, "prepaid_rent_negative",
                        f"预收租金 {fmt.yuan(prepaid)} 不是有效金额，应不小于 0", field="prepaid_rent")]
    if not (monthly.is_finite() and monthly > 0):
        return []
    findings = []
    if months is not None and months >= 1:
        whole = monthly * months
        how = f"月租金 {fmt.yuan(monthly)} × {months} 个月 = {fmt.yuan(whole)}"
        if prepaid >= whole:
            findings.append(Finding(ART43, "prepaid_whole_term",
                                    f"预收租金 {fmt.yuan(prepaid)} 达到租赁期限内全部租金（{how}）："
                                    "不得以一次性收取租赁期限内全部租金等形式以租代售、变相销售",
                                    field="prepaid_rent"))
        else:
            findings.append(Finding(ART43, "prepaid_less_than_whole_term",
                                    f"预收租金 {fmt.yuan(prepaid)} 少于租赁期限内全部租金（{how}）", ok=True,
                                    field="prepaid_rent"))
    most: int = value_at("prepaid_rent_months_max", on)
    cap = monthly * most
    how = f"月租金 {fmt.yuan(monthly)} × {most} 个月 = {fmt.yuan(cap)}"
    if prepaid > cap:
        findings.append(Finding(ART43, "prepaid_too_many_months",
                                f"预收租金 {fmt.yuan(prepaid)} 超过 {most} 个月租金（{how}）",
                                field="prepaid_rent"))
    else:
        findings.append(Finding(ART43, "prepaid_within_months_max",
                                f"预收租金 {fmt.yuan(prepaid)} 不超过 {most} 个月租金（{how}）", ok=True,
                                field="prepaid_rent"))
    return findings


def check_lease_terms(terms: LeaseTerms, on: date) -> Decision:
    """Every condition on a lease signed on ``on`` (第三十五条, 第三十六条, 第三十七条, 第四十三条)."""
    dates_valid = terms.end_on > terms.start_on
    months = term_months(terms.start_on, terms.end_on) if dates_valid else None
    findings: list[Finding] = [_dates(terms)]
    if months is not None:
        findings += [_term_min(terms, months, on), _term_max(terms, months, on)]
    findings += _rent(terms, on)
    findings.append(_other_fees(terms.other_fees))
    findings += _prepaid(terms, months, on)
    findings.append(_deposit(terms.deposit))
    return Decision.of(findings)


def renewal_window_opens(current_end_on: date, on: date) -> date:
    """The first day a renewal of a lease ending ``current_end_on`` may be requested (as of ``on``)."""
    days: int = value_at("renewal_window_days", on)
    return current_end_on - timedelta(days=days)


def renewal_window_ok(current_end_on: date, on: date) -> Decision:
    """Whether a renewal requested on ``on`` falls in the window before the current end (第三十五条)."""
    days: int = value_at("renewal_window_days", on)
    opens = renewal_window_opens(current_end_on, on)
    end, asked = current_end_on.isoformat(), on.isoformat()
    window = f"合同期满（{end}）前 {days} 日即 {opens.isoformat()} 起至期满当日"
    if on < opens:
        finding = Finding(ART35, "renewal_too_early",
                          f"续租申请可于{window}提出；{asked} 尚未到可申请日期", field="requested_on")
    elif on > current_end_on:
        finding = Finding(ART35, "renewal_after_end",
                          f"合同已于 {end} 期满，期满后不能续租，须重新申请配租", field="requested_on")
    else:
        finding = Finding(ART35, "renewal_window_open",
                          f"{asked} 在续租申请期内（{window}）；续租须经审查符合条件", ok=True,
                          field="requested_on")
    return Decision((finding,))


def renewal_terms(current_end_on: date, months: int) -> tuple[date, date]:
    """(start, end) of a renewal of ``months`` months: it starts the day after the current end."""
    if months < 1:
        raise ValueError("a renewal runs at least one month")
    start = current_end_on + _DAY
    return start, add_months(start, months) - _DAY
