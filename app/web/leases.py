"""Lease pages: the list (my project's, my own, my employer's), one lease with its QR code,
signing a lease for an approved application (operator), and the steps on one lease, each a
form on the lease page shown to the role that may take it in the lease's state:

* the tenant reports a home acquired and asks for a longer transition (第三十八条); the
  operator decides that request and renews the lease at term end (第三十五条);
* the employer invites members of staff to a unit it leases as a whole, withdraws an
  invitation not yet answered and records a placed person moving out (整体配租, 第三十一条;
  the person accepts or declines on their own page, ``app.web.tenant``);
* the operator and the office record a tenant's violation with a rectification deadline, mark
  it rectified, or terminate the lease when it was not rectified (第四十条).

Which forms the lease page shows is the transition table's answer: the lease's
``allowed_actions`` (``app.leases.workflows.LEASE``) and, per violation, ``VIOLATION``'s. Each
step parses its form into the API's schema and calls the API's service function
(:func:`_act`); a refusal re-renders the lease page with the errors beside that form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.approval.repository import get_project
from app.core import clock
from app.core.documents.qr import qr_svg
from app.core.errors import NotFound, ProblemError
from app.core.paging import MAX_LIMIT, Page
from app.leases import repository as lease_repo
from app.leases import service as leases
from app.leases import views as lease_views
from app.leases.enums import (
    RESERVING,
    ExtensionStatus,
    HomeAcquiredHow,
    LeaseKind,
    ViolationKind,
    ViolationStatus,
)
from app.leases.models import Lease
from app.leases.schemas import (
    ExtensionDecisionIn,
    ExtensionRequestIn,
    HomeAcquiredIn,
    LeaseIn,
    OccupantIn,
    RenewIn,
    TerminateIn,
    ViolationIn,
)
from app.operation import repository as operation_repo
from app.operation.enums import UnitStatus
from app.operation.service import rate_for
from app.tenants import repository as tenants_repo
from app.tenants import views as tenant_views
from app.tenants.enums import ApplicationStatus
from app.web.contracts import lease_contracts
from app.web.core import Form, attempt, page_router, redirect, render, require
from app.web.forms import FormState, Rename, from_form, optional, text
from app.web.pager import PAGE, next_url
from app.web.projects import project_page
from app.web.public import lease_url
from rules.art35_43_lease import renewal_window_opens
from rules.dates import add_months
from rules.identifiers import mask_id_number

router = page_router()
LEASE_READERS = (Role.developer, Role.tenant, Role.employer, Role.office, Role.auditor, Role.admin)
HOW = list(HomeAcquiredHow.labels().items())
VIOLATION_KINDS = [(k.value, k.label) for k in ViolationKind]
# Steps shown beside the item they act on (an occupant, a violation), not in the 办理 panel.
ITEM_STEPS = {"move_out"}
OCCUPANT_STEPS = ("withdraw", "move_out")  # an employer's, on one invitation or placement


@router.get("/leases", name="lease_list")
def lease_list(request: Request, session: SessionDep, cursor: int | None = None,
               waiting_cursor: int | None = None,
               user: User = require(*LEASE_READERS)) -> Response:
    """The leases the viewer may see, newest first (``cursor``), and for an operator the
    approved applications waiting to sign (``waiting_cursor``); 50 a page each."""
    found = lease_views.leases_page(session, user, lease_repo.leases(session, user, cursor=cursor,
                                                                    limit=PAGE))
    waiting = (_approved(session, user, cursor=waiting_cursor, limit=PAGE)
               if user.role == Role.developer else Page([], None))
    return render(request, "leases/list.html", {
        "leases": found.items, "waiting": waiting.items,
        "next_url": next_url(request, found.next_cursor),
        "waiting_next_url": next_url(request, waiting.next_cursor, "waiting_cursor")})


# ---- signing (the operator) ------------------------------------------------------------------

def _approved(session: Any, user: User, *, cursor: int | None = None,
              limit: int) -> Page[dict[str, Any]]:
    """The approved applications ``user`` may see, waiting for a lease, as views."""
    return tenant_views.applications_page(session, user, tenants_repo.applications(
        session, user, ApplicationStatus.approved, None, cursor=cursor, limit=limit))


def _sign_page(request: Request, session: Any, user: User, f: FormState,
               status_code: int = 200) -> Response:
    # the choices of one select: the newest approved applications (the list page pages them all)
    approved = _approved(session, user, limit=MAX_LIMIT).items
    chosen, unit_options = None, []
    application_id = f.value("application_id")
    if str(application_id).isdigit():
        found = tenants_repo.application(session, user, int(application_id))
        chosen = tenant_views.application_view(session, user, found)
        project = get_project(session, user, found.project_id)
        standard = operation_repo.in_force(session, project.id)
        for unit in operation_repo.units_page(session, project, cursor=None, limit=1000,
                                              status=UnitStatus.published):
            rate = rate_for(standard, unit.unit_type) if standard else None
            cap = (unit.building_area_m2 * rate).quantize(Decimal("0.01")) if rate else None
            unit_options.append((unit.id, f"{unit.building} {unit.number}（{unit.building_area_m2} m²"
                                 + (f"，月租金上限 {cap} 元）" if cap else "，无备案租金）"), cap))
    return render(request, "leases/new.html", {"f": f, "approved": approved, "chosen": chosen,
                                               "unit_options": unit_options}, status_code=status_code)


@router.get("/leases/new", name="lease_new")
def sign_form(request: Request, session: SessionDep, application_id: str = "",
              user: User = require(Role.developer)) -> Response:
    start = (clock.today().replace(day=1) + timedelta(days=32)).replace(day=1)
    end = add_months(start, 12) - timedelta(days=1)
    f = FormState({"application_id": application_id, "start_on": start.isoformat(),
                   "end_on": end.isoformat(), "prepaid_rent": "0", "deposit": "0"})
    return _sign_page(request, session, user, f)


@router.post("/leases/new", name="lease_create")
def sign(request: Request, session: SessionDep, form: Form,
         user: User = require(Role.developer)) -> Response:
    f = FormState.of(form)
    try:
        data = from_form(LeaseIn, {name: optional(form, name) for name in (
            "unit_id", "application_id", "start_on", "end_on", "monthly_rent")}
            | {name: optional(form, name) or "0" for name in ("prepaid_rent", "deposit")})
        lease = attempt(session, leases.create, session, user, data)
    except ValidationError as exc:
        return _sign_page(request, session, user, f.add_validation(exc), 422)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _sign_page(request, session, user, f.add_problem(exc),
                          exc.status if exc.status in (409, 422) else 422)
    return redirect(f"/leases/{lease.id}", request,
                    f"已订立租赁合同 {lease.number}：请出具合同文本，双方在线签署后生效")


# ---- one lease ---------------------------------------------------------------------------------

def _violations_of(session: Session, user: User, lease: Lease) -> list[dict[str, Any]]:
    """The lease's entries of its party's credit record (第四十一条): the tenant's, or for an
    employer lease the employer's, kept to this lease; each with the steps ``user`` may take
    on it (``allowed_actions``)."""
    return [lease_views.credit_entry(row, user) for row in lease_repo.lease_credit(session, lease)]


def _lease_page(request: Request, session: Session, user: User, lease_id: int,
                forms: dict[str, FormState] | None = None, status_code: int = 200,
                occupant_cursor: int | None = None, **extra: Any) -> Response:
    lease = lease_repo.get(session, user, lease_id)
    view = lease_views.lease_view(session, user, lease)
    actions = set(view["allowed_actions"])  # the transition table's answer for this viewer
    placed = (lease_views.occupants_page(lease_repo.occupants(session, lease, user, cursor=occupant_cursor,
                                                              limit=PAGE), lease, user)
              if lease.kind == LeaseKind.employer else Page([], None))
    occupants = placed.items
    violations = _violations_of(session, user, lease)
    shown = actions - ITEM_STEPS  # the forms on the page, by their name in ``forms``
    shown |= {f"{step}_{o['id']}" for o in occupants for step in OCCUPANT_STEPS
              if step in o["allowed_actions"]}
    shown |= {f"rectified_{v['violation_id']}" for v in violations if "rectified" in v["allowed_actions"]}
    today = clock.today()
    contracts = lease_contracts(session, user, lease.id)  # issue 16: its contract and supplements
    return render(request, "leases/detail.html", {
        "contracts": contracts,
        "may_issue_contract": (user.role == Role.developer and lease.status in RESERVING
                               and not any(c["kind"] == "contract" for c in contracts)),
        "lease": view, "qr": qr_svg(lease_url(view["verify_reference"])),
        "verify_path": f"/leases/{view['verify_reference']}/verify",
        "occupants": occupants, "violations": violations, "actions": actions,
        "occupants_next_url": (f"/leases/{lease.id}?occupant_cursor={placed.next_cursor}#occupants-title"
                               if placed.next_cursor is not None else None),
        "extension": {"until": lease.extension_requested_to, "reason": lease.extension_reason,
                      "status": lease.extension_status,
                      "label": ExtensionStatus.label_of(lease.extension_status or "")},
        "renewal_opens": renewal_window_opens(lease.end_on, today) if "renew" in actions else None,
        "open_violations": [(v["violation_id"], f"第 {v['violation_id']} 号：{v['kind_label']}，"
                             f"整改期限至 {v['rectify_by'].isoformat()}")
                            for v in violations if v["status"] == ViolationStatus.open],
        "violation_kinds": VIOLATION_KINDS, "how": HOW, "typed_id_number": None,
        "step_forms": bool(actions - ITEM_STEPS),  # the 办理 panel's forms
        "forms": forms or {}, "blank": FormState(),
        # a refusal of a step whose form the lease's state no longer shows: at the top
        "unshown": [f for name, f in (forms or {}).items() if name not in shown]} | extra,
        status_code=status_code)


@router.get("/leases/{lease_id:int}", name="lease_detail")
def lease_detail(request: Request, session: SessionDep, lease_id: int,
                 occupant_cursor: int | None = None,
                 user: User = require(*LEASE_READERS)) -> Response:
    """One lease (``occupant_cursor``: the page of its occupants to show, 50 a page)."""
    return _lease_page(request, session, user, lease_id, occupant_cursor=occupant_cursor)


def _fields(*names: str, **aliases: str) -> Rename:
    """Error paths of the schema or the service → this form's inputs (``aliases`` maps a
    service's field name to an input); any other field's error goes in the form's summary."""

    def rename(name: str) -> str:
        name = aliases.get(name, name)
        return name if name in names else ""

    return rename


def _own_tenancy(session: Session, user: User, lease_id: int) -> Lease:
    """The lease if ``user`` is its tenant (an occupant only reads it): 404 otherwise, as the
    service answers."""
    lease = lease_repo.get(session, user, lease_id)
    if lease.tenant_id != user.id:
        raise NotFound("未找到该租赁合同")
    return lease


def _act(request: Request, session: Session, user: User, lease_id: int, name: str, form: FormData,
         schema: type[BaseModel] | None, call: Callable[[Any], Any],
         success: Callable[[Any], tuple[str, str]], *, rename: Rename | None = None,
         confirm: str | None = None, scrub: Callable[[FormState], dict[str, Any]] | None = None,
         ) -> Response:
    """One step on a lease: 404 for a lease the viewer may not see (before the form is read);
    parse the form's fields into the API's ``schema``, call the service (``call``) in a
    savepoint; refused → the lease page again with the errors beside form ``name``; done →
    ``success(result)`` gives the page to go to and the message to show there. ``confirm``
    names a checkbox that must be ticked; ``scrub`` removes what must not be written back
    into the page and returns what the template shows instead."""
    lease_repo.get(session, user, lease_id)
    f = FormState.of(form)
    rename = rename or (lambda field: field)

    def again(status_code: int) -> Response:
        extra = scrub(f) if scrub else {}
        return _lease_page(request, session, user, lease_id, {name: f}, status_code, **extra)

    data = None
    try:
        if schema is not None:
            data = from_form(schema, _fields_of(form, *schema.model_fields))
    except ValidationError as exc:
        f.add_validation(exc, rename)
    if confirm and text(form, confirm) != "on":
        f.add(confirm, "请勾选确认后再办理")
        f.detail = "请更正下列标出的内容后再提交。"
    if f.invalid:
        return again(422)
    try:
        result = attempt(session, call, data)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc, rename)
        return again(exc.status if exc.status in (409, 422) else 422)
    url, message = success(result)
    return redirect(url, request, message)


def _fields_of(form: FormData, *names: str) -> dict[str, str]:
    """The fields filled in (a blank one is left out, so a required one reads 缺少必填项)."""
    return {n: v for n in names if (v := optional(form, n)) is not None}


# ---- the tenant: a home acquired, a longer transition (第三十八条) ---------------------------

@router.post("/leases/{lease_id:int}/home-acquired", name="lease_home_acquired")
def home_acquired(request: Request, session: SessionDep, lease_id: int, form: Form,
                  user: User = require(Role.tenant)) -> Response:
    """第三十八条: the tenant reports a home acquired; a 12-month transition follows."""
    _own_tenancy(session, user, lease_id)
    return _act(request, session, user, lease_id, "home_acquired", form, HomeAcquiredIn,
                lambda data: leases.home_acquired(session, user, lease_id, data),
                lambda lease: (f"/leases/{lease_id}", f"已登记取得住房，过渡期至 {lease.transition_ends_on}，"
                                                      f"合同于 {lease.ends_on} 终止"),
                rename=_fields("acquired_on", "how"))


@router.post("/leases/{lease_id:int}/transition-extension", name="lease_extension_request")
def extension_request(request: Request, session: SessionDep, lease_id: int, form: Form,
                      user: User = require(Role.tenant)) -> Response:
    """第三十八条 因特殊情况确需延长: the tenant asks the operator for a longer transition."""
    _own_tenancy(session, user, lease_id)
    return _act(request, session, user, lease_id, "request_extension", form, ExtensionRequestIn,
                lambda data: leases.request_extension(session, user, lease_id, data),
                lambda lease: (f"/leases/{lease_id}", f"已申请延长过渡期至 {lease.extension_requested_to}，"
                                                      "待运营单位审核"),
                rename=_fields("until", "reason", new_end="until"))


@router.post("/leases/{lease_id:int}/transition-extension/decision", name="lease_extension_decision")
def extension_decision(request: Request, session: SessionDep, lease_id: int, form: Form,
                       user: User = require(Role.developer)) -> Response:
    """The operator approves or refuses the tenant's request for a longer transition."""

    def done(lease: Lease) -> tuple[str, str]:
        if lease.extension_status == ExtensionStatus.approved:
            return (f"/leases/{lease_id}",
                    f"已同意延长过渡期至 {lease.transition_ends_on}，合同于 {lease.ends_on} 终止")
        return f"/leases/{lease_id}", "已不同意延长过渡期，已通知承租人"

    return _act(request, session, user, lease_id, "decide_extension", form, ExtensionDecisionIn,
                lambda data: leases.decide_extension(session, user, lease_id, data), done,
                rename=_fields("approve", "comment"))


# ---- the operator: renewal (第三十五条) --------------------------------------------------------

@router.post("/leases/{lease_id:int}/renew", name="lease_renew")
def renew(request: Request, session: SessionDep, lease_id: int, form: Form,
          user: User = require(Role.developer)) -> Response:
    """第三十五条: renewal at term end after a fresh eligibility check; on to the new lease."""
    return _act(request, session, user, lease_id, "renew", form, RenewIn,
                lambda data: leases.renew(session, user, lease_id, data),
                lambda new: (f"/leases/{new.id}", f"已续租：新合同 {new.number}，租期 {new.start_on} 至 "
                                                  f"{new.end_on}"),
                rename=_fields("months", "monthly_rent", "prepaid_rent", end_on="months"))


# ---- the employer: invitations and placements (整体配租) -------------------------------------

def _scrub_id_number(f: FormState) -> dict[str, Any]:
    """The 身份证 number typed is never written back into the page: shown masked only."""
    typed = str(f.values.pop("id_number", "") or "").strip()
    masked = mask_id_number(typed) if len(typed) >= 15 else None
    return {"typed_id_number": masked}


@router.post("/leases/{lease_id:int}/occupants", name="lease_occupant_add")
def occupant_add(request: Request, session: SessionDep, lease_id: int, form: Form,
                 user: User = require(Role.employer)) -> Response:
    """整体配租: the employer invites the holder of a 身份证 number (第三十一条); the page says
    the same whoever the number belongs to, and the invitation appears in the list as 待本人确认."""
    return _act(request, session, user, lease_id, "add_occupant", form, OccupantIn,
                lambda data: leases.invite_occupant(session, user, lease_id, data),
                lambda sent: (f"/leases/{lease_id}", sent),
                rename=_fields("id_number", "moved_in_on"), scrub=_scrub_id_number)


@router.post("/leases/{lease_id:int}/occupants/{occupant_id:int}/withdraw",
             name="lease_occupant_withdraw")
def occupant_withdraw(request: Request, session: SessionDep, lease_id: int, occupant_id: int,
                      form: Form, user: User = require(Role.employer)) -> Response:
    """The employer withdraws an invitation not yet answered."""
    return _act(request, session, user, lease_id, f"withdraw_{occupant_id}", form, None,
                lambda _: leases.withdraw_invitation(session, user, lease_id, occupant_id),
                lambda o: (f"/leases/{lease_id}", f"已撤回入住邀请（{o.id_number_masked}）"))


@router.post("/leases/{lease_id:int}/occupants/{occupant_id:int}/move-out", name="lease_occupant_move_out")
def occupant_move_out(request: Request, session: SessionDep, lease_id: int, occupant_id: int,
                      form: Form, user: User = require(Role.employer)) -> Response:
    """The employer records a member of staff moving out (the history is kept)."""
    return _act(request, session, user, lease_id, f"move_out_{occupant_id}", form, None,
                lambda _: leases.move_out(session, user, lease_id, occupant_id),
                lambda o: (f"/leases/{lease_id}", f"已登记职工于 {o.moved_out_on} 搬离"))


# ---- the operator and the office: violations, termination (第四十条) -------------------------

@router.post("/leases/{lease_id:int}/violations", name="lease_violation_record")
def violation_record(request: Request, session: SessionDep, lease_id: int, form: Form,
                     user: User = require(Role.developer, Role.office)) -> Response:
    """第四十条: a tenant's misuse of the unit, with a rectification deadline."""
    return _act(request, session, user, lease_id, "record_violation", form, ViolationIn,
                lambda data: leases.record_violation(session, user, lease_id, data),
                lambda v: (f"/leases/{lease_id}", f"已记录违规行为（{ViolationKind(v.kind).label}），"
                                                  f"整改期限至 {v.rectify_by}"),
                rename=_fields("kind", "description", "rectify_days"))


@router.post("/leases/{lease_id:int}/terminate", name="lease_terminate")
def terminate(request: Request, session: SessionDep, lease_id: int, form: Form,
              user: User = require(Role.developer, Role.office)) -> Response:
    """第四十条: the tenant did not rectify by the deadline — the lease ends, the unit is recovered."""
    return _act(request, session, user, lease_id, "terminate", form, TerminateIn,
                lambda data: leases.terminate(session, user, lease_id, data),
                lambda lease: (f"/leases/{lease_id}", f"已解除租赁合同 {lease.number}，房屋收回"),
                rename=_fields("violation_id", kind="violation_id", rectified="violation_id",
                               deadline="violation_id"),
                confirm="confirm")


@router.post("/violations/{violation_id:int}/rectified", name="violation_rectified")
def violation_rectified(request: Request, session: SessionDep, violation_id: int, form: Form,
                        user: User = require(Role.developer, Role.office)) -> Response:
    """A violation rectified (a tenant's, from the lease page; an operator's, from the project
    page): back to that page; refused → that page again with the message in form
    ``rectified_{violation_id}``."""
    violation = lease_repo.visible_violation(session, user, violation_id)
    lease_id, project_id = violation.lease_id, violation.project_id
    back = f"/leases/{lease_id}" if lease_id is not None else f"/projects/{project_id}"
    f = FormState.of(form)
    try:
        attempt(session, leases.rectified, session, user, violation_id)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc)
        status_code = exc.status if exc.status in (409, 422) else 422
        forms = {f"rectified_{violation_id}": f}
        if lease_id is not None:
            return _lease_page(request, session, user, lease_id, forms, status_code)
        return project_page(request, session, user, project_id, forms=forms, status_code=status_code)
    return redirect(back, request, f"已记录第 {violation_id} 号违规行为整改完成")
