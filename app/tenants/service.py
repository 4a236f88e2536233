"""Tenant profiles, the annex-4 commitment, and the eligibility of a person (第三十二条).

The state changes of applications are in :mod:`app.tenants.applications`, of lotteries in
:mod:`app.tenants.lottery`, registry imports in :mod:`app.tenants.registry`; the reads in
:mod:`app.tenants.repository`, the presenters in :mod:`app.tenants.views`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import Organization, User
from app.audit.service import record
from app.core.errors import InvalidInput, RuleViolation
from app.notices import service as notices
from app.tenants import repository
from app.tenants.enums import NoticeKind
from app.tenants.models import COMMITMENT_VERSION, TenantCommitment, TenantProfile
from app.tenants.schemas import CommitmentIn, DeclarationIn, ProfileIn
from rules import art32_eligibility as art32
from rules.decision import Decision, Finding


def save_profile(session: Session, user: User, data: ProfileIn) -> TenantProfile:
    if data.employer_organization_id is not None and session.get(
            Organization, data.employer_organization_id) is None:
        raise InvalidInput("工作单位未在平台登记", field="employer_organization_id")
    profile = repository.profile_of(session, user.id) or TenantProfile(user_id=user.id)
    profile.residence_district = data.residence_district.strip()
    profile.work_district = data.work_district.strip() if data.work_district else None
    profile.employer_name = data.employer_name
    profile.employer_organization_id = data.employer_organization_id
    user.phone = data.phone
    session.add(profile)
    session.flush()
    record(session, actor=user, action="tenant.profile_saved", entity_type="user", entity_id=user.id,
           summary={"residence_district": profile.residence_district,
                    "work_district": profile.work_district,
                    "employer_organization_id": profile.employer_organization_id})
    return profile


def sign_commitment(session: Session, user: User, data: CommitmentIn, *,
                    taken_by: User | None = None) -> TenantCommitment:
    """附件4: all four clauses, stored with the text version and the time (第三十三条)."""
    if sorted(set(data.clauses)) != [1, 2, 3, 4]:
        raise RuleViolation("须确认附件4全部四项承诺、申明及授权", violations=[Finding(
            "附件4", "commitment_incomplete", "承诺、申明及授权须全部四项确认后方可申请",
            field="clauses")])
    signed = TenantCommitment(user_id=user.id, text_version=COMMITMENT_VERSION, clauses=[1, 2, 3, 4],
                              declaration=data.declaration.model_dump(),
                              taken_by_id=taken_by.id if taken_by else None)
    session.add(signed)
    session.flush()
    record(session, actor=taken_by or user, action="tenant.commitment_signed", entity_type="user",
           entity_id=user.id, summary={"text_version": COMMITMENT_VERSION,
                                       "window": taken_by is not None})
    return signed


def notify(session: Session, user_id: int, kind: str, message: str) -> None:
    """A notice to a tenant about their case (``kind``: a :class:`~app.tenants.enums.NoticeKind`),
    through the notice centre (app.notices: 站内信, and SMS if the tenant chose it)."""
    notices.send(session, user_id=user_id, kind=kind, title=NoticeKind.label_of(kind), message=message)


def eligibility(session: Session, person: User, declaration: DeclarationIn | dict[str, Any],
                on: date) -> tuple[Decision, tuple[Finding, ...]]:
    """第三十二条 for ``person`` on ``on``: the decision and the registry conflicts."""
    if isinstance(declaration, dict):
        declaration = DeclarationIn(**declaration)
    profile = repository.profile_of(session, person.id)
    properties, rental = repository.registry_facts(session, person)
    facts = art32.ApplicantFacts(
        individual=person.role == Role.tenant,
        residence_district=profile.residence_district if profile else None,
        work_district=profile.work_district if profile else None,
        declaration=art32.Declaration(declaration.owns_home_in_central_area,
                                      declaration.public_rental_qualified,
                                      declaration.receiving_public_rental),
        properties=properties, public_rental=rental)
    return art32.check_eligibility(facts, on), art32.registry_conflicts(facts, on)


def eligibility_record(decision: Decision, conflicts: tuple[Finding, ...], on: date) -> dict[str, Any]:
    """The decision as it is kept with the application or the placement (and shown from it)."""
    return {"ok": decision.ok, "findings": [f.as_dict() for f in decision.findings],
            "conflicts": [f.as_dict() for f in conflicts], "decided_on": on.isoformat()}


def require_ready(session: Session, person: User) -> TenantCommitment:
    """A person may apply only with a profile and the signed annex-4 commitment (第三十三条)."""
    if repository.profile_of(session, person.id) is None:
        raise RuleViolation("请先填写居住地、工作单位等个人信息", violations=[Finding(
            "第三十二条", "profile_missing", "申请前须填写居住地、工作地和工作单位", field="profile")])
    signed = repository.commitment_of(session, person.id)
    if signed is None:
        raise RuleViolation("请先签署附件4个人承诺、申明及授权", violations=[Finding(
            "第三十三条", "commitment_missing", "申请人须签署个人承诺、申明及授权（附件4）后方可申请",
            field="commitment")])
    return signed
