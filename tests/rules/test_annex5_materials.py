from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal

import pytest

from rules.annex5_materials import MaterialItem, materials_checklist
from rules.project_facts import ConstructionMethod
from tests.rules.facts import conversion, project

ON = date(2024, 6, 1)

PROPOSAL_GOV = ["proposal_government_document", "proposal_certificate", "proposal_fiscal_funding",
                "proposal_document"]
FEASIBILITY_GOV = ["feasibility_energy_review", "feasibility_planning_opinion", "feasibility_cost_comparison",
                   "feasibility_proposal_approval", "feasibility_report"]
PRELIMINARY = ["preliminary_design_feasibility_approval", "preliminary_design_document"]
GOVERNMENT_ONLY = PROPOSAL_GOV + FEASIBILITY_GOV + PRELIMINARY
ALL_CODES = [*PROPOSAL_GOV, "proposal_online_filing", "feasibility_safety_appraisal", *FEASIBILITY_GOV,
             *PRELIMINARY, "planning_permit", "construction_permit", "construction_drawing_review",
             "fire_design_review"]


def checklist(**overrides: object) -> dict[str, MaterialItem]:
    items = materials_checklist(conversion(**overrides), ON)
    assert [i.code for i in items] == ALL_CODES   # stable order, every item listed
    return {i.code: i for i in items}


def required(items: dict[str, MaterialItem]) -> set[str]:
    return {code for code, item in items.items() if item.required}


@pytest.mark.parametrize("method", [m for m in ConstructionMethod if m is not ConstructionMethod.conversion])
def test_new_builds_follow_the_statutory_materials(method: ConstructionMethod) -> None:
    (item,) = materials_checklist(project(construction_method=method), ON)
    assert item == MaterialItem("new_build_statutory_materials", "新建类项目", "按国家规定提供报建材料", True,
                                item.reason, "第二十五条")
    assert "第二十五条" in item.reason


@pytest.mark.parametrize(("government", "special", "investment", "area", "expected"), [
    # Not government-invested, ordinary, large: filing, appraisal and the permit.
    (False, False, "20000000", "6000",
     {"proposal_online_filing", "feasibility_safety_appraisal", "construction_permit"}),
    # Government-invested adds 一(一), 二 2–6 and 三.
    (True, False, "20000000", "6000",
     {*GOVERNMENT_ONLY, "feasibility_safety_appraisal", "construction_permit"}),
    # A special construction project adds the drawing review and the fire design review.
    (False, True, "20000000", "6000",
     {"proposal_online_filing", "feasibility_safety_appraisal", "construction_permit",
      "construction_drawing_review", "fire_design_review"}),
    (True, True, "20000000", "6000",
     {*GOVERNMENT_ONLY, "feasibility_safety_appraisal", "construction_permit",
      "construction_drawing_review", "fire_design_review"}),
    # Small works need no permit, hence no drawing review for it; fire review still follows the project.
    (False, False, "1000000", "6000", {"proposal_online_filing", "feasibility_safety_appraisal"}),
    (False, True, "20000000", "500",
     {"proposal_online_filing", "feasibility_safety_appraisal", "fire_design_review"}),
    (True, False, "800000", "400", {*GOVERNMENT_ONLY, "feasibility_safety_appraisal"}),
])
def test_required_items_follow_the_facts(government: bool, special: bool, investment: str, area: str,
                                         expected: set[str]) -> None:
    items = checklist(government_invested=government, special_fire_project=special,
                      total_investment_yuan=Decimal(investment), total_floor_area_m2=Decimal(area))
    assert required(items) == expected
    assert all(item.reason for item in items.values())


@pytest.mark.parametrize(("investment", "area", "permit_required"), [
    ("1000000", "6000", False),       # exactly 1,000,000 yuan: exempt
    ("1000000.01", "6000", True),
    ("20000000", "500", False),       # exactly 500 m²: exempt
    ("20000000", "500.01", True),
    ("1000000.01", "500.01", True),   # both just above: required
    ("1000000", "500", False),
    ("999999.99", "499.99", False),
])
def test_construction_permit_thresholds(investment: str, area: str, permit_required: bool) -> None:
    items = checklist(total_investment_yuan=Decimal(investment), total_floor_area_m2=Decimal(area),
                      special_fire_project=True)
    permit = items["construction_permit"]
    assert permit.required is permit_required
    assert permit.article == "附件5；《建筑工程施工许可管理办法》"
    assert permit.section == "施工许可"
    assert "1,000,000.00 元" in permit.reason or "500.00 m²" in permit.reason
    assert items["construction_drawing_review"].required is permit_required   # special project
    if not permit_required:
        assert "无需办理施工许可证" in items["construction_drawing_review"].reason


def test_permit_reason_states_the_numbers() -> None:
    exempt = checklist(total_investment_yuan=Decimal("800000"), total_floor_area_m2=Decimal("6000"))
    assert exempt["construction_permit"].reason == (
        "工程投资额 800,000.00 元不超过 1,000,000.00 元，无需办理施工许可证")
    both = checklist(total_investment_yuan=Decimal("800000"), total_floor_area_m2=Decimal("300"))
    assert "800,000.00 元" in both["construction_permit"].reason
    assert "300.00 m² 不超过 500.00 m²" in both["construction_permit"].reason
    needed = checklist(total_investment_yuan=Decimal("1000000.01"), total_floor_area_m2=Decimal("500.01"))
    assert needed["construction_permit"].reason == (
        "工程投资额 1,000,000.01 元超过 1,000,000.00 元，"
        "且建筑面积 500.01 m² 超过 500.00 m²，须办理施工许可证")


@pytest.mark.parametrize("government", [True, False])
def test_safety_appraisal_is_always_required(government: bool) -> None:
    item = checklist(government_invested=government)["feasibility_safety_appraisal"]
    assert item.required
    assert item.article == "附件5；第二十九条"
    assert item.section == "二、可行性研究报告批复"
    assert "第二十九条" in item.reason and "鉴定" in item.reason


def test_not_government_invested_exemptions_cite_annex_5() -> None:
    items = checklist(government_invested=False)
    for code in GOVERNMENT_ONLY:
        assert not items[code].required
        assert "不需办理可研批复及初步设计（含概算）审查" in items[code].reason
        assert items[code].article == "附件5"
    assert items["proposal_online_filing"].title == "在江西省投资项目在线审批监管平台进行项目备案"
    assert items["proposal_online_filing"].required


def test_government_invested_items_and_sections() -> None:
    items = checklist(government_invested=True)
    assert items["proposal_government_document"].title == "市政府抄告或市政府有关文件、会议纪要"
    assert items["proposal_certificate"].title == "保障性租赁住房项目认定书"
    assert {items[c].section for c in PROPOSAL_GOV} == {"一、项目建议书批复"}
    assert {items[c].section for c in FEASIBILITY_GOV} == {"二、可行性研究报告批复"}
    assert {items[c].section for c in PRELIMINARY} == {"三、初步设计（含概算）审查"}
    assert not items["proposal_online_filing"].required


@pytest.mark.parametrize(("government", "special"), [(True, True), (False, False)])
def test_planning_permit_is_always_exempt(government: bool, special: bool) -> None:
    item = checklist(government_invested=government, special_fire_project=special)["planning_permit"]
    assert not item.required
    assert item.section == "四、规划许可"
    assert "无需重新审批规划方案和核发建设工程规划许可证" in item.reason and "第二十七条" in item.reason


def test_ordinary_project_drawing_review_and_fire_review_cite_article_24() -> None:
    items = checklist(special_fire_project=False)
    drawing, fire = items["construction_drawing_review"], items["fire_design_review"]
    assert not drawing.required and not fire.required
    assert "告知承诺制" in drawing.reason and "容缺后补" in drawing.reason and "第二十四条" in drawing.reason
    assert "非特殊建设工程" in fire.reason and "第二十四条" in fire.reason
    assert drawing.article == fire.article == "第二十四条"


def test_special_project_needs_the_fire_design_review() -> None:
    fire = checklist(special_fire_project=True)["fire_design_review"]
    assert fire.required and "特殊建设工程" in fire.reason and fire.title == "消防设计审查意见"


def test_items_are_immutable() -> None:
    item = checklist()["construction_permit"]
    with pytest.raises(FrozenInstanceError):
        item.required = False  # type: ignore[misc]
