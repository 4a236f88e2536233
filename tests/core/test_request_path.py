"""The request path under a crowd (issue 12): no worker threads, writers queue and never get a
5xx, reads cannot write, and every export is on the audit trail before its first byte.

The crowd tests run the app's own request path (async engines, the SQLite write gate, the
PostgreSQL pool) on a throwaway database, many requests at once on one event loop.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.approval.models import Project
from app.audit.service import verify
from app.core.db import ReadOnlyRequest, database, request_writes
from app.main import app
from app.oversight import exports
from app.seed import DEMO_PASSWORD, seed_demo
from tests.approval.conftest import application
from tests.conftest import fake_id_number
from tests.security.conftest import app_database, fresh_sqlite

# ---- the shape of the request path ---------------------------------------------------------


def _calls(dependant: Any) -> Iterator[Any]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _on_loop(call: Any) -> bool:
    return (inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)
            or inspect.iscoroutinefunction(type(call).__call__))


def test_no_route_or_dependency_runs_on_a_worker_thread() -> None:
    """FastAPI runs a plain function on a worker thread; every route and dependency of this
    app runs on the event loop instead (plain ones in a greenlet), so requests never wait
    for threads while holding pooled connections."""
    found, routes = [], 0
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            routes += 1
            found += [f"{sorted(route.methods)} {route.path}: {getattr(c, '__qualname__', c)}"
                      for c in _calls(route.dependant) if c is not None and not _on_loop(c)]
    assert routes > 150 and found == []


class _Request:
    def __init__(self, method: str, endpoint: Any) -> None:
        self.method, self.scope = method, {"endpoint": endpoint}


def test_which_requests_may_write() -> None:
    def plain() -> None: ...

    assert not request_writes(_Request("GET", plain))  # type: ignore[arg-type]
    assert request_writes(_Request("POST", plain))  # type: ignore[arg-type]
    from app.oversight.api import export_by_body, export_csv

    assert not request_writes(_Request("POST", export_by_body))  # type: ignore[arg-type]
    assert not request_writes(_Request("GET", export_csv))  # type: ignore[arg-type]


def test_a_read_only_request_cannot_write(session: Session, make_user) -> None:
    user = make_user("office")
    session.info["read_only"] = True
    try:
        with pytest.raises(ReadOnlyRequest):
            session.execute(update(User).where(User.id == user.id).values(full_name="x"))
        with pytest.raises(ReadOnlyRequest):
            session.execute(text("DELETE FROM login_failure"))
        user.full_name = "改名"
        with pytest.raises(ReadOnlyRequest):
            session.flush()
        session.rollback()
    finally:
        session.info["read_only"] = False
    assert session.scalar(select(User.full_name).where(User.id == user.id)) != "改名"


# ---- crowds on the real request path -------------------------------------------------------

def _seeded(url: str) -> None:
    engine = create_engine(url)
    with Session(engine) as s, s.begin():
        seed_demo(s)
    engine.dispose()


async def _token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token",
                                 data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _crowd(writers: int) -> Counter[str]:
    """``writers`` requests at once: new applications by two developers, tenants registering,
    and the office accepting the same submitted application many times over (one wins)."""
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://baozu",
                                     timeout=120) as client:
            devs = await asyncio.gather(*(_token(client, u) for u in ("dev1", "dev2")))
            office = await _token(client, "office1")
            listed = (await client.get("/api/v1/projects?limit=200", headers=office)).json()
            submitted = next(p["id"] for p in listed if p["status"] == "submitted")

            def register(i: int) -> Any:
                return client.post("/api/v1/auth/register", json={
                    "username": f"crowd{i}", "password": "crowd-password-2026",
                    "full_name": "人群测试", "id_number": fake_id_number(), "phone": "13912345678"})

            jobs = []
            for i in range(writers):
                if i % 3 == 0:
                    jobs.append(client.post("/api/v1/projects", headers=devs[i % 2],
                                            json=application(name=f"并发申报{i}")))
                elif i % 3 == 1:
                    jobs.append(register(i))
                else:
                    jobs.append(client.post(f"/api/v1/projects/{submitted}/accept", headers=office,
                                            json={}))
            responses = await asyncio.gather(*jobs)
    finally:
        await database().adispose()
    return Counter(f"{r.request.method} {r.request.url.path.split('/')[-1]} {r.status_code}"
                   for r in responses)


def _check(url: str, statuses: Counter[str], writers: int) -> None:
    assert not [s for s in statuses if s.split()[-1].startswith("5")], statuses
    creations, registrations = len(range(0, writers, 3)), len(range(1, writers, 3))
    assert statuses["POST projects 201"] == creations, statuses
    assert statuses["POST register 201"] == registrations, statuses
    assert statuses["POST accept 200"] == 1, statuses  # one office user wins, the rest: 409
    assert statuses["POST accept 409"] == len(range(2, writers, 3)) - 1, statuses
    engine = create_engine(url)
    with Session(engine) as s:
        stored = s.scalar(select(func.count()).select_from(Project)
                          .where(Project.name.like("并发申报%")))
        assert stored == creations
        assert verify(s).ok  # every change wrote its audit event, in one linear chain
    engine.dispose()


def test_fifty_writers_at_once_on_sqlite_queue_and_none_fails(tmp_path) -> None:
    url = fresh_sqlite(tmp_path)
    _seeded(url)
    with app_database(url):
        statuses = asyncio.run(_crowd(50))
    _check(url, statuses, 50)


@pytest.mark.postgres
def test_a_hundred_writers_at_once_on_postgresql(pg_database) -> None:
    _seeded(pg_database)
    with app_database(pg_database):
        statuses = asyncio.run(_crowd(100))
    _check(pg_database, statuses, 100)


# ---- exports: audited before the first byte --------------------------------------------------

async def _exports_with_writes(exports_n: int, writes_n: int) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://baozu",
                                     timeout=120) as client:
            auditor, dev = await _token(client, "auditor1"), await _token(client, "dev1")
            jobs = [client.get("/api/v1/audit/leases.csv", headers=auditor)
                    for _ in range(exports_n)]
            jobs += [client.post("/api/v1/projects", headers=dev, json=application(name=f"导出时申报{i}"))
                     for i in range(writes_n)]
            return await asyncio.gather(*jobs)
    finally:
        await database().adispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_every_export_sent_has_its_audit_event(kind, tmp_path, request) -> None:
    url = fresh_sqlite(tmp_path) if kind == "sqlite" else request.getfixturevalue("pg_database")
    _seeded(url)
    with app_database(url):
        responses = asyncio.run(_exports_with_writes(8, 16))
    sent = [r for r in responses if r.request.url.path.endswith(".csv") and r.status_code == 200]
    assert len(sent) == 8 and all("合同编号" in r.text for r in sent)
    assert all(r.status_code == 201 for r in responses if r.request.method == "POST")
    engine = create_engine(url)
    with engine.connect() as conn:
        actions = Counter(conn.execute(text(
            "SELECT action FROM audit_event WHERE action LIKE 'audit.leases_export%'")).scalars())
    engine.dispose()
    assert actions == {"audit.leases_exported": 8, "audit.leases_export_finished": 8}


def test_an_export_that_cannot_be_audited_is_refused_and_sends_nothing(
        client, make_user, login, monkeypatch) -> None:
    headers = login(make_user("auditor"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_event", {}, Exception("disk full"))

    monkeypatch.setattr(exports.service, "record", refuse)
    for response in (client.get("/api/v1/audit/leases.csv", headers=headers),
                     client.get("/api/v1/audit/leases.xlsx", headers=headers),
                     client.post("/api/v1/audit/leases/export", headers=headers, json={})):
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "合同编号" not in response.text and response.headers.get("retry-after")
