"""Tenant profiles, the annex-4 commitment, and the eligibility facts of a person (第三十二条)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organization, User
from app.accounts.roles import Role
from app.audit.service import record
from app.core.errors import InvalidInput, RuleViolation
from app.core.personal_data import decrypt_id_number
from app.tenants.models import (
    PropertyRecord,
    PublicRentalRecord,
    TenantCommitment,
    TenantProfile,
)
from app.tenants.schemas import CommitmentIn, DeclarationIn, ProfileIn
from rules import art32_eligibility as art32
from rules.decision import Decision, Finding

# 附件4 景德镇市申请保障性租赁住房个人承诺、申明及授权 — all four clauses must be signed.
COMMITMENT_VERSION = "附件4-2022"
COMMITMENT_CLAUSES = (
    "一、本人申请保障性租赁住房所提供的材料载明的住房、就业等情况均未发生变化。如有虚假，自愿放弃申请或退出"
    "已享受的住房保障政策待遇，并承担相应法律责任。",
    "二、本人授权并自愿配合不动产登记和住建部门核查房产情况。",
    "三、本人授权并自愿配合从人力资源和社会保障、税务、市场监管、公安、住房公积金等部门和机构获取本人的就业、"
    "户籍(居住证)、纳税、企业注册、经营、公积金等方面的信息，并对相关信息进行核查。",
    "四、本《承诺、声明及授权》在申请及保障期间一直有效。",
)


def profile_of(session: Session, user_id: int) -> TenantProfile | None:
    return session.get(TenantProfile, user_id)


def commitment_of(session: Session, user_id: int) -> TenantCommitment | None:
    return session.scalar(select(TenantCommitment).where(TenantCommitment.user_id == user_id)
                          .order_by(TenantCommitment.id.desc()).limit(1))


def save_profile(session: Session, user: User, data: ProfileIn) -> TenantProfile:
    if data.employer_organization_id is not None and session.get(
            Organization, data.employer_organization_id) is None:
        raise InvalidInput("工作单位未在平台登记", field="employer_organization_id")
    profile = profile_of(session, user.id) or TenantProfile(user_id=user.id)
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


def registry_facts(session: Session, person: User) -> tuple[list[art32.PropertyRecord],
                                                           art32.PublicRentalRecord | None]:
    """What 不动产登记 and 住房保障 hold for this person (found by the keyed 身份证 digest)."""
    digest = person.id_number_digest
    if digest is None:
        return [], None
    properties = [art32.PropertyRecord(r.address, r.district, r.acquired_on) for r in session.scalars(
        select(PropertyRecord).where(PropertyRecord.id_number_digest == digest))]
    rental = session.scalar(select(PublicRentalRecord).where(
        PublicRentalRecord.id_number_digest == digest).order_by(PublicRentalRecord.id.desc()).limit(1))
    return properties, (art32.PublicRentalRecord(rental.qualified, rental.receiving) if rental else None)


def eligibility(session: Session, person: User, declaration: DeclarationIn | dict[str, Any],
                on: date) -> tuple[Decision, tuple[Finding, ...]]:
    """第三十二条 for ``person`` on ``on``: the decision and the registry conflicts."""
    if isinstance(declaration, dict):
        declaration = DeclarationIn(**declaration)
    profile = profile_of(session, person.id)
    properties, rental = registry_facts(session, person)
    facts = art32.ApplicantFacts(
        individual=person.role == Role.tenant,
        residence_district=profile.residence_district if profile else None,
        work_district=profile.work_district if profile else None,
        declaration=art32.Declaration(declaration.owns_home_in_central_area,
                                      declaration.public_rental_qualified,
                                      declaration.receiving_public_rental),
        properties=properties, public_rental=rental)
    return art32.check_eligibility(facts, on), art32.registry_conflicts(facts, on)


def eligibility_view(decision: Decision, conflicts: tuple[Finding, ...], on: date) -> dict[str, Any]:
    return {"ok": decision.ok, "findings": [f.as_dict() for f in decision.findings],
            "conflicts": [f.as_dict() for f in conflicts], "decided_on": on.isoformat()}


def require_ready(session: Session, person: User) -> TenantCommitment:
    """A person may apply only with a profile and the signed annex-4 commitment (第三十三条)."""
    if profile_of(session, person.id) is None:
        raise RuleViolation("请先填写居住地、工作单位等个人信息", violations=[Finding(
            "第三十二条", "profile_missing", "申请前须填写居住地、工作地和工作单位", field="profile")])
    signed = commitment_of(session, person.id)
    if signed is None:
        raise RuleViolation("请先签署附件4个人承诺、申明及授权", violations=[Finding(
            "第三十三条", "commitment_missing", "申请人须签署个人承诺、申明及授权（附件4）后方可申请",
            field="commitment")])
    return signed


def tenant_view(session: Session, user: User) -> dict[str, Any]:
    profile, signed = profile_of(session, user.id), commitment_of(session, user.id)
    return {
        "user_id": user.id, "full_name": user.full_name,
        "id_number": decrypt_id_number(user.id_number_enc) if user.id_number_enc else None,
        "phone": user.phone,
        "residence_district": profile.residence_district if profile else None,
        "work_district": profile.work_district if profile else None,
        "employer_name": profile.employer_name if profile else None,
        "employer_organization_id": profile.employer_organization_id if profile else None,
        "commitment": ({"text_version": signed.text_version, "clauses": signed.clauses,
                        "signed_at": signed.signed_at} if signed else None),
        "commitment_text": list(COMMITMENT_CLAUSES), "commitment_text_version": COMMITMENT_VERSION,
    }

