"""All page routes, in one router that ``create_app()`` includes (see README-pages.md)."""

from __future__ import annotations

from fastapi import APIRouter

from app.web import (
    admin,
    auditor,
    department,
    developer,
    leader,
    leases,
    office,
    operation,
    pages,
    parameters,
    projects,
    public,
    session,
    tenant,
    upkeep,
)

router = APIRouter(include_in_schema=False)
# Order matters only where paths overlap: /leases/new before /leases/{id}, which the
# ``:int`` converters already keep apart.
for module in (public, session, pages, projects, developer, office, department, leader, tenant,
               leases, operation, auditor, admin, parameters, upkeep):
    router.include_router(module.router)
