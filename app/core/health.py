"""Liveness (``/healthz``) and readiness (``/readyz``: database reachable, schema at head)."""

from __future__ import annotations

from functools import cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from app import PROJECT_ROOT
from app.core.db import database
from app.core.errors import problem_response

router = APIRouter(tags=["运行状态"])


def alembic_config() -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return cfg


@cache
def head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _current_heads(conn: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(conn).get_current_heads())


@router.get("/readyz", response_model=None)
async def readyz() -> dict[str, object] | JSONResponse:
    try:
        async with database().state().engine.connect() as conn:
            current = await conn.run_sync(_current_heads)
    except (SQLAlchemyError, OSError):
        return problem_response({"type": "/problems/not-ready", "title": "服务未就绪",
                                 "status": 503, "detail": "数据库无法访问"})
    if current != head_revisions():
        return problem_response({"type": "/problems/not-ready", "title": "服务未就绪",
                                 "status": 503, "detail": "数据库结构不是最新版本，请先运行 baozu migrate"})
    return {"status": "ready", "revision": sorted(current)}
