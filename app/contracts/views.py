"""Presenters of the contracts domain: what the API and the pages show of a contract, a
template, a proof, and the two public checks (masked names, no 身份证 number)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.contracts import repository
from app.contracts.enums import ContractKind, ContractStatus, ProofPurpose, ProofState
from app.contracts.models import LeaseContract, LeaseProof
from app.contracts.workflows import CONTRACT, ContractNow
from app.core import clock
from app.core.config import get_settings
from app.core.paging import Page, mapped_all
from app.leases import repository as leases_repo
from app.leases.enums import HOLDING, LeaseKind
from app.leases.models import Lease
from app.leases.views import masked_name


def _base() -> str:
    return get_settings().public_base_url.rstrip("/")


def contract_url(contract: LeaseContract) -> str:
    """The public check, carrying the signed hash: the QR code on the PDF points here."""
    return (f"{_base()}/contracts/{repository.verify_reference(contract)}/verify"
            f"?sha256={contract.document_sha256}")


def proof_url(proof: LeaseProof) -> str:
    return f"{_base()}/proofs/{proof.code}"


def contract_views(session: Session, user: User | None, items: list[LeaseContract]) -> list[dict[str, Any]]:
    """``ContractRead`` of ``items`` (a constant number of statements)."""
    leases = repository.leases_by_id(session, {c.lease_id for c in items})
    people = repository.users_by_id(session, {i for c in items
                                             for i in (c.tenant_signer_id, c.operator_signer_id) if i})
    views = []
    for c in items:
        lease = leases[c.lease_id]
        signer = people.get(c.tenant_signer_id or 0)
        countersigner = people.get(c.operator_signer_id or 0)
        views.append({
            "id": c.id, "number": c.number, "kind": c.kind, "kind_label": ContractKind.label_of(c.kind),
            "parent_id": c.parent_id, "lease_id": c.lease_id, "lease_number": lease.number,
            "template_version": c.template_version, "status": c.status,
            "status_label": ContractStatus.label_of(c.status),
            "payment_period_months": c.payment_period_months, "safety_terms": c.safety_terms,
            "supplement_terms": c.supplement_terms, "body": c.body,
            "document_sha256": c.document_sha256, "sent_at": c.sent_at,
            "tenant_signer": (signer.full_name or signer.username) if signer else None,
            "tenant_signed_at": c.tenant_signed_at, "tenant_signed_sha256": c.tenant_signed_sha256,
            "operator_signer": (countersigner.full_name or countersigner.username) if countersigner else None,
            "operator_signed_at": c.operator_signed_at,
            "operator_signed_sha256": c.operator_signed_sha256,
            "verify_reference": repository.verify_reference(c), "verify_url": contract_url(c),
            "allowed_actions": CONTRACT.allowed(user, ContractNow(c, lease)) if user else [],
        })
    return views


def contract_view(session: Session, user: User | None, contract: LeaseContract) -> dict[str, Any]:
    return contract_views(session, user, [contract])[0]


def contracts_page(session: Session, user: User, found: Page[LeaseContract]) -> Page[dict[str, Any]]:
    return mapped_all(found, lambda items: contract_views(session, user, items))


def _party(session: Session, lease: Lease) -> str:
    """The tenant's name masked, or the employer's name (an organisation is not masked)."""
    if lease.kind == LeaseKind.employer:
        org = repository.organization(session, lease.employer_organization_id)
        return org.name if org else ""
    person = repository.users_by_id(session, {lease.tenant_id or 0}).get(lease.tenant_id or 0)
    return masked_name(person.full_name if person else None)


def verify_view(session: Session, contract: LeaseContract, sha256: str | None) -> dict[str, Any]:
    """``ContractVerifyRead``: valid if signed by both and not closed; the hash given (from the
    QR code or typed) matches or not."""
    lease = repository.lease(session, contract.lease_id)
    unit = leases_repo.unit(session, lease.unit_id)
    project = leases_repo.project(session, lease.project_id)
    valid = contract.status == ContractStatus.effective
    matches = None if not sha256 else sha256.strip().lower() == contract.document_sha256
    return {"number": contract.number, "kind_label": ContractKind.label_of(contract.kind),
            "valid": valid and matches is not False,
            "status_label": ContractStatus.label_of(contract.status), "hash_matches": matches,
            "document_sha256": contract.document_sha256 if valid else "",
            "lease_number": lease.number, "project_name": project.name if project else "",
            "building": unit.building if unit else "", "unit_number": unit.number if unit else "",
            "tenant": _party(session, lease),
            "operator": project.operator_unit_name if project else "",
            "tenant_signed_at": contract.tenant_signed_at,
            "operator_signed_at": contract.operator_signed_at}


def proof_state(proof: LeaseProof, lease: Lease, contract: LeaseContract, today: date) -> ProofState:
    if (lease.status not in HOLDING or lease.ends_on < today
            or contract.status != ContractStatus.effective):
        return ProofState.lease_ended
    if today > proof.valid_until:
        return ProofState.expired
    return ProofState.valid


def proof_view(session: Session, proof: LeaseProof, lease: Lease | None = None,
               contract: LeaseContract | None = None) -> dict[str, Any]:
    lease = lease or repository.lease(session, proof.lease_id)
    contract = contract or repository.contract_of_proof(session, proof)
    return {"id": proof.id, "code": proof.code, "purpose": proof.purpose,
            "purpose_label": ProofPurpose.label_of(proof.purpose), "issued_on": proof.issued_on,
            "valid_until": proof.valid_until, "lease_number": lease.number,
            "contract_number": contract.number, "verify_url": proof_url(proof)}


def proofs_page(session: Session, found: Page[LeaseProof]) -> Page[dict[str, Any]]:
    """A page of proofs (a constant number of statements: their leases and contracts at once)."""

    def views(items: list[LeaseProof]) -> list[dict[str, Any]]:
        leases = repository.leases_by_id(session, {p.lease_id for p in items})
        contracts = repository.contracts_by_id(session, {p.contract_id for p in items})
        return [proof_view(session, p, leases[p.lease_id], contracts[p.contract_id]) for p in items]

    return mapped_all(found, views)


def proof_verify_view(session: Session, proof: LeaseProof) -> dict[str, Any]:
    """``ProofVerifyRead``: the state, the purpose, the masked holder, the home and its term."""
    lease = repository.lease(session, proof.lease_id)
    contract = repository.contract_of_proof(session, proof)
    unit = leases_repo.unit(session, lease.unit_id)
    project = leases_repo.project(session, lease.project_id)
    state = proof_state(proof, lease, contract, clock.today())
    return {"code": proof.code, "state": state.value, "state_label": state.label,
            "valid": state == ProofState.valid,
            "purpose_label": ProofPurpose.label_of(proof.purpose), "holder": _party(session, lease),
            "project_name": project.name if project else "",
            "address": project.address if project else "",
            "building": unit.building if unit else "", "unit_number": unit.number if unit else "",
            "lease_start_on": lease.start_on, "lease_ends_on": lease.ends_on,
            "issued_on": proof.issued_on, "valid_until": proof.valid_until}


# ---- documents ----------------------------------------------------------------------------------

def contract_pdf_args(session: Session, user: User,
                      contract: LeaseContract) -> tuple[dict[str, Any], str, str]:
    """What :func:`app.contracts.documents.render_contract_pdf` takes: the view, the operator's
    name and the tenant's (or the employer's)."""
    view = contract_view(session, user, contract)
    lease = repository.lease(session, contract.lease_id)
    project = leases_repo.project(session, lease.project_id)
    if lease.kind == LeaseKind.employer:
        org = repository.organization(session, lease.employer_organization_id)
        tenant = org.name if org else ""
    else:
        person = repository.users_by_id(session, {lease.tenant_id or 0}).get(lease.tenant_id or 0)
        tenant = (person.full_name if person else None) or ""
    return view, project.operator_unit_name if project else "", tenant


def proof_pdf_args(session: Session, proof: LeaseProof) -> tuple[dict[str, Any], dict[str, Any]]:
    """The proof's view and the facts it states (the holder's full name: it is their document)."""
    facts = proof_verify_view(session, proof)
    lease = repository.lease(session, proof.lease_id)
    if lease.kind == LeaseKind.employer:
        facts["holder_full"] = facts["holder"]
    else:
        person = repository.users_by_id(session, {lease.tenant_id or 0}).get(lease.tenant_id or 0)
        facts["holder_full"] = (person.full_name if person else None) or ""
    return proof_view(session, proof), facts
