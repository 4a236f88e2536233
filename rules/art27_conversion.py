"""第二十七条: the unit a conversion of non-residential buildings is applied for.

第二十七条: “商办类、科研教育类房屋改建应以地块、楼栋、单元或独立楼层为单位申请；厂房、仓储类改建应以
地块或楼栋为单位申请。”

Reading: 第二十七条 does not name 旅馆 (第九条第（四）项 does); a hotel is read as 商办类.
Only conversion projects (第九条第（四）项) are checked: for any other construction method an
original building type or application unit given by the applicant is irrelevant and ignored.
"""

from __future__ import annotations

from datetime import date

from rules.decision import Decision, Finding
from rules.project_facts import BuildingType, ConstructionMethod, Granularity, ProjectFacts

ARTICLE = "第二十七条"

_ANY = (Granularity.plot, Granularity.building, Granularity.unit, Granularity.floor)
_WHOLE = (Granularity.plot, Granularity.building)

# Building type → (the class 第二十七条 names it by, the units it may be applied for by).
_RULES: dict[BuildingType, tuple[str, tuple[Granularity, ...]]] = {
    BuildingType.commercial_office: ("商办类", _ANY),
    BuildingType.hotel: ("商办类", _ANY),
    BuildingType.research_education: ("科研教育类", _ANY),
    BuildingType.factory: ("厂房类", _WHOLE),
    BuildingType.warehouse: ("仓储类", _WHOLE),
}


def _allowed_text(allowed: tuple[Granularity, ...]) -> str:
    labels = [g.label for g in allowed]
    return "或".join(labels) if len(labels) <= 2 else "、".join(labels[:-1]) + "或" + labels[-1]


def check_conversion(facts: ProjectFacts, on: date) -> Decision:
    """A conversion names its original building type and an application unit that type allows."""
    if facts.construction_method is not ConstructionMethod.conversion:
        return Decision()
    kind, granularity = facts.original_building_type, facts.application_granularity
    findings = []
    if kind is None:
        findings.append(Finding(ARTICLE, "original_building_type_required",
                                "存量房屋改建项目须填写原房屋类型（商业办公、旅馆、科研教育、工业厂房或仓储）",
                                field="original_building_type"))
    if granularity is None:
        findings.append(Finding(ARTICLE, "application_granularity_required",
                                "存量房屋改建项目须填写申请单位（地块、楼栋、单元或独立楼层）",
                                field="application_granularity"))
    if kind is None or granularity is None:
        return Decision.of(findings)
    category, allowed = _RULES[kind]
    subject = f"原房屋类型为{kind.label}（{category}），改建应以{_allowed_text(allowed)}为单位申请"
    if granularity in allowed:
        return Decision((Finding(ARTICLE, "conversion_granularity_allowed",
                                 f"{subject}；本项目以{granularity.label}为单位申请，符合要求", ok=True,
                                 field="application_granularity"),))
    return Decision((Finding(ARTICLE, "conversion_granularity_not_allowed",
                             f"{subject}，不能以{granularity.label}为单位申请",
                             field="application_granularity"),))
