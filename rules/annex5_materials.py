"""附件5 and 第二十五条: the materials a project must provide when applying for construction procedures.

第二十五条: “根据保障性租赁住房建设方式，办理建设手续时须分类提供不同的材料。新建类项目按国家规定提供报建
材料。改建、改造类项目按要求提供材料。”

附件5（改建、改造类项目提供材料目录）: “如非政府投资的保障性租赁住房项目，在‘江西省投资项目在线审批监管
平台’进行项目备案，不需办理可研批复及初步设计(含概算)审查。” … “既有建筑改造为保障性租赁住房，不涉及新增
建筑，使用性质未发生变更的，无需重新审批规划方案和核发建设工程规划许可证。”

第二十四条: “改造类项目（非特殊建设工程）…申报施工许可证时，施工图审查合格意见书不作为前置条件，实行告知
承诺制，容缺后补。消防、人防设计技术审查纳入施工图联合审查。”

Catalog reading: the checklist depends on government investment, on whether the project is a special
construction project for fire review, and on the construction-permit thresholds (investment ≤ 1,000,000
yuan or floor area ≤ 500 m², both inclusive, 《建筑工程施工许可管理办法》第二条) — either one exempts.
Reading: a non-special conversion is taken to meet 第二十四条's remaining conditions (no change to the main
structure, fire compartments or fire installations, as certified by the drawing designer); the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules import format as fmt
from rules.decision import Decision, Finding
from rules.params import value_at
from rules.project_facts import ConstructionMethod, ProjectFacts


@dataclass(frozen=True, slots=True)
class MaterialItem:
    code: str
    section: str
    title: str
    required: bool
    reason: str
    article: str
    # Uploaded with the application: submitting without it is refused (see
    # :data:`DUE_AT_APPLICATION`); the other required items are uploaded once obtained.
    due_at_application: bool = False


# Catalog reading (issue 21): which required items the developer uploads *before submitting*.
# The certificate itself opens the procedures of 立项、用地、规划、人防、施工、消防 (its text:
# “凭此认定书，有关部门单位给予办理立项、用地、规划、人防、施工、消防等手续”), so their approvals
# (项目备案/建议书批复、可研批复、初步设计、规划许可、施工许可、施工图与消防设计审查) come after
# certification and are uploaded when obtained. What precedes the application is the house's
# safety appraisal of a conversion (第二十九条: 改建、改造前应对房屋结构等安全性能进行鉴定).
DUE_AT_APPLICATION = frozenset({"feasibility_safety_appraisal"})


ANNEX = "附件5"
PROPOSAL = "一、项目建议书批复"
FEASIBILITY = "二、可行性研究报告批复"
PRELIMINARY = "三、初步设计（含概算）审查"
PLANNING = "四、规划许可"
PERMIT = "施工许可"
FIRE = "消防设计审查"

_PROPOSAL_ITEMS = (
    ("proposal_government_document", "市政府抄告或市政府有关文件、会议纪要"),
    ("proposal_certificate", "保障性租赁住房项目认定书"),
    ("proposal_fiscal_funding", "财政出资金额相关材料"),
    ("proposal_document", "项目建议书文本"),
)
_FEASIBILITY_ITEMS = (
    ("feasibility_energy_review", "节能审查意见"),
    ("feasibility_planning_opinion", "规划部门出具的意见书"),
    ("feasibility_cost_comparison", "与该项目同类型、已建成项目的投资情况分析比较报告"
                                    "（含建安工程费用和征地拆迁、管线迁改费用等，房建工程按每平方米计算）"),
    ("feasibility_proposal_approval", "项目建议书批复"),
    ("feasibility_report", "可行性研究报告文本"),
)
_PRELIMINARY_ITEMS = (
    ("preliminary_design_feasibility_approval", "可行性研究报告批复"),
    ("preliminary_design_document", "初步设计（含概算）文本"),
)

_GOVERNMENT = "政府投资项目，按照政府投资项目管理办法的有关规定须提供（附件5 一（一））"
_NOT_GOVERNMENT = ("非政府投资项目，在江西省投资项目在线审批监管平台进行项目备案，"
                   "不需办理可研批复及初步设计（含概算）审查（附件5 一（二））")


def _permit_exemption(facts: ProjectFacts, on: date) -> tuple[bool, str]:
    """Whether no construction permit is needed, and the reason with the numbers."""
    max_investment: Decimal = value_at("construction_permit_exempt_investment_max_yuan", on)
    max_area: Decimal = value_at("construction_permit_exempt_area_max_m2", on)
    investment, area = facts.total_investment_yuan, facts.total_floor_area_m2
    small_investment, small_area = investment <= max_investment, area <= max_area
    spent, spent_max = fmt.yuan_rounded(investment), fmt.yuan_rounded(max_investment)
    floor, floor_max = fmt.area(area), fmt.area(max_area)
    if small_investment or small_area:
        parts = []
        if small_investment:
            parts.append(f"工程投资额 {spent}不超过 {spent_max}")
        if small_area:
            parts.append(f"建筑面积 {floor} 不超过 {floor_max}")
        return True, "，且".join(parts) + "，无需办理施工许可证"
    return False, (f"工程投资额 {spent}超过 {spent_max}，且建筑面积 {floor} "
                   f"超过 {floor_max}，须办理施工许可证")


def missing_at_application(items: tuple[MaterialItem, ...], uploaded: set[str]) -> Decision:
    """附件5: every item due with the application must have been uploaded before submitting."""
    return Decision.of(
        Finding(item.article, "material_missing",
                f"缺少申报材料“{item.title}”（{item.section}）：请先上传后再提交", field="materials")
        for item in items if item.due_at_application and item.code not in uploaded)


def materials_checklist(facts: ProjectFacts, on: date) -> tuple[MaterialItem, ...]:
    """附件5 item by item for a conversion project; the statutory materials for a new build."""
    if facts.construction_method is not ConstructionMethod.conversion:
        return (MaterialItem("new_build_statutory_materials", "新建类项目", "按国家规定提供报建材料", True,
                             "新建类项目按国家规定提供报建材料，原则上按法定承诺时限进行审批（第二十五条）",
                             "第二十五条"),)
    gov = facts.government_invested
    items: list[MaterialItem] = []

    for code, title in _PROPOSAL_ITEMS:
        items.append(MaterialItem(code, PROPOSAL, title, gov,
                                  _GOVERNMENT if gov else "免于提供：" + _NOT_GOVERNMENT, ANNEX))
    items.append(MaterialItem(
        "proposal_online_filing", PROPOSAL, "在江西省投资项目在线审批监管平台进行项目备案", not gov,
        "免于备案：政府投资项目按项目建议书批复办理（附件5 一（一））" if gov else _NOT_GOVERNMENT, ANNEX))

    items.append(MaterialItem(
        "feasibility_safety_appraisal", FEASIBILITY,
        "有资质的第三方专业机构提供可以进行改建、改造的房屋安全鉴定检测报告", True,
        "存量房屋改建、改造前应对房屋结构等安全性能进行鉴定，改建、改造方案必须满足安全使用要求（第二十九条）；"
        "政府投资与否均须提供", "附件5；第二十九条",
        due_at_application="feasibility_safety_appraisal" in DUE_AT_APPLICATION))
    for code, title in _FEASIBILITY_ITEMS:
        items.append(MaterialItem(code, FEASIBILITY, title, gov,
                                  "政府投资项目须办理可行性研究报告批复（附件5 二）" if gov
                                  else "免于提供：" + _NOT_GOVERNMENT, ANNEX))
    for code, title in _PRELIMINARY_ITEMS:
        items.append(MaterialItem(code, PRELIMINARY, title, gov,
                                  "政府投资项目须办理初步设计（含概算）审查（附件5 三）" if gov
                                  else "免于提供：" + _NOT_GOVERNMENT, ANNEX))

    items.append(MaterialItem(
        "planning_permit", PLANNING, "规划方案审批和建设工程规划许可证", False,
        "免于办理：既有建筑改造为保障性租赁住房，不涉及新增建筑，使用性质未发生变更的，"
        "无需重新审批规划方案和核发建设工程规划许可证（附件5 四）；"
        "改建不改变原批准的土地用途、规划性质、房屋类型和建筑容量（第二十七条）",
        "附件5；第二十七条"))

    permit_exempt, permit_reason = _permit_exemption(facts, on)
    items.append(MaterialItem("construction_permit", PERMIT, "建筑工程施工许可证", not permit_exempt,
                              permit_reason, "附件5；《建筑工程施工许可管理办法》"))

    special = facts.special_fire_project
    if permit_exempt:
        drawing_required = False
        drawing_reason = f"免于提供：{permit_reason}，施工图审查合格意见书作为施工许可前置条件的要求不适用"
    elif special:
        drawing_required = True
        drawing_reason = ("特殊建设工程申报施工许可证时须提供施工图审查合格意见书；"
                          "告知承诺、容缺后补只适用于非特殊建设工程（第二十四条）")
    else:
        drawing_required = False
        drawing_reason = ("不作为前置条件：改造类项目（非特殊建设工程），"
                          "经施工图设计单位认定不涉及建筑主体结构变动，未改变原防火分区及消防设施的内部改造装修，"
                          "申报施工许可证时施工图审查合格意见书不作为前置条件，实行告知承诺制，容缺后补（第二十四条）")
    items.append(MaterialItem("construction_drawing_review", PERMIT, "施工图审查合格意见书", drawing_required,
                              drawing_reason, "第二十四条"))

    items.append(MaterialItem(
        "fire_design_review", FIRE, "消防设计审查意见", special,
        "特殊建设工程须取得消防设计审查意见；消防设计技术审查纳入施工图联合审查（第二十四条）" if special
        else "免于办理：非特殊建设工程，无需消防设计审查（第二十四条）", "第二十四条"))
    return tuple(items)
