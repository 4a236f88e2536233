"""第十二条, 第十三条, 第四十四条: the construction subsidy, paid once after publication, refunded on exit.

第十二条: “保障性租赁住房上级补助资金…由市保租办根据建设项目在租赁平台完成房源发布后一次性拨付。”
第十三条: “保障性租赁住房资金补助拨付后，建设单位须严格按照规定用途使用，不得截留、挤占、挪作他用。”
第四十四条: “产权（投资）或运营管理单位运营保障性租赁住房期限未满，无正当理由（或未经批准）退出…的，
取消其相关优惠政策，并退回所获得保障性租赁住房建设补助资金”.

Catalog reading: “完成房源发布” is the listing verified by 市住建 under 第三十条; the subsidy may be marked
paid on or after that day, exactly once. 第十三条 restricts the use of the money after payment; it gives
nothing to compute and is recorded with the payment, not checked here.

Reading of 第四十四条 (catalog: “refunded when a project leaves before its term or without approval”):
:func:`refund_required` is asked when a project leaves the 保障性租赁住房 sequence; a refund is due when a
subsidy was paid and the operation term was not completed *or* the exit was not approved. There, a finding
with ``ok=False`` (code ``subsidy_refund_due``) means “the obligation arises”, not that the caller erred.
第四十四条's unilateral termination of leases (单方中止租赁合同) is not modelled here.

Dates are bounded by their facts: a grant between the certificate's issue date and today
(:func:`check_subsidy_grant`), a payment between the listing's publication and today.
"""

from __future__ import annotations

from datetime import date

from rules.decision import Decision, Finding

ART12 = "第十二条"
ART44 = "第四十四条"


def check_subsidy_grant(granted_on: date, certified_on: date | None, today: date) -> Decision:
    """The day 市保租办 grants (核定) a subsidy (第十二条) lies between the day the project was
    recognised as 保障性租赁住房 (its 认定书) and today: the subsidy of 第十二条 is for such a
    project, and a grant cannot be dated in the future. One finding: the first bound broken, or
    the evidence that both hold."""
    granted = granted_on.isoformat()
    if granted_on > today:
        return Decision((Finding(ART12, "grant_date_in_future",
                                 f"核定日期 {granted} 不能晚于今天（{today.isoformat()}）",
                                 field="granted_on"),))
    if certified_on is not None and granted_on < certified_on:
        return Decision((Finding(ART12, "grant_before_certificate",
                                 f"核定日期 {granted} 早于项目认定书出具日期 {certified_on.isoformat()}："
                                 "保障性租赁住房补助资金须在项目认定后核定", field="granted_on"),))
    return Decision((Finding(ART12, "grant_date_valid", f"核定日期 {granted} 在项目认定之后、不晚于今天",
                             ok=True, field="granted_on"),))


def check_subsidy_payment(listing_verified_on: date | None, already_paid_on: date | None, paid_on: date,
                          today: date) -> Decision:
    """The subsidy may be marked paid on ``paid_on``: listing published by then, never paid, not future."""
    paid = paid_on.isoformat()
    findings = []
    if paid_on > today:
        findings.append(Finding(ART12, "payment_date_in_future",
                                f"拨付日期 {paid} 晚于今天 {today.isoformat()}", field="paid_on"))
    else:
        findings.append(Finding(ART12, "payment_date_valid", f"拨付日期 {paid} 不晚于今天", ok=True,
                                field="paid_on"))
    if listing_verified_on is None:
        findings.append(Finding(ART12, "listing_not_published",
                                "项目房源尚未在租赁平台完成发布（市住建部门审核确认），补助资金须在完成房源发布后拨付"))
    elif listing_verified_on > paid_on:
        findings.append(Finding(ART12, "listing_not_published",
                                f"项目房源于 {listing_verified_on.isoformat()} 才在租赁平台完成发布，"
                                f"拨付日期 {paid} 早于发布日期；补助资金须在完成房源发布后拨付"))
    else:
        verified = listing_verified_on.isoformat()
        findings.append(Finding(ART12, "listing_published", f"项目房源已于 {verified} 在租赁平台完成发布",
                                ok=True))
    if already_paid_on is not None:
        findings.append(Finding(ART12, "subsidy_already_paid",
                                f"补助资金已于 {already_paid_on.isoformat()} 拨付；"
                                "补助资金一次性拨付，不能再次拨付"))
    else:
        findings.append(Finding(ART12, "subsidy_not_yet_paid", "补助资金尚未拨付，本次为一次性拨付", ok=True))
    return Decision.of(findings)


def refund_required(paid_on: date | None, exit_approved: bool, operation_years_completed: bool) -> Decision:
    """Whether a project leaving the sequence must refund its subsidy (第四十四条).

    ``ok=False`` with code ``subsidy_refund_due`` means the refund obligation arises.
    """
    if paid_on is None:
        return Decision((Finding(ART44, "no_subsidy_paid", "项目未获得保障性租赁住房建设补助资金，无需退回",
                                 ok=True),))
    reasons = []
    if not operation_years_completed:
        reasons.append("运营期限未满")
    if not exit_approved:
        reasons.append("退出未经批准")
    if not reasons:
        return Decision((Finding(ART44, "subsidy_refund_not_due",
                                 f"项目运营期限已满且退出已经批准，"
                                 f"{paid_on.isoformat()} 拨付的建设补助资金无需退回",
                                 ok=True),))
    return Decision((Finding(ART44, "subsidy_refund_due",
                             f"项目{'且'.join(reasons)}，应退回 {paid_on.isoformat()} 拨付的"
                             "保障性租赁住房建设补助资金，并取消相关优惠政策"),))
