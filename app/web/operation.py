"""Project operation pages after certification: subsidies, transfers, unapproved exits,
operator violations (市保租办) and priority groups (the operator).

Each form sits on the project page (``templates/projects/_actions.html``) and posts here; the
route parses it into the API's schema and calls the API's service function through
:func:`app.web.projects.act`, so a refusal re-renders the project page with the errors beside
that form, and a project the viewer may not see answers 404 before the form is read.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.repository import get_project
from app.core.errors import NotFound
from app.leases import service as leases
from app.leases.schemas import OperatorViolationIn
from app.operation import repository as operation_repo
from app.operation import service as operation
from app.operation.schemas import SubsidyIn, SubsidyPayIn, TransferIn, UnapprovedExitIn
from app.tenants import applications
from app.tenants.schemas import PriorityGroupIn
from app.web.core import Form, page_router, require
from app.web.forms import Rename, from_form, optional, text
from app.web.projects import act

router = page_router()
OFFICE = require(Role.office)
# Fields whose schema name another form on the same page also uses (revoke's ``reason``, the
# subsidy's ``document_no``) carry a prefix on the page, so that every input's id is unique.
TRANSFER_FIELDS = {"reason": "transfer_reason", "document_no": "transfer_document_no"}
EXIT_FIELDS = {"reason": "exit_reason"}


def renamer(fields: dict[str, str]) -> Rename:
    """Schema and service field names → the form's field names (for the errors)."""
    return lambda name: fields.get(name, name)


def subsidy_project_id(session: Session, user: User, subsidy_id: int) -> int:
    """The project of a subsidy the viewer may see; a missing one and one outside the viewer's
    scope both answer the same 404."""
    project_id = operation_repo.subsidy_project_id(session, subsidy_id)
    try:
        if project_id is None:
            raise NotFound
        get_project(session, user, project_id)
    except NotFound:
        raise NotFound("未找到该补助记录") from None
    return project_id


# ---- subsidies (第十二、十三条) ------------------------------------------------------------------

@router.post("/projects/{project_id:int}/subsidies", name="project_subsidy_grant")
def grant_subsidy(request: Request, session: SessionDep, project_id: int, form: Form,
                  user: User = OFFICE) -> Response:
    """核定建设补助资金 (``POST /api/v1/projects/{id}/subsidies``)."""
    return act(request, session, user, project_id, "subsidy", form,
               lambda f: from_form(SubsidyIn, {
                   "amount_yuan": optional(f, "amount_yuan"), "source": text(f, "source"),
                   "document_no": text(f, "document_no"), "granted_on": optional(f, "granted_on")}),
               lambda data: operation.grant_subsidy(session, user, project_id, data),
               lambda s: f"已核定建设补助资金 {s.amount_yuan} 元（{s.document_no}）")


@router.post("/subsidies/{subsidy_id:int}/pay", name="subsidy_pay")
def pay_subsidy(request: Request, session: SessionDep, subsidy_id: int, form: Form,
                user: User = OFFICE) -> Response:
    """一次性拨付, only after the listing is verified (``POST /api/v1/subsidies/{id}/pay``, 第十二条)."""
    project_id = subsidy_project_id(session, user, subsidy_id)
    return act(request, session, user, project_id, f"subsidy_pay_{subsidy_id}", form,
               lambda f: from_form(SubsidyPayIn, {"paid_on": optional(f, "paid_on")}),
               lambda data: operation.pay_subsidy(session, user, subsidy_id, data),
               lambda s: f"已拨付建设补助资金 {s.amount_yuan} 元（{s.paid_on}）")


# ---- transfer of operation rights (第四十五条) ------------------------------------------------

@router.post("/projects/{project_id:int}/transfers", name="project_transfer")
def transfer(request: Request, session: SessionDep, project_id: int, form: Form,
             user: User = OFFICE) -> Response:
    """运营权转让 (``POST /api/v1/projects/{id}/transfers``)."""
    return act(request, session, user, project_id, "transfer", form,
               lambda f: from_form(TransferIn, {
                   "to_organization_id": optional(f, "to_organization_id"),
                   "reason": optional(f, "transfer_reason"),
                   "document_no": text(f, "transfer_document_no"),
                   "transferred_on": optional(f, "transferred_on")}),
               lambda data: operation.transfer_operation(session, user, project_id, data),
               lambda p: f"运营权已转让给{p.operator_unit_name}，受让单位不得改变保障性租赁住房用途",
               rename=renamer(TRANSFER_FIELDS))


# ---- unapproved exit (第四十四条) ----------------------------------------------------------------

@router.post("/projects/{project_id:int}/unapproved-exit", name="project_unapproved_exit")
def unapproved_exit(request: Request, session: SessionDep, project_id: int, form: Form,
                    user: User = OFFICE) -> Response:
    """Record an exit without approval (``POST /api/v1/projects/{id}/unapproved-exit``)."""
    return act(request, session, user, project_id, "unapproved_exit", form,
               lambda f: from_form(UnapprovedExitIn, {"found_on": optional(f, "found_on"),
                                                          "reason": text(f, "exit_reason")}),
               lambda data: operation.record_unapproved_exit(session, user, project_id, data),
               "已记录未经批准退出：优惠政策已取消，认定书已撤销，已拨付的补助资金须退回（第四十四条）",
               rename=renamer(EXIT_FIELDS))


# ---- operator violations (第四十六条, credit record 第四十一条) ---------------------------------

@router.post("/projects/{project_id:int}/operator-violations", name="project_operator_violation")
def operator_violation(request: Request, session: SessionDep, project_id: int, form: Form,
                       user: User = OFFICE) -> Response:
    """An operator's violation (``POST /api/v1/projects/{id}/violations``)."""
    return act(request, session, user, project_id, "operator_violation", form,
               lambda f: from_form(OperatorViolationIn, {
                   "kind": optional(f, "kind"), "description": text(f, "description"),
                   "rectify_days": optional(f, "rectify_days")}),
               lambda data: leases.record_operator_violation(session, user, project_id, data),
               lambda v: f"已记录运营单位违规行为，记入信用记录，限 {v.rectify_by} 前整改")


# ---- priority groups (第三十一条) --------------------------------------------------------------

@router.post("/projects/{project_id:int}/priority-groups", name="project_priority_group")
def priority_group(request: Request, session: SessionDep, project_id: int, form: Form,
                   user: User = require(Role.developer)) -> Response:
    """The operator declares a group leased to first (``POST /api/v1/projects/{id}/priority-groups``)."""
    return act(request, session, user, project_id, "priority_group", form,
               lambda f: from_form(PriorityGroupIn, {
                   "name": text(f, "name"), "kind": optional(f, "kind"), "rank": optional(f, "rank"),
                   "organization_ids": [v for v in f.getlist("organization_ids") if isinstance(v, str)]}),
               lambda data: applications.add_priority_group(session, user, project_id, data),
               lambda g: f"已设立优先配租组“{g.name}”（第 {g.rank} 顺位）",
               lists=("organization_ids",))
