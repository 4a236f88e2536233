"""Public lotteries (第三十一条 公开、公平、公正).

When approved applicants of a project outnumber its available units, the office commits to a
random seed by publishing its SHA-256 hash together with the list of applicants and their
priority ranks; the draw then reveals the seed, and the order — priority groups first, then
HMAC-SHA256(seed, application id) — can be recomputed by anyone at
``GET /api/v1/lotteries/{id}/verify?seed=…``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.enums import IN_OPERATION
from app.approval.repository import get_project
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, RuleViolation
from app.tenants import repository
from app.tenants.enums import LotteryStatus
from app.tenants.models import Lottery
from app.tenants.workflows import LOTTERY
from rules import art31_lottery as art31
from rules.decision import Decision


def commit(session: Session, user: User, project_id: int) -> Lottery:
    """Publish the commitment (the seed's hash) and the list of applicants before the draw."""
    project = get_project(session, user, project_id, lock=True)
    if project.status not in IN_OPERATION:
        raise Conflict("项目不在保障性租赁住房序列中")
    if repository.lottery_waiting(session, project.id):
        raise Conflict("该项目已有一次尚未开奖的摇号")
    pending = [a for a in repository.waiting(session, project.id) if a.lottery_id is None]
    available = repository.units_available(session, project.id)
    if len(pending) <= available:
        raise Conflict(f"待配租申请 {len(pending)} 份未超过可配租房源 {available} 套，无需摇号")
    seed = art31.new_seed()
    lottery = Lottery(project_id=project.id, commitment=art31.commitment(seed), seed=seed,
                      applicants=[[str(a.id), a.priority_rank] for a in pending],
                      units_available=available, status=LotteryStatus.committed,
                      created_by_id=user.id)
    session.add(lottery)
    session.flush()
    for application in pending:
        application.lottery_id = lottery.id
    record(session, actor=user, action="lottery.committed", entity_type="lottery",
           entity_id=lottery.id, summary={"project_id": project.id, "commitment": lottery.commitment,
                                          "applicants": len(pending), "units": available})
    return lottery


def draw(session: Session, user: User, lottery_id: int) -> Lottery:
    """Reveal the seed and fix the order: priority groups first."""
    lottery = repository.lottery(session, lottery_id, lock=True)
    get_project(session, user, lottery.project_id)
    LOTTERY.check("draw", user, lottery)
    order = art31.draw(lottery.seed, [(key, rank) for key, rank in lottery.applicants])
    applications = repository.lottery_applications(session, lottery.id)
    for position, key in enumerate(order, start=1):
        applications[key].allocation_rank = position
    lottery.order, lottery.status, lottery.drawn_at = order, LotteryStatus.drawn, clock.now()
    record(session, actor=user, action="lottery.drawn", entity_type="lottery", entity_id=lottery.id,
           summary={"seed": lottery.seed, "commitment": lottery.commitment, "order": order})
    return lottery


def verify(lottery: Lottery, seed: str) -> Decision:
    """Recompute the published order from ``seed``; refused citing 第三十一条 if it does not hold."""
    if lottery.status != LotteryStatus.drawn or lottery.order is None:
        raise Conflict("该摇号尚未开奖，种子尚未公布")
    decision = art31.verify(seed, lottery.commitment,
                            [(key, rank) for key, rank in lottery.applicants], lottery.order)
    if not decision.ok:
        raise RuleViolation.from_decision(decision, "核验未通过：种子或顺序与公示不一致")
    return decision
