"""All page routes, in one router that ``create_app()`` includes (see README-pages.md)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from app import PROJECT_ROOT
from app.web import (
    access,
    admin,
    auditor,
    contracts,
    department,
    developer,
    leader,
    leases,
    notices,
    office,
    operation,
    pages,
    parameters,
    planning,
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
               leases, contracts, operation, auditor, admin, parameters, upkeep, notices, planning,
               access):
    router.include_router(module.router)


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """The site icon browsers ask for at ``/favicon.ico`` (the pages also link it)."""
    return FileResponse(PROJECT_ROOT / "static" / "favicon.ico", media_type="image/x-icon")
