"""第二十二条 and 第二十三条: withdrawing housing-provident-fund (住房公积金) money to pay the rent.

第二十二条: “支持承租人提取住房公积金支付房租，承租人连续足额缴存住房公积金满6个月，本人及配偶在市区无自有
住房的，可提取夫妻双方住房公积金支付房租。”
第二十三条: “承租人在租赁平台进行租赁的电子租赁合同可作为…提取住房公积金…的有效依据。”

Readings:

* “连续足额缴存…满6个月” is two conditions: the contributions are continuous and in full (``continuous``), and
  they number at least ``fund_contribution_months_min`` months (``contribution_months``).
* “本人及配偶在市区无自有住房”: neither owns housing in 市区. 市区 is the fund centre's area, not the
  中心城区 of 第四条, so the rule takes the answers as booleans; a tenant with no spouse passes False for
  the spouse.
* 第二十三条 makes the platform's electronic lease the valid basis of the withdrawal: a lease on the platform
  is required.
* The amount (“根据租金价格和租住住房面积，合理确定”) is the fund centre's and is not computed here.
* ``fund_contribution_months_min`` is looked up on ``on``, the day of the withdrawal application.
"""

from __future__ import annotations

from datetime import date

from rules.decision import Decision, Finding
from rules.params import value_at

ART22 = "第二十二条"
ART23 = "第二十三条"


def housing_fund_eligibility(contribution_months: int, continuous: bool, owns_home_in_urban_area: bool,
                             spouse_owns_home_in_urban_area: bool, has_platform_lease: bool,
                             on: date) -> Decision:
    """Whether a tenant may withdraw housing-fund money for rent on ``on``, every condition shown."""
    least: int = value_at("fund_contribution_months_min", on)
    findings = [
        Finding(ART22, "fund_contribution_continuous", "住房公积金连续足额缴存", ok=True, field="continuous")
        if continuous else
        Finding(ART22, "fund_contribution_not_continuous",
                "住房公积金未连续足额缴存：须连续足额缴存住房公积金方可提取支付房租", field="continuous"),
        Finding(ART22, "fund_contribution_months_met",
                f"已缴存住房公积金 {contribution_months} 个月，满 {least} 个月", ok=True,
                field="contribution_months")
        if contribution_months >= least else
        Finding(ART22, "fund_contribution_too_short",
                f"已缴存住房公积金 {contribution_months} 个月，不满 {least} 个月",
                field="contribution_months"),
        Finding(ART22, "tenant_owns_home_in_urban_area",
                "承租人本人在市区有自有住房，不能提取住房公积金支付房租", field="owns_home_in_urban_area")
        if owns_home_in_urban_area else
        Finding(ART22, "tenant_no_home_in_urban_area", "承租人本人在市区无自有住房", ok=True,
                field="owns_home_in_urban_area"),
        Finding(ART22, "spouse_owns_home_in_urban_area",
                "承租人配偶在市区有自有住房，不能提取住房公积金支付房租",
                field="spouse_owns_home_in_urban_area")
        if spouse_owns_home_in_urban_area else
        Finding(ART22, "spouse_no_home_in_urban_area", "承租人配偶在市区无自有住房（无配偶的视为无）",
                ok=True, field="spouse_owns_home_in_urban_area"),
        Finding(ART23, "platform_lease_present",
                "承租人在租赁平台签订的电子租赁合同可作为提取住房公积金的有效依据", ok=True,
                field="has_platform_lease")
        if has_platform_lease else
        Finding(ART23, "no_platform_lease",
                "承租人没有在租赁平台签订的租赁合同：提取住房公积金以平台电子租赁合同为依据",
                field="has_platform_lease"),
    ]
    return Decision.of(findings)
