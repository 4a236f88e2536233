"""第十四条 to 第十六条: the benefits a 保障性租赁住房项目认定书 unlocks, and the certificate's 租金要求.

第十四条: “保障性租赁住房建设免征城市基础设施配套费等各项行政事业性收费和政府性基金。”
第十五条: “住房租赁企业中的增值税一般纳税人向个人出租保障性租赁住房取得的全部出租收入，可以选择适用简易
计税方法，按照5%的征收率减按1.5%计算缴纳增值税…对企事业单位、社会团体以及其他组织向个人、专业化规模化
住房租赁企业出租保障性租赁住房的，减按4%的税率征收房产税。”
第十六条: “利用非居住存量土地和非居住存量房屋建设保障性租赁住房，取得保障性租赁住房项目认定书后，用水、
用电、用气价格按照居民标准执行。”
第三十七条: “原则上不高于同地段同品质市场租赁住房租金的90%…报市发改部门备案后执行。”

Reading: 第九条（一）–（四） (collective land, enterprise idle land, park supporting land, conversion) use
存量 non-residential land or buildings (第八条 calls them 存量土地和存量房屋) and get residential utility
prices; （五） newly supplied state land is not 存量 and does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules import format as fmt
from rules.params import value_at
from rules.project_facts import ConstructionMethod, ProjectFacts


@dataclass(frozen=True, slots=True)
class Benefit:
    code: str
    title: str
    article: str
    applies: bool
    detail: str


_STOCK_METHODS = frozenset({
    ConstructionMethod.collective_land,
    ConstructionMethod.enterprise_idle_land,
    ConstructionMethod.park_supporting_land,
    ConstructionMethod.conversion,
})


def _utility_prices(facts: ProjectFacts) -> Benefit:
    method = facts.construction_method
    title = "用水、用电、用气价格按照居民标准执行"
    if method in _STOCK_METHODS:
        detail = (f"项目{method.label}建设，属于利用非居住存量土地或非居住存量房屋建设，"
                  "取得认定书后用水、用电、用气价格按照居民标准执行")
        if method is ConstructionMethod.conversion:
            detail += "；项目退出保障性租赁住房序列时同步取消（第四十三条）"
        return Benefit("residential_utility_prices", title, "第十六条", True, detail)
    return Benefit("residential_utility_prices", title, "第十六条", False,
                   f"项目{method.label}建设，不属于利用非居住存量土地或非居住存量房屋建设，不适用第十六条")


def benefits(facts: ProjectFacts, on: date) -> tuple[Benefit, ...]:
    """The benefits listed on the certificate and the project page, in the order of the articles."""
    vat: Decimal = value_at("vat_simplified_rate", on)
    property_tax: Decimal = value_at("property_tax_rate", on)
    return (
        Benefit("fee_exemption", "免征行政事业性收费和政府性基金", "第十四条", True,
                "保障性租赁住房建设免征城市基础设施配套费等各项行政事业性收费和政府性基金；"
                "符合防空地下室易地建设条件的项目可减免防空地下室易地建设费"),
        Benefit("vat_simplified", "增值税简易计税优惠", "第十五条", True,
                f"住房租赁企业向个人出租保障性租赁住房取得的全部出租收入，可以选择适用简易计税方法，"
                f"按照 {fmt.percent(vat)} 的减按征收率计算缴纳增值税；"
                f"预缴的，按 {fmt.percent(vat)} 预征率预缴"),
        Benefit("property_tax", "房产税优惠税率", "第十五条", True,
                f"企事业单位、社会团体以及其他组织向个人、专业化规模化住房租赁企业出租保障性租赁住房的，"
                f"减按 {fmt.percent(property_tax)} 的税率征收房产税"),
        _utility_prices(facts),
    )


def rent_requirement(on: date) -> str:
    """The certificate's 租金要求 (附件3), with the cap in force on ``on``."""
    cap: Decimal = value_at("rent_cap_ratio", on)
    return (f"租金不高于同地段同品质市场租赁住房租金的{fmt.percent(cap)}，"
            "租金标准报市发改部门备案后执行（第三十六条、第三十七条）")
