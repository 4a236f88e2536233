"""第九条第（三）项: industrial-park supporting land.

第九条第（三）项: “利用产业园区工业项目配套建设行政办公及生活服务设施的用地面积占项目总用地面积的比例
上限可由 7% 提高到 15%，建筑面积占比上限相应提高，提高部分主要用于建设宿舍型保障性租赁住房，严禁建设
成套商品住宅”。

Reading: the ratio is supporting land ÷ the industrial project's land (15% passes); when it is above the
former 7% cap there is a 提高部分, and since the facts do not say which units stand on it, every unit type
must then be 宿舍型 — a 住宅型 (成套) unit type is refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rules import format as fmt
from rules.decision import Decision, Finding
from rules.params import value_at
from rules.project_facts import ConstructionMethod, ProjectFacts, UnitKind

ARTICLE = "第九条第（三）项"


def check_park_supporting_land(facts: ProjectFacts, on: date) -> Decision:
    """Supporting land ≤ 15% of the industrial project's land; above 7%, dormitories only."""
    if facts.construction_method is not ConstructionMethod.park_supporting_land:
        return Decision()
    industrial, supporting = facts.industrial_project_land_area_m2, facts.supporting_land_area_m2
    findings = []
    if industrial is None or industrial <= 0:
        findings.append(Finding(ARTICLE, "industrial_project_land_area_required",
                                "利用产业园区配套用地的项目须填写工业项目总用地面积（大于 0）",
                                field="industrial_project_land_area_m2"))
    if supporting is None or supporting <= 0:
        findings.append(Finding(ARTICLE, "supporting_land_area_required",
                                "利用产业园区配套用地的项目须填写配套用地面积（大于 0）",
                                field="supporting_land_area_m2"))
    if findings or industrial is None or supporting is None:
        return Decision.of(findings)

    ratio_max: Decimal = value_at("park_support_land_ratio_max", on)
    ratio_base: Decimal = value_at("park_support_land_ratio_base", on)
    ratio = supporting / industrial
    stated = (f"配套用地面积 {fmt.area(supporting)} 占工业项目用地面积 {fmt.area(industrial)} 的 "
              f"{fmt.share_percent(ratio, ratio_base, ratio_max)}")
    if ratio <= ratio_max:
        findings.append(Finding(ARTICLE, "park_support_land_ratio_within_max",
                                f"{stated}，不超过上限 {fmt.percent(ratio_max)}", ok=True))
    else:
        findings.append(Finding(ARTICLE, "park_support_land_ratio_exceeded",
                                f"{stated}，超过上限 {fmt.percent(ratio_max)}",
                                field="supporting_land_area_m2"))

    if ratio <= ratio_base:
        findings.append(Finding(ARTICLE, "park_support_land_within_base",
                                f"配套用地比例未超过原上限 {fmt.percent(ratio_base)}，没有提高部分",
                                ok=True))
        return Decision.of(findings)
    raised = (f"配套用地比例超过原上限 {fmt.percent(ratio_base)}，"
              "提高部分主要用于建设宿舍型保障性租赁住房，严禁建设成套商品住宅")
    residential = [(i, u) for i, u in enumerate(facts.unit_types) if u.kind is UnitKind.residential]
    for i, unit in residential:
        findings.append(Finding(ARTICLE, "park_raised_part_not_dormitory",
                                f"{raised}：户型“{unit.name}”为{unit.kind.label}，应为宿舍型",
                                field=f"unit_types[{i}].kind"))
    if not residential:
        findings.append(Finding(ARTICLE, "park_raised_part_dormitory",
                                f"{raised}：全部户型均为宿舍型", ok=True))
    return Decision.of(findings)
