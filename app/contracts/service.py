"""Contracts, the state changes: templates (市保租办), issuing a contract from a lease, revising
the draft, the tenant's signature, the operator's countersignature (the lease comes into force),
supplementary agreements, closing, and 租赁备案证明 (第二十三、三十四、三十五–三十八、四十、四十三条).

Who may take each step, from which state: :data:`~app.contracts.workflows.CONTRACT`; whether
the terms are allowed: ``rules/`` (:mod:`rules.art35_43_lease`, :mod:`rules.art34_43_contract`).

A signature is the signer's password entered again (:func:`confirm_password`, counted with the
failed logins: too many lock the account as a login would) and the SHA-256 of the document the
signer read: a confirmation whose hash is not the document's now (the operator revised it) is
refused 409 and signs nothing. The signer, the time and the hash are stored; once the tenant
signed, the document never changes. Every change writes its audit event in the same transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.accounts import repository as accounts_repo
from app.accounts import service as accounts
from app.accounts.models import User
from app.approval.service import next_seq
from app.audit.service import record
from app.contracts import repository, templates
from app.contracts.enums import ContractKind, ContractStatus, ProofPurpose
from app.contracts.models import ContractTemplate, LeaseContract, LeaseProof
from app.contracts.schemas import ContractIn, ProofIn, ReviseIn, SignIn, SupplementIn, TemplateIn
from app.contracts.workflows import CONTRACT, ContractNow
from app.core import clock
from app.core.errors import Conflict, InvalidInput, RuleViolation, Unauthorized
from app.leases import repository as leases_repo
from app.leases import service as leases
from app.leases.enums import RESERVING, LeaseKind, LeaseStatus
from app.leases.models import Lease
from app.notices import service as notices
from rules import format as fmt
from rules.art34_43_contract import check_contract_terms
from rules.art35_43_lease import term_months
from rules.art36_37_rent import lease_rent_cap
from rules.params import value_at

PLATFORM = "保租通（景德镇市保障性租赁住房租赁平台）"
NOTICE_KIND = "contract_to_sign"


# ---- templates (市保租办) -------------------------------------------------------------------------

def create_template(session: Session, user: User, data: TemplateIn) -> ContractTemplate:
    """A new version of the contract's clauses; it applies to contracts issued from
    ``effective_on``; contracts already issued keep theirs."""
    templates.check_body(data.body)
    if repository.version_taken(session, data.version):
        raise Conflict(f"合同模板第 {data.version} 版已存在：新版本请使用新的版本号")
    template = ContractTemplate(version=data.version, title=data.title.strip(),
                                effective_on=data.effective_on, body=data.body,
                                note=(data.note or "").strip() or None, created_by_id=user.id)
    session.add(template)
    session.flush()
    record(session, actor=user, action="contract_template.created", entity_type="contract_template",
           entity_id=template.id, summary={"version": template.version,
                                           "effective_on": template.effective_on,
                                           "sha256": templates.sha256(template.body)})
    return template


# ---- the document -------------------------------------------------------------------------------

def _money(value: Decimal) -> str:
    return fmt.exact(value)


def context(session: Session, contract: LeaseContract, lease: Lease,
            parent: LeaseContract | None = None) -> dict[str, Any]:
    """The plain values a template renders (:func:`app.contracts.templates.sample_context`
    names them all)."""
    unit = leases_repo.unit(session, lease.unit_id)
    project = leases_repo.project(session, lease.project_id)
    assert unit is not None and project is not None
    standard = repository.rent_standard(session, lease.rent_standard_id)
    on = lease.signed_on
    if lease.kind == LeaseKind.employer:
        employer = repository.organization(session, lease.employer_organization_id)
        tenant = {"name": employer.name if employer else "", "uscc": employer.uscc if employer else "",
                  "id_number_masked": ""}
        occupants = [name or "（未登记姓名）" for name in repository.placed_names(session, lease.id)]
    else:
        person = repository.users_by_id(session, {lease.tenant_id or 0}).get(lease.tenant_id or 0)
        tenant = {"name": (person.full_name if person else None) or "",
                  "uscc": "", "id_number_masked": (person.id_number_masked if person else None) or ""}
        occupants = []
    months = term_months(lease.start_on, lease.end_on)
    period = contract.payment_period_months
    return {
        "platform": PLATFORM,
        "contract": {"number": contract.number, "template_version": contract.template_version or 0,
                     "payment_period_months": period,
                     "payment_amount": _money(lease.monthly_rent * period),
                     "safety_terms": contract.safety_terms},
        "lease": {"number": lease.number, "employer": lease.kind == LeaseKind.employer,
                  "start_on": lease.start_on, "end_on": lease.end_on, "term_months": months,
                  "monthly_rent": _money(lease.monthly_rent), "rate_per_m2": str(lease.rate_per_m2),
                  "rent_cap": _money(lease_rent_cap(lease.building_area_m2, lease.rate_per_m2)),
                  "filing_no": (standard.filing_no if standard else None) or "（未登记）",
                  "prepaid_rent": _money(lease.prepaid_rent), "deposit": _money(lease.deposit)},
        "owner": {"name": project.construction_unit_name, "uscc": project.construction_unit_uscc,
                  "id_number_masked": ""},
        "operator": {"name": project.operator_unit_name, "uscc": project.operator_unit_uscc,
                     "id_number_masked": ""},
        "tenant": tenant, "occupants": occupants,
        "unit": {"project_name": project.name, "address": project.address, "building": unit.building,
                 "number": unit.number, "area": str(unit.building_area_m2),
                 "unit_type": unit.unit_type or "", "verification_code": unit.verification_code or ""},
        "rules": {"term_months_min": value_at("lease_term_months_min", on),
                  "prepaid_months_max": value_at("prepaid_rent_months_max", on),
                  "deposit_months_max": value_at("deposit_months_max", on),
                  "transition_months": value_at("transition_months", on),
                  "renewal_window_days": value_at("renewal_window_days", on)},
        "supplement": {"terms": contract.supplement_terms or "",
                       "parent_number": parent.number if parent else ""},
    }


def _render(session: Session, contract: LeaseContract, lease: Lease) -> None:
    """(Re)write the document and its hash: the template's version for a contract, the shipped
    supplement text for a supplement."""
    if contract.kind == ContractKind.supplement:
        parent = session.get(LeaseContract, contract.parent_id)
        body = templates.supplement_body()
    else:
        parent = None
        template = session.get(ContractTemplate, contract.template_id)
        assert template is not None
        body = template.body
    contract.body = templates.render(body, context(session, contract, lease, parent))
    contract.document_sha256 = templates.sha256(contract.body)


def _check_terms(lease: Lease, period: int, safety_terms: str, on: date) -> None:
    decision = check_contract_terms(payment_period_months=period,
                                    term_months=term_months(lease.start_on, lease.end_on),
                                    monthly_rent=lease.monthly_rent, deposit=lease.deposit,
                                    safety_terms=safety_terms, on=on)
    if not decision.ok:
        raise RuleViolation.from_decision(decision)


def _number(session: Session, on: date) -> str:
    return f"HT{on.year}{next_seq(session, 'contract', on.year):06d}"


def _now(session: Session, user: User, contract_id: int) -> ContractNow:
    contract = repository.get(session, user, contract_id, lock=True)
    lease = leases_repo.get(session, user, contract.lease_id, lock=True)
    return ContractNow(contract, lease)


def issue(session: Session, user: User, data: ContractIn) -> LeaseContract:
    """The operator drafts the contract of a lease with the template in force today."""
    lease = leases_repo.get(session, user, data.lease_id, lock=True)
    if lease.status not in RESERVING:
        raise Conflict(f"租赁合同当前状态为“{LeaseStatus.label_of(lease.status)}”，不能出具合同文本")
    if repository.main_contract(session, lease.id) is not None:
        raise Conflict("该租赁已有合同文本；变更请签订补充协议")
    today = clock.today()
    _check_terms(lease, data.payment_period_months, data.safety_terms, today)
    template = repository.template_in_force(session, today)
    if template is None:
        raise Conflict("没有已生效的合同示范文本，请市保租办先发布合同模板")
    contract = LeaseContract(number=_number(session, today), kind=ContractKind.contract,
                             lease_id=lease.id, template_id=template.id,
                             template_version=template.version, status=ContractStatus.draft,
                             payment_period_months=data.payment_period_months,
                             safety_terms=data.safety_terms.strip(), issued_by_id=user.id,
                             body="", document_sha256="")
    _render(session, contract, lease)
    session.add(contract)
    session.flush()
    record(session, actor=user, action="contract.issued", entity_type="lease_contract",
           entity_id=contract.id, summary={"number": contract.number, "lease": lease.number,
                                           "template_version": template.version,
                                           "sha256": contract.document_sha256})
    return contract


def revise(session: Session, user: User, contract_id: int, data: ReviseIn) -> LeaseContract:
    """The operator changes the draft (or takes back one the tenant has not signed): the
    document and its hash change, so a confirmation of the old text no longer signs."""
    now = _now(session, user, contract_id)
    CONTRACT.check("revise", user, now)
    contract, lease = now.contract, now.lease
    _check_terms(lease, data.payment_period_months, data.safety_terms, clock.today())
    before = contract.document_sha256
    contract.payment_period_months = data.payment_period_months
    contract.safety_terms = data.safety_terms.strip()
    contract.status, contract.sent_at = ContractStatus.draft, None
    _render(session, contract, lease)
    record(session, actor=user, action="contract.revised", entity_type="lease_contract",
           entity_id=contract.id, summary={"before": before, "sha256": contract.document_sha256})
    return contract


def _tell(session: Session, user_ids: list[int], contract: LeaseContract, title: str, message: str) -> None:
    """站内信 (and the person's other channels) about a step someone else must take now."""
    for user_id in user_ids:
        notices.send(session, user_id=user_id, kind=NOTICE_KIND, title=title, message=message,
                     link=f"/contracts/{contract.id}")


def send(session: Session, user: User, contract_id: int) -> LeaseContract:
    """The operator sends the draft to the tenant (or the employer) to sign; they are told."""
    now = _now(session, user, contract_id)
    CONTRACT.check("send", user, now)
    now.contract.status, now.contract.sent_at = ContractStatus.awaiting_tenant, clock.now()
    record(session, actor=user, action="contract.sent", entity_type="lease_contract",
           entity_id=now.contract.id, summary={"sha256": now.contract.document_sha256})
    lease = now.lease
    signers = ([lease.tenant_id] if lease.tenant_id is not None
               else accounts_repo.member_ids(session, lease.employer_organization_id))
    _tell(session, signers, now.contract, "租赁合同待您签署",
          f"租赁合同 {now.contract.number}（{lease.number}）已由运营单位发出，请阅读全文后在平台上签署"
          "（第二十三、三十四条）。")
    return now.contract


def confirm_password(session: Session, user: User, password: str, client_address: str | None) -> None:
    """The signer's password, checked as a login is: a wrong one is counted with the failed
    logins (and too many lock the account, 429); 422 naming ``password``. The caller answers
    the refusal without raising, so the failure is committed (it counts)."""
    try:
        accounts.login(session, user.username, password, client_address)
    except Unauthorized:
        raise InvalidInput("密码不正确，未签署", field="password") from None


def _bound(contract: LeaseContract, data: SignIn) -> None:
    if data.document_sha256.lower() != contract.document_sha256:
        raise Conflict("合同文本已变更：您确认的不是当前文本（SHA-256 不一致），请重新阅读后签署",
                       document_sha256=contract.document_sha256)


def sign(session: Session, user: User, contract_id: int, data: SignIn) -> LeaseContract:
    """The tenant (or the employer) signs the document whose hash they confirm (after
    :func:`confirm_password`)."""
    now = _now(session, user, contract_id)
    CONTRACT.check("sign", user, now)
    contract = now.contract
    _bound(contract, data)
    contract.status = ContractStatus.awaiting_operator
    contract.tenant_signer_id, contract.tenant_signed_at = user.id, clock.now()
    contract.tenant_signed_sha256 = contract.document_sha256
    record(session, actor=user, action="contract.signed_by_tenant", entity_type="lease_contract",
           entity_id=contract.id, summary={"sha256": contract.document_sha256})
    _tell(session, accounts_repo.member_ids(session, now.lease.operator_organization_id), contract,
          "租赁合同待运营单位签署",
          f"承租方已签署租赁合同 {contract.number}（{now.lease.number}），请核对后签署，合同随即生效。")
    return contract


def countersign(session: Session, user: User, contract_id: int, data: SignIn) -> LeaseContract:
    """The operator countersigns: the contract takes effect, and with it the lease
    (:func:`app.leases.service.contract_signed`); a supplement takes effect alone."""
    now = _now(session, user, contract_id)
    CONTRACT.check("countersign", user, now)
    contract = now.contract
    _bound(contract, data)
    contract.status = ContractStatus.effective
    contract.operator_signer_id, contract.operator_signed_at = user.id, clock.now()
    contract.operator_signed_sha256 = contract.document_sha256
    record(session, actor=user, action="contract.countersigned", entity_type="lease_contract",
           entity_id=contract.id, summary={"sha256": contract.document_sha256})
    if contract.kind == ContractKind.contract:
        leases.contract_signed(session, user, now.lease)
    return contract


def supplement(session: Session, user: User, contract_id: int, data: SupplementIn) -> LeaseContract:
    """A supplementary agreement to an effective contract (a draft; signed as a contract is)."""
    now = _now(session, user, contract_id)
    CONTRACT.check("supplement", user, now)
    parent, lease = now.contract, now.lease
    today = clock.today()
    added = LeaseContract(number=_number(session, today), kind=ContractKind.supplement,
                          parent_id=parent.id, lease_id=lease.id, template_id=None,
                          template_version=None, status=ContractStatus.draft,
                          payment_period_months=parent.payment_period_months,
                          safety_terms=parent.safety_terms, supplement_terms=data.terms.strip(),
                          issued_by_id=user.id, body="", document_sha256="")
    _render(session, added, lease)
    session.add(added)
    session.flush()
    record(session, actor=user, action="contract.supplement_issued", entity_type="lease_contract",
           entity_id=added.id, summary={"number": added.number, "parent": parent.number,
                                        "sha256": added.document_sha256})
    return added


def close(session: Session, user: User, contract_id: int, action: str) -> LeaseContract:
    """The contract of a lease that was renewed (已续签) or ended (已终止)."""
    now = _now(session, user, contract_id)
    step = CONTRACT.check(action, user, now)
    now.contract.status, now.contract.closed_at = step.target, clock.now()
    record(session, actor=user, action=f"contract.{now.contract.status}", entity_type="lease_contract",
           entity_id=now.contract.id, summary={"lease_status": now.lease.status})
    return now.contract


# ---- 租赁备案证明 (第二十三条) ------------------------------------------------------------------

def issue_proof(session: Session, user: User, contract_id: int, data: ProofIn) -> LeaseProof:
    """A one-page proof for the purpose the tenant chose, valid ``lease_proof_valid_days``
    days from today (today included), with a random code for the public check."""
    now = _now(session, user, contract_id)
    CONTRACT.check("proof", user, now)
    today = clock.today()
    days: int = value_at("lease_proof_valid_days", today)
    proof = LeaseProof(lease_id=now.lease.id, contract_id=now.contract.id,
                       purpose=ProofPurpose(data.purpose), issued_on=today,
                       valid_until=today + timedelta(days=days - 1), issued_to_id=user.id)
    session.add(proof)
    session.flush()
    record(session, actor=user, action="lease_proof.issued", entity_type="lease",
           entity_id=now.lease.id, summary={"proof_id": proof.id, "purpose": proof.purpose,
                                            "valid_until": proof.valid_until})
    return proof
