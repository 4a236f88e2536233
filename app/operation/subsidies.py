"""Construction subsidies (第十二、十三条): granted, paid once after the listing, refunded on exit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.models import Project
from app.approval.service import get_project, transition
from app.approval.status import ProjectStatus
from app.core import clock
from app.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from app.core.paging import Page, keyset
from app.operation.models import Subsidy
from app.operation.schemas import SubsidyIn, SubsidyPayIn
from app.operation.units import operating_project
from rules.art12_13_subsidy import check_subsidy_payment

S = ProjectStatus


def grant(session: Session, user: User, project_id: int, data: SubsidyIn) -> Subsidy:
    project = operating_project(session, user, project_id, lock=True)
    today = clock.today()
    granted_on = data.granted_on or today
    if granted_on > today:
        raise InvalidInput("核定日期不能晚于今天", field="granted_on")
    subsidy = Subsidy(project_id=project.id, amount_yuan=data.amount_yuan, source=data.source.strip(),
                      document_no=data.document_no.strip(), granted_on=granted_on,
                      granted_by_id=user.id)
    session.add(subsidy)
    session.flush()
    transition(session, project, user, to=S(project.status), action="subsidy_granted",
               details={"subsidy_id": subsidy.id, "amount_yuan": str(data.amount_yuan)})
    return subsidy


def pay(session: Session, user: User, subsidy_id: int, data: SubsidyPayIn) -> Subsidy:
    """一次性拨付, only once the project's units are published on the platform (第十二条)."""
    subsidy = session.scalar(select(Subsidy).where(Subsidy.id == subsidy_id).with_for_update())
    if subsidy is None:
        raise NotFound("未找到该补助记录")
    project = get_project(session, user, subsidy.project_id, lock=True)
    today = clock.today()
    paid_on = data.paid_on or today
    decision = check_subsidy_payment(project.listing_verified_on, subsidy.paid_on, paid_on, today)
    if not decision.ok:
        if any(v.code == "subsidy_already_paid" for v in decision.violations):
            raise Conflict("该补助资金已拨付，不能重复拨付（第十二条：一次性拨付）",
                           violations=decision.violations)
        raise RuleViolation.from_decision(decision)
    if project.status != S.certified:
        raise Conflict("项目已不在保障性租赁住房序列，不能拨付补助")
    subsidy.paid_on, subsidy.paid_by_id = paid_on, user.id
    transition(session, project, user, to=S(project.status), action="subsidy_paid",
               details={"subsidy_id": subsidy.id, "amount_yuan": str(subsidy.amount_yuan),
                        "paid_on": paid_on.isoformat()})
    return subsidy


def of_project(session: Session, project: Project) -> list[Subsidy]:
    return list(session.scalars(select(Subsidy).where(Subsidy.project_id == project.id)
                                .order_by(Subsidy.id)))


def subsidies_page(session: Session, project: Project, *, cursor: int | None,
                   limit: int) -> Page[Subsidy]:
    """The subsidies of a project, oldest first (keyset by id)."""
    return keyset(session, select(Subsidy).where(Subsidy.project_id == project.id), Subsidy.id,
                  cursor=cursor, limit=limit, descending=False)
