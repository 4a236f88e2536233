"""Public lotteries (第三十一条 公开、公平、公正).

When approved applicants of a project outnumber its available units, the office commits to a
random seed by publishing its SHA-256 hash together with the list of applicants and their
priority ranks; the draw then reveals the seed, and the order — priority groups first, then
HMAC-SHA256(seed, application id) — can be recomputed by anyone at
``GET /api/v1/lotteries/{id}/verify?seed=…``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.service import get_project
from app.approval.status import IN_OPERATION
from app.audit.service import record
from app.core import clock
from app.core.errors import Conflict, NotFound, RuleViolation
from app.tenants.applications import units_available, waiting
from app.tenants.models import Lottery, TenantApplication
from rules import art31_lottery as art31
from rules.decision import Decision


def commit(session: Session, user: User, project_id: int) -> Lottery:
    project = get_project(session, user, project_id, lock=True)
    if project.status not in IN_OPERATION:
        raise Conflict("项目不在保障性租赁住房序列中")
    if session.scalar(select(Lottery.id).where(Lottery.project_id == project.id,
                                               Lottery.status == "committed")):
        raise Conflict("该项目已有一次尚未开奖的摇号")
    pending = [a for a in waiting(session, project.id) if a.lottery_id is None]
    available = units_available(session, project.id)
    if len(pending) <= available:
        raise Conflict(f"待配租申请 {len(pending)} 份未超过可配租房源 {available} 套，无需摇号")
    seed = art31.new_seed()
    lottery = Lottery(project_id=project.id, commitment=art31.commitment(seed), seed=seed,
                      applicants=[[str(a.id), a.priority_rank] for a in pending],
                      units_available=available, created_by_id=user.id)
    session.add(lottery)
    session.flush()
    for application in pending:
        application.lottery_id = lottery.id
    record(session, actor=user, action="lottery.committed", entity_type="lottery",
           entity_id=lottery.id, summary={"project_id": project.id, "commitment": lottery.commitment,
                                          "applicants": len(pending), "units": available})
    return lottery


def draw(session: Session, user: User, lottery_id: int) -> Lottery:
    lottery = session.scalar(select(Lottery).where(Lottery.id == lottery_id).with_for_update())
    if lottery is None:
        raise NotFound("未找到该摇号")
    get_project(session, user, lottery.project_id)
    if lottery.status != "committed":
        raise Conflict("该摇号已开奖")
    order = art31.draw(lottery.seed, [(key, rank) for key, rank in lottery.applicants])
    applications = {str(a.id): a for a in session.scalars(select(TenantApplication).where(
        TenantApplication.lottery_id == lottery.id))}
    for position, key in enumerate(order, start=1):
        applications[key].allocation_rank = position
    lottery.order, lottery.status, lottery.drawn_at = order, "drawn", clock.now()
    record(session, actor=user, action="lottery.drawn", entity_type="lottery", entity_id=lottery.id,
           summary={"seed": lottery.seed, "commitment": lottery.commitment, "order": order})
    return lottery


def find(session: Session, lottery_id: int) -> Lottery:
    lottery = session.get(Lottery, lottery_id)
    if lottery is None:
        raise NotFound("未找到该摇号")
    return lottery


def public_view(lottery: Lottery) -> dict[str, Any]:
    """What anyone may see: the commitment and the list before the draw; seed and order after."""
    drawn = lottery.status == "drawn"
    return {"id": lottery.id, "project_id": lottery.project_id, "status": lottery.status,
            "commitment": lottery.commitment,
            "applicants": [(key, rank) for key, rank in lottery.applicants],
            "units_available": lottery.units_available, "committed_at": lottery.committed_at,
            "seed": lottery.seed if drawn else None, "order": lottery.order if drawn else None,
            "drawn_at": lottery.drawn_at}


def verify(lottery: Lottery, seed: str) -> Decision:
    """Recompute the published order from ``seed``; refused citing 第三十一条 if it does not hold."""
    if lottery.status != "drawn" or lottery.order is None:
        raise Conflict("该摇号尚未开奖，种子尚未公布")
    decision = art31.verify(seed, lottery.commitment,
                            [(key, rank) for key, rank in lottery.applicants], lottery.order)
    if not decision.ok:
        raise RuleViolation.from_decision(decision, "核验未通过：种子或顺序与公示不一致")
    return decision
