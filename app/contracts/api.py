"""Routes: contract templates (市保租办), contracts and supplements (issue, revise, send, sign,
countersign, close, PDF), 租赁备案证明, and the two public checks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response, status
from fastapi.responses import JSONResponse

from app.accounts.deps import CurrentUser, SessionDep, require
from app.accounts.enums import Role
from app.accounts.models import User
from app.contracts import repository, service, views
from app.contracts.documents import render_contract_pdf, render_proof_pdf
from app.contracts.models import ContractTemplate
from app.contracts.schemas import (
    ContractIn,
    ContractRead,
    ContractVerifyRead,
    ProofIn,
    ProofRead,
    ProofVerifyRead,
    ReviseIn,
    SignIn,
    SupplementIn,
    TemplateIn,
    TemplateRead,
)
from app.core.db import offload
from app.core.errors import ProblemError, problem_response, problem_responses
from app.core.paging import PageParams
from app.core.routing import api_router
from app.leases import repository as leases_repo

router = api_router(tags=["合同签署与备案证明"])
public = api_router(tags=["公开核验"])
WRITE = problem_responses(401, 403, 404, 409, 422)
SIGN = problem_responses(401, 403, 404, 409, 422, 429)
READ = problem_responses(401, 404)
LIST = problem_responses(401, 403, 404, 422)
PDF = {200: {"content": {"application/pdf": {}}, "description": "PDF 文件"}}
TEMPLATE_READERS = (Role.office, Role.developer, Role.auditor, Role.admin)


# ---- templates ----------------------------------------------------------------------------------

@router.get("/contract-templates", response_model=list[TemplateRead], responses=LIST)
def list_templates(session: SessionDep, page: PageParams,
                   _: User = require(*TEMPLATE_READERS)) -> list[ContractTemplate]:
    """The versions of the contract's clauses, newest first."""
    return page.respond(repository.templates(session, cursor=page.cursor, limit=page.limit))


@router.get("/contract-templates/{template_id}", response_model=TemplateRead, responses=LIST)
def get_template(session: SessionDep, template_id: int,
                 _: User = require(*TEMPLATE_READERS)) -> ContractTemplate:
    return repository.template(session, template_id)


@router.post("/contract-templates", response_model=TemplateRead, status_code=status.HTTP_201_CREATED,
             responses=WRITE)
def create_template(session: SessionDep, data: TemplateIn,
                    user: User = require(Role.office)) -> ContractTemplate:
    """市保租办 publishes a new version (sandboxed Jinja; a template that does not render with
    every name a contract provides is refused 422)."""
    return service.create_template(session, user, data)


# ---- contracts ----------------------------------------------------------------------------------

@router.post("/contracts", response_model=ContractRead, status_code=status.HTTP_201_CREATED,
             responses=WRITE)
def issue(session: SessionDep, data: ContractIn, user: User = require(Role.developer)) -> dict[str, Any]:
    """The operator drafts the contract of a lease from the template in force (草拟)."""
    return views.contract_view(session, user, service.issue(session, user, data))


@router.get("/contracts", response_model=list[ContractRead], responses=problem_responses(401, 422))
def list_contracts(session: SessionDep, user: CurrentUser, page: PageParams,
                   lease_id: Annotated[int | None, Query(description="只看该租赁的合同和补充协议")] = None,
                   ) -> list[dict[str, Any]]:
    """The contracts (and supplements) the caller may see, newest first; a tenant sees no draft."""
    return page.respond(views.contracts_page(session, user, repository.contracts(
        session, user, lease_id=lease_id, cursor=page.cursor, limit=page.limit)))


@router.get("/contracts/{contract_id}", response_model=ContractRead, responses=READ)
def get_contract(session: SessionDep, user: CurrentUser, contract_id: int) -> dict[str, Any]:
    """The document, its SHA-256 (what a signature confirms), the signatures, the next steps."""
    return views.contract_view(session, user, repository.get(session, user, contract_id))


@router.get("/contracts/{contract_id}/document.pdf", response_class=Response, responses=READ | PDF)
def contract_pdf(session: SessionDep, user: CurrentUser, contract_id: int) -> Response:
    """The contract as PDF: clauses, hash, both signature blocks, page numbers, QR code."""
    contract = repository.get(session, user, contract_id)
    pdf = offload(_contract_pdf, views.contract_pdf_args(session, user, contract))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=contract-{contract.number}.pdf"})


def _contract_pdf(args: tuple[dict[str, Any], str, str]) -> bytes:
    view, operator, tenant = args
    return render_contract_pdf(view, operator=operator, tenant=tenant)


@router.post("/contracts/{contract_id}/revise", response_model=ContractRead, responses=WRITE)
def revise(session: SessionDep, contract_id: int, data: ReviseIn,
           user: User = require(Role.developer)) -> dict[str, Any]:
    """Change a draft, or take back one the tenant has not signed (its hash changes)."""
    return views.contract_view(session, user, service.revise(session, user, contract_id, data))


@router.post("/contracts/{contract_id}/send", response_model=ContractRead, responses=WRITE)
def send(session: SessionDep, contract_id: int, user: User = require(Role.developer)) -> dict[str, Any]:
    """草拟 → 待承租人签署."""
    return views.contract_view(session, user, service.send(session, user, contract_id))


def _signing(request: Request, session: SessionDep, user: User, data: SignIn) -> JSONResponse | None:
    """The password check, answered (not raised) when refused so the failure is committed."""
    try:
        service.confirm_password(session, user, data.password,
                                 request.client.host if request.client else None)
    except ProblemError as exc:
        return problem_response(exc.body(), exc.headers)
    return None


@router.post("/contracts/{contract_id}/sign", response_model=ContractRead, responses=SIGN)
def sign(request: Request, session: SessionDep, contract_id: int, data: SignIn,
         user: User = require(Role.tenant, Role.employer)) -> dict[str, Any] | JSONResponse:
    """The tenant (or the employer) signs: their password again and the SHA-256 of the text they
    read; a hash that is not the document's now answers 409. A wrong password answers 422 and
    counts as a failed login (429 once too many)."""
    repository.get(session, user, contract_id)  # 404 before anything is counted
    refused = _signing(request, session, user, data)
    if refused is not None:
        return refused
    return views.contract_view(session, user, service.sign(session, user, contract_id, data))


@router.post("/contracts/{contract_id}/countersign", response_model=ContractRead, responses=SIGN)
def countersign(request: Request, session: SessionDep, contract_id: int, data: SignIn,
                user: User = require(Role.developer)) -> dict[str, Any] | JSONResponse:
    """The operator countersigns (same confirmation): the contract takes effect, and a lease
    waiting for it (待签约) comes into force."""
    repository.get(session, user, contract_id)
    refused = _signing(request, session, user, data)
    if refused is not None:
        return refused
    return views.contract_view(session, user, service.countersign(session, user, contract_id, data))


@router.post("/contracts/{contract_id}/supplements", response_model=ContractRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def supplement(session: SessionDep, contract_id: int, data: SupplementIn,
               user: User = require(Role.developer)) -> dict[str, Any]:
    """A supplementary agreement (补充协议) to an effective contract: drafted, then signed as a
    contract is."""
    return views.contract_view(session, user, service.supplement(session, user, contract_id, data))


@router.post("/contracts/{contract_id}/renewed", response_model=ContractRead, responses=WRITE)
def close_renewed(session: SessionDep, contract_id: int,
                  user: User = require(Role.developer, Role.office)) -> dict[str, Any]:
    """已生效 → 已续签, once the lease was renewed."""
    return views.contract_view(session, user, service.close(session, user, contract_id, "close_renewed"))


@router.post("/contracts/{contract_id}/ended", response_model=ContractRead, responses=WRITE)
def close_ended(session: SessionDep, contract_id: int,
                user: User = require(Role.developer, Role.office)) -> dict[str, Any]:
    """已生效 → 已终止, once the lease ended, was terminated or ran out."""
    return views.contract_view(session, user, service.close(session, user, contract_id, "close_ended"))


# ---- 租赁备案证明 ---------------------------------------------------------------------------------

@router.post("/contracts/{contract_id}/proofs", response_model=ProofRead,
             status_code=status.HTTP_201_CREATED, responses=WRITE)
def issue_proof(session: SessionDep, contract_id: int, data: ProofIn,
                user: User = require(Role.tenant, Role.employer)) -> dict[str, Any]:
    """第二十三条: a proof for 居住证、落户、子女入学 or 提取公积金, valid for the city's period."""
    return views.proof_view(session, service.issue_proof(session, user, contract_id, data))


@router.get("/leases/{lease_id}/proofs", response_model=list[ProofRead], responses=LIST)
def list_proofs(session: SessionDep, user: CurrentUser, lease_id: int,
                page: PageParams) -> list[dict[str, Any]]:
    """The proofs issued for a lease the caller may see, newest first."""
    leases_repo.get(session, user, lease_id)
    return page.respond(views.proofs_page(session, repository.proofs(
        session, user, lease_id, cursor=page.cursor, limit=page.limit)))


@router.get("/proofs/{proof_id}/document.pdf", response_class=Response, responses=READ | PDF)
def proof_pdf(session: SessionDep, user: CurrentUser, proof_id: int) -> Response:
    found = repository.proof(session, user, proof_id)
    view, facts = views.proof_pdf_args(session, found)
    pdf = offload(render_proof_pdf, view, facts)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=proof-{found.code}.pdf"})


# ---- public checks ------------------------------------------------------------------------------

@public.get("/contracts/{reference}/verify", response_model=ContractVerifyRead,
            responses=problem_responses(404))
def verify_contract(session: SessionDep, reference: str,
                    sha256: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    """The contract's number with its code (``HT2025000001-7KQ3MX9P``, as in its QR link), and
    optionally the SHA-256 printed on the copy at hand: valid only if signed by both, in force,
    and (when given) the hash is the signed one. The tenant's name is masked."""
    return views.verify_view(session, repository.by_reference(session, reference), sha256)


@public.get("/proofs/{code}/verify", response_model=ProofVerifyRead, responses=problem_responses(404))
def verify_proof(session: SessionDep, code: str) -> dict[str, Any]:
    """A 租赁备案证明 by its code: valid, expired, or the lease ended; the holder masked."""
    return views.proof_verify_view(session, repository.proof_by_code(session, code))
