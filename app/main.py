"""create_app(): routers, error handlers, templates and static files."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import PROJECT_ROOT
from app.access.api import router as access_router
from app.accounts.api import router as auth_router
from app.accounts.security import prepare_password_checks
from app.approval.api import public as certificates_router
from app.approval.api import router as projects_router
from app.calendar.api import router as calendar_router
from app.contracts.api import public as contracts_public_router
from app.contracts.api import router as contracts_router
from app.core.config import SettingsError, get_settings
from app.core.db import database
from app.core.errors import install_error_handlers
from app.core.health import router as health_router
from app.core.http_hygiene import install as install_http_hygiene
from app.jobs.api import router as jobs_router
from app.leases.api import public as leases_public_router
from app.leases.api import router as leases_router
from app.notices.api import router as notices_router
from app.operation.api import public as lifecycle_public_router
from app.operation.api import router as lifecycle_router
from app.oversight.api import dashboard_router
from app.oversight.api import router as audit_router
from app.parameters.api import router as parameters_router
from app.planning.api import public as planning_public_router
from app.planning.api import router as planning_router
from app.reminders.api import router as reminders_router
from app.tenants.api import public as tenants_public_router
from app.tenants.api import router as tenants_router
from app.upkeep.api import router as upkeep_router
from app.web.core import error_page
from app.web.routes import router as pages_router

API_PREFIX = "/api/v1"


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    await prepare_password_checks()  # the unknown-user hash, made once before any login
    # What start-up built (routes, models, templates, compiled statements) lives as long as
    # the process: keep it out of the garbage collector's full passes, which otherwise stall
    # the loop for tens of milliseconds now and then (the p99 of every request).
    gc.collect()
    gc.freeze()
    yield
    await database().adispose()  # close this loop's pooled connections


def create_app() -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        get_settings()  # read first here: unusable settings stop the start, naming no value
    except SettingsError as exc:
        logging.getLogger("baozu").critical("保租通无法启动：%s", exc)
        raise
    # BAOZU_API_DOCS: the Swagger UI and the OpenAPI document; not served in production unless
    # asked for (their paths then answer 404 like any unknown address)
    docs = get_settings().api_docs_served
    app = FastAPI(
        title="保租通 API",
        description="景德镇市中心城区保障性租赁住房租赁平台（景府办发〔2022〕3号）",
        version="0.1.0",
        openapi_url=f"{API_PREFIX}/openapi.json" if docs else None,
        docs_url="/api/docs" if docs else None,
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app, page_error=error_page)
    install_http_hygiene(app)
    # Included straight into the app (no intermediate router): every level of inclusion is
    # another linear scan of its routes for each request.
    for router in (auth_router, calendar_router, parameters_router, audit_router, dashboard_router,
                   projects_router,
                   certificates_router, lifecycle_router, lifecycle_public_router, tenants_router,
                   tenants_public_router, leases_router, leases_public_router, contracts_router,
                   contracts_public_router,
                   upkeep_router, access_router, jobs_router, notices_router, reminders_router,
                   planning_router, planning_public_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(PROJECT_ROOT / "static")), name="static")
    return app


app = create_app()
