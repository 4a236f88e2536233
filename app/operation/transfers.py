"""After certification: operation start (第四十三条) and transfer of operation rights (第四十五条)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organization, User
from app.approval.models import Project
from app.approval.service import transition
from app.approval.status import ProjectStatus
from app.core import clock
from app.core.errors import Conflict, InvalidInput
from app.operation.models import OperatorTransfer
from app.operation.schemas import OperationIn, TransferIn
from app.operation.units import operating_project
from rules.art43_44_exit import exit_allowed_from

S = ProjectStatus
TRANSFER_REASONS = {"merger": "合并", "restructuring": "重组", "equity_transfer": "股权转让",
                    "bankruptcy": "破产清算", "court_order": "人民法院生效法律文书"}


def start_operation(session: Session, user: User, project_id: int, data: OperationIn) -> Project:
    """投入运营: the 8-year operation period counts from this day (第四十三条)."""
    project = operating_project(session, user, project_id, lock=True)
    if project.operation_started_on is not None:
        raise Conflict(f"已于 {project.operation_started_on.isoformat()} 记录投入运营，不能重复记录")
    if data.started_on > clock.today():
        raise InvalidInput("投入运营日期不能晚于今天", field="started_on")
    project.operation_started_on = data.started_on
    transition(session, project, user, to=S(project.status), action="operation_started",
               details={"started_on": data.started_on.isoformat()})
    return project


def transfer(session: Session, user: User, project_id: int, data: TransferIn) -> Project:
    """运营权转让: the transferee keeps the use as affordable rental housing (第四十五条)."""
    project = operating_project(session, user, project_id, lock=True)
    target = session.get(Organization, data.to_organization_id)
    if target is None:
        raise InvalidInput("受让单位未在平台登记", field="to_organization_id")
    if target.id == project.organization_id:
        raise InvalidInput("受让单位与当前运营单位相同", field="to_organization_id")
    today = clock.today()
    on = data.transferred_on or today
    if on > today:
        raise InvalidInput("转让日期不能晚于今天", field="transferred_on")
    source = project.organization
    session.add(OperatorTransfer(project_id=project.id, from_organization_id=source.id,
                                 to_organization_id=target.id, reason=data.reason,
                                 document_no=data.document_no.strip(), transferred_on=on,
                                 recorded_by_id=user.id))
    project.organization_id = target.id
    project.operator_unit_name, project.operator_unit_uscc = target.name, target.uscc
    transition(session, project, user, to=S(project.status), action="operator_transferred",
               comment=f"运营权由{source.name}转让给{target.name}（{TRANSFER_REASONS[data.reason]}），"
                       "受让人不得改变保障性租赁住房用途（第四十五条）",
               details={"from": source.name, "to": target.name, "reason": data.reason})
    session.expire(project, ["organization"])
    return project


def operation_view(session: Session, project: Project) -> dict[str, Any]:
    transfers = list(session.scalars(select(OperatorTransfer).where(
        OperatorTransfer.project_id == project.id).order_by(OperatorTransfer.id)))
    ids = {project.organization_id} | {t.from_organization_id for t in transfers} | {
        t.to_organization_id for t in transfers}
    names = {oid: name for oid, name in session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(ids)))}
    return {
        "status": project.status, "status_label": S(project.status).label,
        "operator": names[project.organization_id],
        "operation_started_on": project.operation_started_on,
        "exit_allowed_from": (exit_allowed_from(project.operation_started_on, clock.today())
                              if project.operation_started_on else None),
        "transfers": [{"from_organization": names[t.from_organization_id],
                       "to_organization": names[t.to_organization_id], "reason": t.reason,
                       "reason_label": TRANSFER_REASONS[t.reason], "document_no": t.document_no,
                       "transferred_on": t.transferred_on} for t in transfers],
    }
