"""Demo upkeep: tenant1 has an urgent repair being worked on and a finished one waiting for
confirmation; dev1 has checked its project's fire safety and filed a fire emergency plan;
市住建局 has recorded the quality supervision at completion and an inspection whose
rectification is due. Photos and the plan are made here (a drawn picture, a one-page PDF) and
stored like any upload."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core import clock
from app.upkeep import repository, safety, service
from app.upkeep.media import Upload
from app.upkeep.schemas import (
    AssignIn,
    CompleteIn,
    InspectionIn,
    OptionalCommentIn,
    PlanIn,
    QualityIn,
    RepairIn,
    SafetyCheckIn,
)
from rules.dates import add_months


def _picture(text_color: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (480, 360), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 420, 300), outline=text_color, width=6)
    draw.line((60, 180, 420, 180), fill=text_color, width=4)
    draw.ellipse((210, 150, 270, 210), fill=text_color)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _plan_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setFont("STSong-Light", 16)
    sheet.drawString(72, 760, "昌江区青年人才公寓 火灾事故应急预案（演示）")
    sheet.setFont("STSong-Light", 11)
    for n, line in enumerate(("一、组织机构与职责", "二、报警与疏散", "三、初起火灾扑救",
                              "四、通讯联络：物业值班室 0798-0000000")):
        sheet.drawString(72, 720 - 24 * n, line)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def seed_upkeep(session: Session, users: Callable[[str], User]) -> None:
    tenant, dev, zhujian = users("tenant1"), users("dev1"), users("zhujian1")
    homes = repository.tenancies(session, tenant)
    if not homes:
        return
    _lease, unit, project = homes[0]
    today = clock.today()

    urgent = service.report(session, tenant, RepairIn(
        unit_id=unit.id, category="plumbing_electric", urgency="urgent",
        description="卫生间洗手台下水管接口漏水，地面有积水"),
        [Upload("漏水.jpg", _picture((29, 95, 167)), "photos[0]")])
    service.accept(session, dev, urgent.id, OptionalCommentIn(comment="已收到，今天下午上门查看"))
    service.assign(session, dev, urgent.id, AssignIn(worker="王师傅（物业维修）"))

    window = service.report(session, tenant, RepairIn(
        unit_id=unit.id, category="doors_windows", urgency="normal",
        description="卧室窗户把手松动，关不严"), [])
    service.accept(session, dev, window.id, OptionalCommentIn())
    service.assign(session, dev, window.id, AssignIn(worker="李师傅"))
    service.complete(session, dev, window.id, CompleteIn(note="已更换窗户把手并调整合页"))

    safety.record_check(session, dev, project.id, SafetyCheckIn(
        checked_on=today, fire_facilities="ok", equipment="ok", evacuation_routes="problem",
        safety_exits="ok", fire_lanes="ok", findings="2栋三楼疏散通道堆放纸箱，已当场清理"),
        [Upload("疏散通道.jpg", _picture((188, 64, 44)), "photos[0]")])
    safety.file_plan(session, dev, project.id, PlanIn(
        kind="fire", title="昌江区青年人才公寓火灾事故应急预案", review_on=add_months(today, 11)),
        Upload("火灾应急预案.pdf", _plan_pdf(), "file"))
    if project.completed_on is not None:
        safety.supervise_quality(session, zhujian, project.id, QualityIn(
            supervised_on=project.completed_on, structure_safe=True, fire_safe=True, result="passed",
            findings="竣工验收时抽查结构与消防设施，符合要求"))
    safety.inspect(session, zhujian, project.id, InspectionIn(
        inspected_on=today, result="rectify", rectify_by=today + timedelta(days=15),
        findings="1栋地下车库两具灭火器压力不足，须更换"), [])
