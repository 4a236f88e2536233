"""Demo plans and funds (issue 20): 住建's annual construction plan for the demo year, published,
with lines by district counting the demo's projects; a central subsidy received by 市保租办, an
allocation to the certified project and the payment of its one-time subsidy (already paid after
its listing by the demo's operation step, linked here to the fund it was drawn from); and the
report of the current month so the reports page has something to download."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.enums import EVER_CERTIFIED
from app.approval.models import Project
from app.core import clock
from app.operation.models import Subsidy
from app.planning import ledger, reports, service
from app.planning.enums import PeriodKind
from app.planning.schemas import EntryIn, FundIn, PlanIn, PlanLineIn


def seed_planning(session: Session, users: Callable[[str], User]) -> None:
    office, zhujian = users("office1"), users("zhujian1")
    today = clock.today()
    projects = list(session.scalars(select(Project).where(Project.status.in_(EVER_CERTIFIED))
                                    .order_by(Project.id)))
    by_district: dict[str, list[int]] = {}
    for p in projects:
        by_district.setdefault(p.district, []).append(p.id)
    lines = [PlanLineIn(district=d, target_units=300, target_area_m2=Decimal("15000.00"),
                        project_ids=by_district.get(d, [])) for d in ("昌江区", "珠山区")]
    lines.append(PlanLineIn(district="高新区", construction_method="park_supporting_land",
                            sourcing_channel="channel_2", target_units=200,
                            target_area_m2=Decimal("8000.00"), project_ids=by_district.get("高新区", [])))
    plan = service.create_plan(session, zhujian, PlanIn(
        kind="annual", title=f"{today.year} 年景德镇市中心城区保障性租赁住房年度建设计划",
        start_year=today.year,
        end_year=today.year, document_no=f"景住建字〔{today.year}〕6号", lines=lines))
    service.publish(session, zhujian, plan.id)

    received_on = max(today - timedelta(days=30), today.replace(month=1, day=1))
    fund = ledger.receive(session, office, FundIn(
        source="central_subsidy", document_no=f"赣财建〔{today.year}〕21号",
        title=f"{today.year} 年中央财政保障性租赁住房补助资金", amount_fen=800_000_000,
        received_on=received_on, year=today.year, plan_id=plan.id))
    subsidy = session.scalar(select(Subsidy).where(Subsidy.paid_on.is_not(None)).order_by(Subsidy.id))
    if subsidy is not None:
        ledger.post(session, office, fund.id, EntryIn(
            kind="allocation", project_id=subsidy.project_id, amount_fen=300_000_000, on=today,
            document_no="景保租办〔2026〕8号"))
        ledger.post(session, office, fund.id, EntryIn(kind="payment", subsidy_id=subsidy.id, on=today,
                                                      document_no=subsidy.document_no))
    reports.generate(session, office, reports.period(PeriodKind.month, today.year, today.month), office.id)
