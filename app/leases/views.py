"""Presenters of the leases domain: ORM objects → the dicts the routes and pages show.

A page of leases is presented with a fixed number of reads (through
:mod:`app.leases.repository`) whatever its size; ``allowed_actions`` is what the transition
tables (:mod:`app.leases.workflows`) let the viewer do with each lease or violation now.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.enums import Role
from app.accounts.models import User
from app.core import clock
from app.core.paging import Page, mapped, mapped_all
from app.leases import repository
from app.leases.enums import (
    HOLDING,
    LeaseKind,
    LeaseStatus,
    OccupantStatus,
    ViolationStatus,
    violation_kind_label,
)
from app.leases.models import Lease
from app.leases.workflows import LEASE, OCCUPANT, VIOLATION, OccupantNow
from rules.art36_37_rent import lease_rent_cap


def masked_name(name: str | None) -> str:
    """张三 → 张*, 李小青 → 李*青: enough to recognise, not to identify (PIPL)."""
    if not name:
        return "*"
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# ---- leases ------------------------------------------------------------------------------------

def lease_view(session: Session, user: User, lease: Lease) -> dict[str, Any]:
    """``LeaseRead`` of one lease, as ``user`` sees it."""
    return lease_views(session, user, [lease])[0]


def leases_page(session: Session, user: User, found: Page[Lease]) -> Page[dict[str, Any]]:
    """A page of leases as :func:`lease_views` (a constant number of statements)."""
    return mapped_all(found, lambda items: lease_views(session, user, items))


def lease_views(session: Session, user: User | None, leases: list[Lease]) -> list[dict[str, Any]]:
    """``LeaseRead`` of a page of leases, with their units, projects and parties in few reads;
    ``allowed_actions``: the steps ``user`` may take on each now (none without a user)."""
    if not leases:
        return []
    units = repository.units(session, {lease.unit_id for lease in leases})
    projects = repository.projects(session, {lease.project_id for lease in leases})
    orgs = repository.organization_names(session, {lease.operator_organization_id for lease in leases} | {
        lease.employer_organization_id for lease in leases if lease.employer_organization_id})
    people = repository.full_names(session, {lease.tenant_id for lease in leases if lease.tenant_id})
    allowed = ([LEASE.allowed(user, now) for now in repository.leases_now(session, user, leases)]
               if user is not None else [[] for _ in leases])
    views = []
    for lease, actions in zip(leases, allowed, strict=True):
        unit, project = units[lease.unit_id], projects[lease.project_id]
        views.append({
            "id": lease.id, "number": lease.number, "kind": lease.kind, "status": lease.status,
            "status_label": LeaseStatus.label_of(lease.status), "project_id": project.id,
            "project_name": project.name, "unit_id": unit.id, "building": unit.building,
            "unit_number": unit.number, "building_area_m2": lease.building_area_m2,
            "tenant_name": people.get(lease.tenant_id) if lease.tenant_id else None,
            "employer": orgs.get(lease.employer_organization_id) if lease.employer_organization_id else None,
            "operator": orgs[lease.operator_organization_id], "start_on": lease.start_on,
            "end_on": lease.end_on, "ends_on": lease.ends_on, "monthly_rent": lease.monthly_rent,
            "rate_per_m2": lease.rate_per_m2,
            "rent_cap": lease_rent_cap(lease.building_area_m2, lease.rate_per_m2),
            "prepaid_rent": lease.prepaid_rent, "deposit": lease.deposit, "signed_on": lease.signed_on,
            "previous_lease_id": lease.previous_lease_id, "home_acquired_on": lease.home_acquired_on,
            "transition_ends_on": lease.transition_ends_on, "market_rent_from": lease.market_rent_from,
            "transition_monthly_rent": lease.transition_monthly_rent,
            "extension_requested_to": lease.extension_requested_to,
            "extension_status": lease.extension_status,
            "verification_code": lease.verification_code,
            "verify_reference": repository.verify_reference(lease),
            "allowed_actions": actions,
        })
    return views


def verify_view(session: Session, lease: Lease) -> dict[str, Any]:
    """``LeaseVerifyRead``: the public check of an electronic lease (第二十三条); the tenant's
    name is masked."""
    view = lease_views(session, None, [lease])[0]
    project = repository.project(session, lease.project_id)
    running = lease.status in HOLDING
    valid = running and clock.today() <= lease.ends_on
    party = view["tenant_name"] if lease.kind == LeaseKind.individual else view["employer"]
    return {"number": lease.number, "valid": valid,
            "status_label": "已到期" if running and not valid else LeaseStatus.label_of(lease.status),
            "project_name": view["project_name"],
            "address": project.address if project else "", "building": view["building"],
            "unit_number": view["unit_number"], "building_area_m2": view["building_area_m2"],
            "start_on": lease.start_on, "ends_on": lease.ends_on,
            "tenant": masked_name(party) if lease.kind == LeaseKind.individual else (party or ""),
            "operator": view["operator"]}


# ---- occupants: invitations and placements ------------------------------------------------------

# Who reads a placed person's full name under an employer's lease: the city's staff. Everyone
# else (the employer, the operator, the other occupants) reads it masked.
FULL_NAMES = (Role.office, Role.auditor, Role.admin)


def occupants_page(found: Page[Any], lease: Lease, user: User) -> Page[dict[str, Any]]:
    """``OccupantRead`` of a page of :func:`app.leases.repository.occupants` rows, as ``user``
    sees them (with the steps the table lets them take on each now)."""
    return mapped(found, lambda row: occupant_view(row, lease, user))


def occupant_view(row: Any, lease: Lease, user: User) -> dict[str, Any]:
    """One invitation or placement: the number as the employer typed it (masked), and a name
    only once the person accepted — masked, except for the city's staff."""
    o, person, _ = row
    name = None
    if person is not None:
        name = person.full_name if user.role in FULL_NAMES else masked_name(person.full_name)
    return {"id": o.id, "status": o.status, "status_label": OccupantStatus.label_of(o.status),
            "name": name, "id_number_masked": o.id_number_masked, "invited_on": o.invited_on,
            "answered_on": o.answered_on, "moved_in_on": o.moved_in_on,
            "moved_out_on": o.moved_out_on,
            "eligible": bool(o.eligibility.get("ok")) if o.eligibility is not None else None,
            "allowed_actions": OCCUPANT.allowed(user, OccupantNow(o, lease))}


def placements_page(session: Session, user: User, found: Page[Any]) -> Page[dict[str, Any]]:
    """``PlacementRead`` of a page of the invitations addressed to ``user`` (a constant number
    of statements: their leases, units, projects and organisations, each in one read)."""
    return mapped_all(found, lambda items: placement_views(session, user, items))


def placement_view(session: Session, user: User, occupant: Any) -> dict[str, Any]:
    return placement_views(session, user, [occupant])[0]


def placement_views(session: Session, user: User, occupants: list[Any]) -> list[dict[str, Any]]:
    if not occupants:
        return []
    leases = repository.leases_by_id(session, {o.lease_id for o in occupants})
    units = repository.units(session, {lease.unit_id for lease in leases.values()})
    projects = repository.projects(session, {lease.project_id for lease in leases.values()})
    orgs = repository.organization_names(session, {
        org for lease in leases.values()
        for org in (lease.operator_organization_id, lease.employer_organization_id) if org})
    views = []
    for o in occupants:
        lease = leases[o.lease_id]
        unit, project = units[lease.unit_id], projects[lease.project_id]
        views.append({
            "id": o.id, "status": o.status, "status_label": OccupantStatus.label_of(o.status),
            "lease_id": lease.id, "lease_number": lease.number,
            "employer": orgs.get(lease.employer_organization_id or 0, ""),
            "operator": orgs.get(lease.operator_organization_id, ""),
            "project_name": project.name, "address": project.address, "building": unit.building,
            "unit_number": unit.number, "building_area_m2": unit.building_area_m2,
            "lease_start_on": lease.start_on, "lease_ends_on": lease.ends_on,
            "invited_on": o.invited_on, "answered_on": o.answered_on, "moved_in_on": o.moved_in_on,
            "moved_out_on": o.moved_out_on,
            "allowed_actions": OCCUPANT.allowed(user, OccupantNow(o, lease))})
    return views


# ---- violations and credit records -------------------------------------------------------------

def credit_page(found: Page[Any]) -> Page[dict[str, Any]]:
    """``CreditEntry`` of a page of :func:`app.leases.repository.credit` rows."""
    return mapped(found, credit_entry)


def credit_entry(row: Any, user: User | None = None) -> dict[str, Any]:
    """``CreditEntry`` of a (violation, project name, lease number, id) row; with ``user``,
    also the steps they may take on the violation now (``allowed_actions``, for the pages)."""
    v, name, number, _ = row
    entry = {"violation_id": v.id, "party": v.party, "kind": v.kind,
             "kind_label": violation_kind_label(v.party, v.kind),
             "description": v.description, "recorded_on": v.recorded_on, "rectify_by": v.rectify_by,
             "status": v.status, "status_label": ViolationStatus.label_of(v.status),
             "resolved_on": v.resolved_on, "project_name": name, "lease_number": number}
    if user is not None:
        entry["allowed_actions"] = VIOLATION.allowed(user, v)
    return entry
