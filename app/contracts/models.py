"""Contract templates, lease contracts (and their supplementary agreements), 租赁备案证明."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, false, select, text
from sqlalchemy.orm import Mapped, mapped_column, validates
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.enums import Role
from app.accounts.models import User
from app.contracts.enums import ContractKind, ContractStatus
from app.core.clock import now
from app.core.db import Base
from app.leases.models import CODE_ALPHABET, Lease, plain

PROOF_CODE_LENGTH = 10  # 31¹⁰ ≈ 8 × 10¹⁴: a code is found by holding the paper, never by guessing


def new_contract_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_proof_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(PROOF_CODE_LENGTH))


class ContractTemplate(Base):
    """A version of the lease contract's clauses (a sandboxed Jinja body), maintained by 市保租办.

    The version in force on a day is the highest version whose ``effective_on`` is not after
    it; a contract keeps the version it was issued with (``LeaseContract.template_id``)."""

    __tablename__ = "contract_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(100))
    effective_on: Mapped[date]
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class LeaseContract(Base):
    """The contract document of a lease, or a supplementary agreement (补充协议) to it.

    ``body`` is the rendered document; ``document_sha256`` its SHA-256 (UTF-8). Each signature
    stores the signer, the time and the hash the signer confirmed; once the tenant signed, the
    body never changes (a change is a supplement, ``parent_id`` → the contract)."""

    __tablename__ = "lease_contract"
    __table_args__ = (
        # One contract per lease (supplements aside), held by the database.
        Index("uq_lease_contract_main", "lease_id", unique=True,
              sqlite_where=text("kind = 'contract'"), postgresql_where=text("kind = 'contract'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    verification_code: Mapped[str] = mapped_column(String(8), default=new_contract_code)
    kind: Mapped[str] = mapped_column(String(12), default=ContractKind.contract.value)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("lease_contract.id"), index=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("lease.id"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("contract_template.id"))
    template_version: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=ContractStatus.draft.value, index=True)
    payment_period_months: Mapped[int]
    safety_terms: Mapped[str] = mapped_column(Text)
    supplement_terms: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    document_sha256: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]
    tenant_signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    tenant_signed_at: Mapped[datetime | None]
    tenant_signed_sha256: Mapped[str | None] = mapped_column(String(64))
    operator_signer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    operator_signed_at: Mapped[datetime | None]
    operator_signed_sha256: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]

    @validates("status", "kind")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """Whoever may see the lease; a tenant (and an employer) sees no draft."""
        seen = cls.lease_id.in_(select(Lease.id).where(Lease.visible_to(user)).scalar_subquery())
        if user.role in (Role.tenant, Role.employer):
            return seen & (cls.status != ContractStatus.draft.value)
        if user.role in (Role.office, Role.auditor, Role.admin, Role.developer):
            return seen
        return false()


class LeaseProof(Base):
    """A 租赁备案证明 (第二十三条): issued to the tenant for one purpose, valid until a day,
    checked publicly by its random ``code``."""

    __tablename__ = "lease_proof"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_proof_code)
    lease_id: Mapped[int] = mapped_column(ForeignKey("lease.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("lease_contract.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    issued_on: Mapped[date]
    valid_until: Mapped[date]
    issued_to_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    @validates("purpose")
    def _plain(self, _: str, value: str | None) -> str | None:
        return plain(value)

