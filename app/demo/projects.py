"""Demo projects in several states, created through the workflow's own service functions."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.repository import find_department
from app.approval import materials, service
from app.approval.facts import facts_of
from app.approval.schemas import (
    AcceptIn,
    DispatchIn,
    LeaderDecisionIn,
    MaterialsIn,
    MeetingIn,
    OpinionIn,
    ProjectIn,
    SubmitIn,
)
from app.core import clock
from app.core.media import Upload
from app.operation import service as operation
from app.operation.schemas import (
    AppraisalIn,
    OperationIn,
    RateIn,
    RentFilingIn,
    RentStandardIn,
    SubsidyIn,
    SubsidyPayIn,
    UnitIn,
)
from rules.annex5_materials import materials_checklist


def _application(name: str, district: str, org: User, **overrides: Any) -> ProjectIn:
    assert org.organization is not None
    data: dict[str, Any] = {
        "name": name, "address": f"景德镇市{district}示范路 1 号", "district": district,
        "construction_unit_name": org.organization.name,
        "construction_unit_uscc": org.organization.uscc,
        "operator_unit_name": org.organization.name, "operator_unit_uscc": org.organization.uscc,
        "property_certificate_no": "赣(2025)景德镇市不动产权第0001001号", "land_nature": "国有出让",
        "land_area_m2": "6000.00", "total_floor_area_m2": "15000.00",
        "total_investment_yuan": "42000000.00", "construction_method": "conversion",
        "sourcing_channel": "channel_4", "original_building_type": "commercial_office",
        "application_granularity": "building", "government_invested": False,
        "special_fire_project": False, "planned_start": "2026-03", "planned_in_use": "2027-06",
        "affordable_floor_area_m2": "12000.00", "unit_count": 236,
        "supporting_facilities_area_m2": "800.00",
        "supporting_facilities_content": "公共厨房、自助洗衣房、共享会客厅、健身活动室",
        "unit_types": [
            {"name": "一室户", "kind": "residential", "building_area_m2": "36.00", "count": 160},
            {"name": "一室一厅", "kind": "residential", "building_area_m2": "52.00", "count": 60},
            {"name": "两室一厅", "kind": "residential", "building_area_m2": "78.00", "count": 16},
        ],
        "commitment_accepted": True,
    }
    return ProjectIn(**(data | overrides))


def _operate(session: Session, project_id: int, dev: User, office: User, zhujian: User,
             fagai: User) -> None:
    """Carry a certified project through listing, rent filing, operation and its subsidy."""
    today = clock.today()
    operation.record_completion(session, dev, project_id, today - timedelta(days=10))
    layout = [("一室户", "36.00", 160), ("一室一厅", "52.00", 60), ("两室一厅", "78.00", 16)]
    batch = []
    for unit_type, area, count in layout:
        for _ in range(count):
            n = len(batch)
            batch.append(UnitIn(building=f"{n // 80 + 1}栋", floor=n % 80 // 8 + 2,
                                number=f"{n % 80 // 8 + 2}{n % 8 + 1:02d}",
                                building_area_m2=Decimal(area), kind="residential",
                                unit_type=unit_type))
    operation.register_units(session, dev, project_id, batch)
    operation.submit_listing(session, dev, project_id)
    operation.verify_listing(session, zhujian, project_id)
    appraisal = operation.record_appraisal(session, zhujian, project_id, AppraisalIn(
        appraiser="江西赣信房地产土地资产评估有限公司", report_no="赣信评字〔2026〕第0317号",
        appraised_on=today - timedelta(days=5), market_rent_per_m2=Decimal("28.00")))
    standard = operation.propose_rent_standard(session, dev, project_id, RentStandardIn(
        appraisal_id=appraisal.id, rates=[RateIn(rate_per_m2=Decimal("25.00"))]))
    operation.file_rent_standard(session, fagai, standard.id,
                                 RentFilingIn(filing_no="景发改价备〔2026〕12号"))
    operation.start_operation(session, dev, project_id, OperationIn(started_on=today))
    subsidy = operation.grant_subsidy(session, office, project_id, SubsidyIn(
        amount_yuan=Decimal("2360000.00"), source="中央补助资金", document_no="景保租办〔2026〕8号"))
    operation.pay_subsidy(session, office, subsidy.id, SubsidyPayIn())


def _document_pdf(title: str) -> bytes:
    """A one-page PDF standing in for a paper document of the demo."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from app.core.documents.fonts import cjk_font_name

    font = cjk_font_name()
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setFont(font, 16)
    sheet.drawString(72, 760, f"{title}（演示）")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _attach_due_materials(session: Session, dev: User, project_id: int) -> None:
    """Upload the 附件5 items due with the application (the safety appraisal of a conversion)."""
    project = service.get_project(session, dev, project_id)
    for item in materials_checklist(facts_of(project), clock.today()):
        if item.due_at_application:
            materials.upload(session, dev, project_id, item.code,
                             Upload(f"{item.title}.pdf", _document_pdf(item.title), "file"))


def seed_projects(session: Session, users: Callable[[str], User]) -> None:
    dev1, dev2, office, leader = users("dev1"), users("dev2"), users("office1"), users("leader1")
    reviewers = {code: users(f"{code}1") for code in ("zhujian", "fagai", "ziranziyuan")}
    dept_ids = [find_department(session, code).id for code in reviewers]  # type: ignore[union-attr]

    def through_review(project_id: int, *, answer: bool = True) -> None:
        _attach_due_materials(session, dev1, project_id)
        service.submit(session, dev1, project_id, SubmitIn())
        service.accept(session, office, project_id, AcceptIn())
        service.dispatch(session, office, project_id, DispatchIn(department_ids=dept_ids))
        if answer:
            for reviewer in reviewers.values():
                service.record_opinion(session, reviewer, project_id,
                                       OpinionIn(opinion="approve", comment="同意"))

    certified = service.create_project(session, dev1, _application("昌江区青年人才公寓", "昌江区", dev1))
    through_review(certified.id)
    service.record_meeting(session, office, certified.id,
                           MeetingIn(decision="pass", minutes="评审会一致同意列入建设计划"))
    service.leader_decision(session, leader, certified.id,
                            LeaderDecisionIn(approve=True, comment="同意认定"))
    _operate(session, certified.id, dev1, office, reviewers["zhujian"], reviewers["fagai"])

    reviewing = service.create_project(session, dev1, _application("珠山区陶溪川人才驿站", "珠山区", dev1,
                                                                    unit_count=120, unit_types=[
        {"name": "一室户", "kind": "residential", "building_area_m2": "42.00", "count": 120}]))
    through_review(reviewing.id, answer=False)
    service.record_opinion(session, reviewers["zhujian"], reviewing.id,
                           OpinionIn(opinion="approve", comment="符合房屋安全要求"))

    waiting = service.create_project(session, dev1, _application("昌南新区高校青年公寓", "昌南新区", dev1))
    through_review(waiting.id, answer=False)
    service.request_materials(session, office, waiting.id, MaterialsIn(
        items=["房屋安全鉴定检测报告"], comment="请补充有资质第三方出具的房屋安全鉴定检测报告"))

    park = _application("高新区产业园区员工宿舍", "高新区", dev2,
                        construction_method="park_supporting_land", sourcing_channel="channel_2",
                        original_building_type=None, application_granularity=None,
                        industrial_project_land_area_m2="200000.00",
                        supporting_land_area_m2="26000.00", unit_count=400,
                        unit_types=[{"name": "四人间宿舍", "kind": "dormitory",
                                     "building_area_m2": "28.00", "count": 400}])
    submitted = service.create_project(session, dev2, park)
    _attach_due_materials(session, dev2, submitted.id)
    service.submit(session, dev2, submitted.id, SubmitIn())

    service.create_project(session, dev2, _application("珠山区老城区改造公寓（草稿）", "珠山区", dev2,
                                                       commitment_accepted=False))
