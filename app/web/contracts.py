"""Contract pages (issue 16): the contract of a lease and its supplements — the operator issues,
revises, sends and countersigns; the tenant (or the employer) reads and signs with their
password; both download the PDF; the tenant asks for 租赁备案证明 — and 市保租办's templates,
plus the two public checks (the contract's QR target and the proof's).

The forms shown are the transition table's answer (``allowed_actions`` of
:data:`app.contracts.workflows.CONTRACT`); each parses into the API's schema and calls the
API's service function. A signature's password is checked outside the step's savepoint, so a
wrong one is counted with the failed logins even though the page answers with the form again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts.deps import SessionDep
from app.accounts.enums import Role
from app.accounts.models import User
from app.contracts import repository, service, views
from app.contracts.documents import render_contract_pdf, render_proof_pdf
from app.contracts.enums import ProofPurpose
from app.contracts.schemas import ContractIn, ProofIn, ReviseIn, SignIn, SupplementIn, TemplateIn
from app.core.db import offload
from app.core.documents.qr import qr_svg
from app.core.errors import NotFound, ProblemError
from app.core.paging import Page
from app.leases import repository as lease_repo
from app.web.core import Form, OptionalUser, attempt, page_router, redirect, render, require
from app.web.forms import FormState, from_form, optional
from app.web.pager import PAGE, next_url

router = page_router()
READERS = (Role.developer, Role.tenant, Role.employer, Role.office, Role.auditor, Role.admin)
TEMPLATE_READERS = (Role.office, Role.developer, Role.auditor, Role.admin)
PURPOSES = list(ProofPurpose.labels().items())


def lease_contracts(session: Session, user: User, lease_id: int) -> list[dict[str, Any]]:
    """The contract and supplements of a lease ``user`` may see (for the lease page)."""
    return views.contract_views(session, user, repository.of_lease(session, user, lease_id))


def _fields(form: FormData, *names: str) -> dict[str, str]:
    return {n: v for n in names if (v := optional(form, n)) is not None}


def _page(request: Request, session: Session, user: User, contract_id: int,
          forms: dict[str, FormState] | None = None, status_code: int = 200) -> Response:
    contract = repository.get(session, user, contract_id)
    view = views.contract_view(session, user, contract)
    lease = lease_repo.get(session, user, contract.lease_id)
    proofs: Page[dict[str, Any]] = Page([], None)
    if user.role in (Role.tenant, Role.employer, Role.office, Role.auditor, Role.admin, Role.developer):
        proofs = views.proofs_page(session, repository.proofs(session, user, lease.id, cursor=None,
                                                              limit=PAGE))
    return render(request, "contracts/detail.html", {
        "c": view, "lease": lease, "actions": set(view["allowed_actions"]), "purposes": PURPOSES,
        "proofs": proofs.items if view["kind"] == "contract" else [],
        "qr": qr_svg(view["verify_url"]), "forms": forms or {}, "blank": FormState()},
        status_code=status_code)


@router.get("/contracts/{contract_id:int}", name="contract_detail")
def contract_detail(request: Request, session: SessionDep, contract_id: int,
                    user: User = require(*READERS)) -> Response:
    return _page(request, session, user, contract_id)


def _step(request: Request, session: Session, user: User, contract_id: int, name: str, form: FormData,
          schema: type[BaseModel] | None, call: Callable[[Any], Any],
          done: Callable[[Any], tuple[str, str]], *, password: bool = False) -> Response:
    """One step: 404 first; parse; (password check, committed even when refused); the service
    call in a savepoint; refused → the contract page again with the errors beside form ``name``."""
    repository.get(session, user, contract_id)
    f = FormState.of({k: v for k, v in form.items() if k != "password"})
    data = None
    try:
        if schema is not None:
            data = from_form(schema, _fields(form, *schema.model_fields))
    except ValidationError as exc:
        f.add_validation(exc)
        return _page(request, session, user, contract_id, {name: f}, 422)
    try:
        if password:
            service.confirm_password(session, user, str(form.get("password", "")),
                                     request.client.host if request.client else None)
        result = attempt(session, call, data)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc)
        return _page(request, session, user, contract_id, {name: f},
                     exc.status if exc.status in (409, 422, 429) else 422)
    url, message = done(result)
    return redirect(url, request, message)


@router.post("/leases/{lease_id:int}/contract", name="contract_issue")
def issue(request: Request, session: SessionDep, lease_id: int, form: Form,
          user: User = require(Role.developer)) -> Response:
    """The operator drafts the contract of a lease (from the lease page)."""
    lease_repo.get(session, user, lease_id)
    f = FormState.of(form)
    try:
        data = from_form(ContractIn, {"lease_id": str(lease_id)} | _fields(
            form, "payment_period_months", "safety_terms"))
        contract = attempt(session, service.issue, session, user, data)
    except ValidationError as exc:
        f.add_validation(exc)
        return _issue_again(request, lease_id, f)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        f.add_problem(exc)
        return _issue_again(request, lease_id, f)
    return redirect(f"/contracts/{contract.id}", request,
                    f"已草拟合同文本 {contract.number}，请核对后发送承租人签署")


def _issue_again(request: Request, lease_id: int, f: FormState) -> Response:
    return render(request, "contracts/issue.html", {"lease_id": lease_id, "f": f}, status_code=422)


@router.post("/contracts/{contract_id:int}/send", name="contract_send")
def send(request: Request, session: SessionDep, contract_id: int, form: Form,
         user: User = require(Role.developer)) -> Response:
    return _step(request, session, user, contract_id, "send", form, None,
                 lambda _: service.send(session, user, contract_id),
                 lambda c: (f"/contracts/{c.id}", "已发送承租人签署"))


@router.post("/contracts/{contract_id:int}/revise", name="contract_revise")
def revise(request: Request, session: SessionDep, contract_id: int, form: Form,
           user: User = require(Role.developer)) -> Response:
    return _step(request, session, user, contract_id, "revise", form, ReviseIn,
                 lambda data: service.revise(session, user, contract_id, data),
                 lambda c: (f"/contracts/{c.id}", "已修改合同草稿（文本摘要已变更）"))


@router.post("/contracts/{contract_id:int}/sign", name="contract_sign")
def sign(request: Request, session: SessionDep, contract_id: int, form: Form,
         user: User = require(Role.tenant, Role.employer)) -> Response:
    """The tenant signs the text shown (its SHA-256 travels in the form) with their password."""
    return _step(request, session, user, contract_id, "sign", form, SignIn,
                 lambda data: service.sign(session, user, contract_id, data),
                 lambda c: (f"/contracts/{c.id}", "已签署，待运营单位签署后生效"), password=True)


@router.post("/contracts/{contract_id:int}/countersign", name="contract_countersign")
def countersign(request: Request, session: SessionDep, contract_id: int, form: Form,
                user: User = require(Role.developer)) -> Response:
    return _step(request, session, user, contract_id, "countersign", form, SignIn,
                 lambda data: service.countersign(session, user, contract_id, data),
                 lambda c: (f"/contracts/{c.id}", "已签署，合同生效"), password=True)


@router.post("/contracts/{contract_id:int}/supplements", name="contract_supplement")
def supplement(request: Request, session: SessionDep, contract_id: int, form: Form,
               user: User = require(Role.developer)) -> Response:
    return _step(request, session, user, contract_id, "supplement", form, SupplementIn,
                 lambda data: service.supplement(session, user, contract_id, data),
                 lambda c: (f"/contracts/{c.id}", f"已草拟补充协议 {c.number}"))


@router.post("/contracts/{contract_id:int}/proofs", name="contract_proof")
def proof(request: Request, session: SessionDep, contract_id: int, form: Form,
          user: User = require(Role.tenant, Role.employer)) -> Response:
    return _step(request, session, user, contract_id, "proof", form, ProofIn,
                 lambda data: service.issue_proof(session, user, contract_id, data),
                 lambda p: (f"/contracts/{contract_id}",
                            f"已开具租赁备案证明（核验码 {p.code}，有效期至 {p.valid_until}）"))


def _close(request: Request, session: Session, user: User, contract_id: int, form: FormData,
           action: str) -> Response:
    return _step(request, session, user, contract_id, action, form, None,
                 lambda _: service.close(session, user, contract_id, action),
                 lambda c: (f"/contracts/{c.id}", "已登记合同状态"))


@router.post("/contracts/{contract_id:int}/renewed", name="contract_renewed")
def close_renewed(request: Request, session: SessionDep, contract_id: int, form: Form,
                  user: User = require(Role.developer, Role.office)) -> Response:
    """已生效 → 已续签, once the lease was renewed."""
    return _close(request, session, user, contract_id, form, "close_renewed")


@router.post("/contracts/{contract_id:int}/ended", name="contract_ended")
def close_ended(request: Request, session: SessionDep, contract_id: int, form: Form,
                user: User = require(Role.developer, Role.office)) -> Response:
    """已生效 → 已终止, once the lease ended."""
    return _close(request, session, user, contract_id, form, "close_ended")


@router.get("/contracts/{contract_id:int}/document.pdf", name="contract_pdf")
def contract_pdf(request: Request, session: SessionDep, contract_id: int,
                 user: User = require(*READERS)) -> Response:
    contract = repository.get(session, user, contract_id)
    view, operator, tenant = views.contract_pdf_args(session, user, contract)
    pdf = offload(lambda: render_contract_pdf(view, operator=operator, tenant=tenant))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=contract-{contract.number}.pdf"})


@router.get("/proofs/{proof_id:int}/document.pdf", name="proof_pdf")
def proof_pdf(request: Request, session: SessionDep, proof_id: int,
              user: User = require(*READERS)) -> Response:
    found = repository.proof(session, user, proof_id)
    view, facts = views.proof_pdf_args(session, found)
    pdf = offload(render_proof_pdf, view, facts)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=proof-{found.code}.pdf"})


# ---- templates (市保租办) -------------------------------------------------------------------------

def _templates_page(request: Request, session: Session, user: User, f: FormState | None = None,
                    cursor: int | None = None, status_code: int = 200) -> Response:
    found = repository.templates(session, cursor=cursor, limit=PAGE)
    return render(request, "contracts/templates.html", {
        "templates": found.items, "next_url": next_url(request, found.next_cursor),
        "f": f or FormState(), "may_create": user.role == Role.office}, status_code=status_code)


@router.get("/contract-templates", name="contract_templates")
def templates_list(request: Request, session: SessionDep, cursor: int | None = None,
                   user: User = require(*TEMPLATE_READERS)) -> Response:
    return _templates_page(request, session, user, cursor=cursor)


@router.post("/contract-templates", name="contract_template_create")
def template_create(request: Request, session: SessionDep, form: Form,
                    user: User = require(Role.office)) -> Response:
    f = FormState.of(form)
    try:
        data = from_form(TemplateIn, _fields(form, "version", "title", "effective_on", "body", "note"))
        made = attempt(session, service.create_template, session, user, data)
    except ValidationError as exc:
        return _templates_page(request, session, user, f.add_validation(exc), status_code=422)
    except ProblemError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _templates_page(request, session, user, f.add_problem(exc),
                               status_code=exc.status if exc.status in (409, 422) else 422)
    return redirect("/contract-templates", request, f"已发布合同模板第 {made.version} 版")


# ---- public checks ------------------------------------------------------------------------------

@router.get("/contracts/{reference}/verify", name="contract_verify")
def verify_contract(request: Request, session: SessionDep, _: OptionalUser, reference: str,
                    sha256: str = "") -> Response:
    """The contract's QR target: valid, and whether the hash on the copy is the signed one."""
    try:
        contract = repository.by_reference(session, reference)
    except NotFound:
        return render(request, "contracts/verify.html", {"reference": reference, "c": None},
                      status_code=404)
    return render(request, "contracts/verify.html", {
        "reference": reference, "c": views.verify_view(session, contract, sha256[:64] or None),
        "sha256": sha256[:64]})


@router.get("/proofs/{code}", name="proof_verify")
def verify_proof(request: Request, session: SessionDep, _: OptionalUser, code: str) -> Response:
    """A 租赁备案证明's QR target: valid, expired or the lease ended; the holder masked."""
    try:
        found = repository.proof_by_code(session, code[:32])
    except NotFound:
        return render(request, "contracts/proof_verify.html", {"code": code, "p": None}, status_code=404)
    return render(request, "contracts/proof_verify.html",
                  {"code": code, "p": views.proof_verify_view(session, found)})
