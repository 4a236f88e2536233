"""Steps that span tenants and leases.

The tenants domain (profiles, the registry, applications) sits below leases and never sees a
lease; where one of its steps depends on leases, the step is composed here:

* applying for housing — one home per person (第三十三条): refused while the applicant holds,
  or occupies under an employer, a running lease;
* the 第二十二条 housing-fund check — it asks whether the tenant rents such housing;
* a property import from 不动产登记 — each tenant it shows now owning a home in the central
  area enters the 过渡期 of 第三十八条.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.service import Actor
from app.core import clock
from app.leases import repository, service
from app.tenants import applications, registry
from app.tenants import repository as tenants_repo
from app.tenants.enums import RegistryKind
from app.tenants.models import RegistryImport, TenantApplication
from app.tenants.schemas import ApplicationIn
from rules.art22_housing_fund import housing_fund_eligibility
from rules.decision import Decision


def apply(session: Session, user: User, data: ApplicationIn) -> TenantApplication:
    """File an application (online, or at the window by the office) with its 第三十二条 decision."""
    return applications.apply(session, user, data,
                              holds_lease=lambda person_id: repository.has_active_lease(session, person_id))


def housing_fund_check(session: Session, user: User, months: int, continuous: bool,
                       spouse_owns_home: bool) -> Decision:
    """第二十二条: may this tenant withdraw housing-fund money to pay the rent?"""
    today = clock.today()
    properties, _ = tenants_repo.registry_facts(session, user)
    owns = any(p.acquired_on is None or p.acquired_on <= today for p in properties)
    return housing_fund_eligibility(months, continuous, owns, spouse_owns_home,
                                    repository.has_active_lease(session, user.id, pending=False), today)


def import_registry(session: Session, actor: Actor, kind: str, filename: str, content: bytes,
                    rows: list[Any] | None = None) -> tuple[RegistryImport, int]:
    """Store a registry file (all rows or none; ``rows`` if already parsed) and, for a
    property import, start the transitions it calls for: the batch and how many started."""
    batch = registry.store(session, kind=kind, filename=filename, content=content,
                           rows=registry.parser(kind)(content) if rows is None else rows, actor=actor)
    started = (service.transitions_from_registry(session, actor, batch.id)
               if kind == RegistryKind.properties else 0)
    return batch, started
