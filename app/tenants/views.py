"""Presenters of the tenants domain: ORM objects → the dicts the routes and pages show.

A page of objects is presented with a fixed number of reads (through
:mod:`app.tenants.repository`) whatever its size; ``allowed_actions`` is what the transition
table (:mod:`app.tenants.workflows`) lets the viewer do with each object now.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.core.paging import Page, mapped, mapped_all
from app.core.personal_data import decrypt_id_number
from app.tenants import repository
from app.tenants.enums import ApplicationStatus, LotteryStatus
from app.tenants.models import (
    COMMITMENT_CLAUSES,
    COMMITMENT_VERSION,
    Lottery,
    RegistryImport,
    TenantApplication,
)
from app.tenants.workflows import TENANT_APPLICATION
from rules import format as fmt
from rules.art36_37_rent import lease_rent_cap
from rules.decision import Decision
from rules.identifiers import mask_id_number
from rules.project_facts import UnitKind

# ---- the tenant themself ---------------------------------------------------------------------


def tenant_view(session: Session, user: User) -> dict[str, Any]:
    """``TenantRead``: the person, their profile, their commitment and its text."""
    profile, signed = repository.profile_of(session, user.id), repository.commitment_of(session, user.id)
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


def declaration_values(session: Session, user: User) -> dict[str, str]:
    """The declaration of the person's latest commitment as the pages' form values."""
    signed = repository.commitment_of(session, user.id)
    if signed is None:
        return {}
    d = signed.declaration
    return {"owns_home_in_central_area": "true" if d.get("owns_home_in_central_area") else "false",
            "public_rental_qualified": "on" if d.get("public_rental_qualified") else "",
            "receiving_public_rental": "on" if d.get("receiving_public_rental") else ""}


def fund_check_view(decision: Decision) -> dict[str, Any]:
    """``FundCheckRead``: the 第二十二条 decision with its reasons."""
    return {"eligible": decision.ok, "findings": [f.as_dict() for f in decision.findings]}


def import_view(batch: RegistryImport, transitions_started: int | None = None) -> dict[str, Any]:
    """``ImportRead`` of a stored batch."""
    view: dict[str, Any] = {"id": batch.id, "kind": batch.kind, "filename": batch.filename,
                            "rows": batch.rows}
    if transitions_started is not None:
        view["transitions_started"] = transitions_started
    return view


# ---- applications ------------------------------------------------------------------------------

def application_view(session: Session, user: User, application: TenantApplication) -> dict[str, Any]:
    """``ApplicationRead`` of one application, as ``user`` sees it."""
    return application_views(session, user, [application])[0]


def application_views(session: Session, user: User,
                      found: list[TenantApplication]) -> list[dict[str, Any]]:
    """``ApplicationRead`` of a page of applications: applicants and window clerks, projects
    and priority groups each read once for the whole page."""
    if not found:
        return []
    people = repository.people(session, {a.applicant_id for a in found}
                               | {a.taken_by_id for a in found if a.taken_by_id})
    projects = repository.project_names(session, {a.project_id for a in found})
    groups = repository.priority_group_names(
        session, {a.priority_group_id for a in found if a.priority_group_id})
    return [_application_view(user, a, people, projects, groups) for a in found]


def applications_page(session: Session, user: User, found: Page[TenantApplication]
                      ) -> Page[dict[str, Any]]:
    """A page of applications as :func:`application_views` (a constant number of statements)."""
    return mapped_all(found, lambda items: application_views(session, user, items))


def _application_view(user: User, application: TenantApplication, people: dict[int, User],
                      projects: dict[int, str], groups: dict[int, str]) -> dict[str, Any]:
    person = people.get(application.applicant_id)
    taken = people.get(application.taken_by_id) if application.taken_by_id else None
    number = decrypt_id_number(person.id_number_enc) if person and person.id_number_enc else None
    eligibility = {k: v for k, v in application.eligibility.items() if k != "declaration"}
    return {
        "id": application.id, "project_id": application.project_id,
        "project_name": projects.get(application.project_id, ""),
        "applicant_name": person.full_name if person else "",
        "applicant_id_number_masked": mask_id_number(number) if number else None,
        "channel": application.channel, "taken_by": taken.full_name or taken.username if taken else None,
        "status": application.status, "status_label": ApplicationStatus.label_of(application.status),
        "eligibility": eligibility,
        "priority_group": groups.get(application.priority_group_id)
        if application.priority_group_id else None,
        "submitted_at": application.submitted_at, "decided_at": application.decided_at,
        "decision_reason": application.decision_reason,
        "allocation_rank": application.allocation_rank, "lottery_id": application.lottery_id,
        "allowed_actions": TENANT_APPLICATION.allowed(user, application),
    }


# ---- housing on offer, lotteries -------------------------------------------------------------

def housing_page(found: Page[Any]) -> Page[dict[str, Any]]:
    """``HousingRead`` of a page of :func:`app.tenants.repository.housing_on_offer` rows."""
    return mapped(found, housing_view)


def housing_view(row: Any) -> dict[str, Any]:
    return {"project_id": row.id, "name": row.name, "district": row.district,
            "address": row.address, "operator": row.operator_unit_name,
            "units_available": row.units_available, "rates": row.rates}


def with_unit_types(session: Session, page: Page[dict[str, Any]]) -> Page[dict[str, Any]]:
    """Each project of a housing page with its unit types on offer: type, kind, building area,
    count and the monthly rent (area × the filed standard for that type, 第三十六、三十七条)."""
    rows = repository.housing_unit_types(session, [h["project_id"] for h in page.items])
    by_project: dict[int, list[dict[str, Any]]] = {}
    for h in page.items:
        by_project[h["project_id"]] = h["unit_types"] = []
    for r in rows:
        housing = next(h for h in page.items if h["project_id"] == r.project_id)
        rate = _rate_for(housing["rates"], r.unit_type)
        by_project[r.project_id].append({
            "unit_type": r.unit_type or "—", "kind": UnitKind(r.kind).label,
            "area": fmt.area(r.building_area_m2), "count": r.count,
            "monthly_rent": fmt.yuan(lease_rent_cap(r.building_area_m2, rate)) if rate else None})
    return page


def _rate_for(rates: list[dict[str, Any]], unit_type: str | None) -> Decimal | None:
    """The filed rate of a unit type, or the project's single rate for every type."""
    exact = [r for r in rates if r.get("unit_type") == unit_type and unit_type]
    general = [r for r in rates if not r.get("unit_type")]
    chosen = (exact or general or [None])[0]
    return Decimal(str(chosen["rate_per_m2"])) if chosen else None


def lottery_view(lottery: Lottery) -> dict[str, Any]:
    """``LotteryRead``, what anyone may see: the commitment and the list before the draw; the
    seed and the order after it."""
    drawn = lottery.status == LotteryStatus.drawn
    return {"id": lottery.id, "project_id": lottery.project_id, "status": lottery.status,
            "commitment": lottery.commitment,
            "applicants": [(key, rank) for key, rank in lottery.applicants],
            "units_available": lottery.units_available, "committed_at": lottery.committed_at,
            "seed": lottery.seed if drawn else None, "order": lottery.order if drawn else None,
            "drawn_at": lottery.drawn_at}
