"""Reads of the contracts domain: templates, contracts in the viewer's scope, proofs, and the
public checks by reference. A missing or hidden object answers 404."""

from __future__ import annotations

import hmac
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organization, User
from app.contracts.enums import ContractKind
from app.contracts.models import ContractTemplate, LeaseContract, LeaseProof
from app.core.errors import NotFound
from app.core.paging import DEFAULT_LIMIT, Page, keyset
from app.leases.enums import OccupantStatus
from app.leases.models import Lease, LeaseOccupant
from app.operation.models import RentStandard

NO_SUCH_CONTRACT = "未找到该租赁合同文本：请核对合同编号和核验码"
NO_SUCH_PROOF = "未找到该租赁备案证明：请核对核验码"


# ---- templates ----------------------------------------------------------------------------------

def templates(session: Session, *, cursor: int | None, limit: int = DEFAULT_LIMIT) -> Page[ContractTemplate]:
    return keyset(session, select(ContractTemplate), ContractTemplate.id, cursor=cursor, limit=limit)


def template(session: Session, template_id: int) -> ContractTemplate:
    found = session.get(ContractTemplate, template_id)
    if found is None:
        raise NotFound("未找到该合同模板")
    return found


def template_in_force(session: Session, on: date) -> ContractTemplate | None:
    """The highest version in effect on ``on``."""
    return session.scalar(select(ContractTemplate).where(ContractTemplate.effective_on <= on)
                          .order_by(ContractTemplate.version.desc()).limit(1))


def version_taken(session: Session, version: int) -> bool:
    return session.scalar(select(ContractTemplate.id).where(ContractTemplate.version == version)) is not None


# ---- contracts ----------------------------------------------------------------------------------

def get(session: Session, user: User, contract_id: int, *, lock: bool = False) -> LeaseContract:
    stmt = select(LeaseContract).where(LeaseContract.id == contract_id, LeaseContract.visible_to(user))
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalar(stmt.execution_options(populate_existing=True))
    if found is None:
        raise NotFound("未找到该租赁合同文本")
    return found


def contracts(session: Session, user: User, *, lease_id: int | None = None, cursor: int | None,
              limit: int = DEFAULT_LIMIT) -> Page[LeaseContract]:
    stmt = select(LeaseContract).where(LeaseContract.visible_to(user))
    if lease_id is not None:
        stmt = stmt.where(LeaseContract.lease_id == lease_id)
    return keyset(session, stmt, LeaseContract.id, cursor=cursor, limit=limit)


def of_lease(session: Session, user: User, lease_id: int) -> list[LeaseContract]:
    """The contract of a lease and its supplements that ``user`` may see, oldest first."""
    return list(session.scalars(select(LeaseContract).where(
        LeaseContract.lease_id == lease_id, LeaseContract.visible_to(user)).order_by(LeaseContract.id)))


def main_contract(session: Session, lease_id: int) -> LeaseContract | None:
    return session.scalar(select(LeaseContract).where(LeaseContract.lease_id == lease_id,
                                                      LeaseContract.kind == ContractKind.contract.value))


def by_reference(session: Session, reference: str) -> LeaseContract:
    """``HT2025000001-7KQ3MX9P``: the number and the random code (one 404 for every miss)."""
    number, _, code = reference.strip().upper().replace(" ", "").rpartition("-")
    found = (session.scalar(select(LeaseContract).where(LeaseContract.number == number))
             if number and code else None)
    if found is None or not hmac.compare_digest(found.verification_code.encode(), code.encode()):
        raise NotFound(NO_SUCH_CONTRACT)
    return found


def verify_reference(contract: LeaseContract) -> str:
    return f"{contract.number}-{contract.verification_code}"


def lease(session: Session, lease_id: int) -> Lease:
    found = session.get(Lease, lease_id)
    if found is None:
        raise NotFound("未找到该租赁合同")
    return found


def leases_by_id(session: Session, ids: set[int]) -> dict[int, Lease]:
    return {x.id: x for x in session.scalars(select(Lease).where(Lease.id.in_(ids)))} if ids else {}


def contracts_by_id(session: Session, ids: set[int]) -> dict[int, LeaseContract]:
    return ({c.id: c for c in session.scalars(select(LeaseContract).where(LeaseContract.id.in_(ids)))}
            if ids else {})


def users_by_id(session: Session, ids: set[int]) -> dict[int, User]:
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def organization(session: Session, organization_id: int | None) -> Organization | None:
    return session.get(Organization, organization_id) if organization_id is not None else None


def rent_standard(session: Session, standard_id: int) -> RentStandard | None:
    return session.get(RentStandard, standard_id)


def placed_names(session: Session, lease_id: int) -> list[str | None]:
    """The full names of the staff placed under an employer's lease (整体配租)."""
    return list(session.scalars(select(User.full_name).join(
        LeaseOccupant, LeaseOccupant.tenant_id == User.id).where(
        LeaseOccupant.lease_id == lease_id, LeaseOccupant.status == OccupantStatus.placed.value)
        .order_by(LeaseOccupant.id)))


# ---- proofs -------------------------------------------------------------------------------------

def proofs(session: Session, user: User, lease_id: int, *, cursor: int | None,
           limit: int = DEFAULT_LIMIT) -> Page[LeaseProof]:
    """The proofs issued for a lease the caller may see (the lease was checked already)."""
    return keyset(session, select(LeaseProof).where(LeaseProof.lease_id == lease_id), LeaseProof.id,
                  cursor=cursor, limit=limit)


def proof(session: Session, user: User, proof_id: int) -> LeaseProof:
    found = session.scalar(select(LeaseProof).where(
        LeaseProof.id == proof_id,
        LeaseProof.lease_id.in_(select(Lease.id).where(Lease.visible_to(user)).scalar_subquery())))
    if found is None:
        raise NotFound("未找到该租赁备案证明")
    return found


def proof_by_code(session: Session, code: str) -> LeaseProof:
    wanted = code.strip().upper().replace(" ", "")
    found = session.scalar(select(LeaseProof).where(LeaseProof.code == wanted)) if wanted else None
    if found is None:
        raise NotFound(NO_SUCH_PROOF)
    return found


def contract_of_proof(session: Session, proof: LeaseProof) -> LeaseContract:
    found = session.get(LeaseContract, proof.contract_id)
    assert found is not None
    return found
