"""第二十四条 and 附件1: which departments the office proposes to consult in the joint review
(联合审查), and why.

第二十四条: “……由市保租办组织相关部门进行联合审查……”
附件1 names each member department's duty, e.g. 市自然资源规划局 “落实保障性租赁住房项目用地和规划相关
政策”, 市发改委 “牵头指导项目审批（核准、备案），落实民用水电气价格政策”, 市财政局 “协调争取中央、省级财政资金
支持”, and for 市林业局、市农业农村局、市生态环境局、市城管局、市人防办、市应急局 “根据职责落实保障性租赁住房
项目审批验收相关政策”.

Catalog reading: the regulation does not list which departments review which project. The
proposal is read from the facts of the application that touch a department's duty in 附件1
(each proposal says which fact); it is only a proposal: the office adds or removes departments
before sending, and the change is recorded (who, what). A department no fact calls for (市林业局:
the application records no forest land; 市城管局) is offered but not proposed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.project_facts import BuildingType, ConstructionMethod, ProjectFacts

ARTICLE = "第二十四条、附件1"


@dataclass(frozen=True, slots=True)
class Proposal:
    """One department proposed for the joint review: its code (the department table's) and the
    fact of the application that calls for it."""

    code: str
    reason: str


def proposed_departments(facts: ProjectFacts) -> list[Proposal]:
    """The departments to propose for ``facts``, in a stable order, each with its reason."""
    method = facts.construction_method
    out = [
        Proposal("zhujian", "每个项目：工程质量安全监管（第二十八条）与房源审核确认（附件1）"),
        Proposal("ziranziyuan", f"每个项目：用地和规划政策（附件1），本项目建设方式为“{method.label}”"),
        Proposal("fagai", "每个项目：项目审批（核准、备案）与民用水电气价格（附件1）"),
    ]
    if facts.government_invested:
        out.append(Proposal("caizheng", "申请书填报为政府投资项目：财政出资与资金支持（附件1、附件5）"))
    if method != ConstructionMethod.conversion:
        out.append(Proposal("renfang", f"新建类项目（{method.label}）：人防工程配建审查（第二十四条）"))
    if facts.special_fire_project:
        out.append(Proposal("yingji", "申请书填报为消防审查的特殊建设工程：消防与安全（第二十四条、附件5）"))
    if method == ConstructionMethod.collective_land:
        out.append(Proposal("nongye", "利用集体经营性建设用地（第九条（一））：农村集体土地相关政策"))
    if facts.original_building_type in (BuildingType.factory, BuildingType.warehouse):
        out.append(Proposal("shengtai", f"原{facts.original_building_type.label}改建：原址环境与土壤状况"))
    return out
