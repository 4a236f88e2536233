"""The application window: a project opens and the crowd arrives (issue 12).

500 registered tenants (profile and annex-4 commitment done) log in and apply to the demo
city's certified project within about ten seconds, while five office users work the queue
(each lists the waiting applications and approves those of their desk, one by one) and two
auditors search leases and download the CSV export, against a real uvicorn server on
PostgreSQL or on SQLite. Passwords use a low Argon2 cost (bench/common.py), so logins
measure the service rather than the hash.

Prints, per endpoint, the status counts and p50/p95/p99 latencies, then checks the two
targets: no 5xx at all, and every export that was sent is on the audit trail
(``audit.leases_exported`` before its first byte, ``audit.leases_export_finished`` after).

    .venv/bin/python -m bench.application_window --db postgresql
    .venv/bin/python -m bench.application_window --db sqlite
    .venv/bin/python -m bench.application_window --db postgresql --workers 2 --tenants 1000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter, defaultdict
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bench.common import DEMO_PASSWORD, _env, database, server

PASSWORD = "window-password-2026"


def register_tenants(url: str, count: int) -> int:
    """``count`` tenants ready to apply; returns the certified project's id."""
    import os

    os.environ.update(_env(url))
    from app.accounts import service as accounts
    from app.accounts.enums import Role
    from app.accounts.schemas import UserCreate
    from app.approval.models import Project
    from app.audit.service import SYSTEM
    from app.tenants import service as tenants
    from app.tenants.schemas import CommitmentIn, DeclarationIn, ProfileIn
    from rules.identifiers import id_number_check_character

    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        project = session.scalar(select(Project.id).where(Project.status == "certified")
                                 .order_by(Project.id))
        for i in range(count):
            body = f"360203{1960 + i // 1000:04d}0101{i % 1000:03d}"
            person = accounts.create_user(session, actor=SYSTEM, data=UserCreate(
                username=f"window{i}", password=PASSWORD, role=Role.tenant, full_name="申请人",
                id_number=body + id_number_check_character(body)))
            tenants.save_profile(session, person, ProfileIn(
                phone="13912345678", residence_district="珠山区", work_district="昌江区"))
            tenants.sign_commitment(session, person, CommitmentIn(
                clauses=[1, 2, 3, 4], declaration=DeclarationIn(owns_home_in_central_area=False)))
    engine.dispose()
    assert project is not None
    return project


class Recorder:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter[int]] = defaultdict(Counter)

    async def call(self, name: str, request: Any) -> httpx.Response:
        started = time.perf_counter()
        response = await request
        self.latency[name].append(time.perf_counter() - started)
        self.status[name][response.status_code] += 1
        return response

    def report(self) -> int:
        failures = 0
        print(f"{'endpoint':34} {'statuses':28} {'p50':>7} {'p95':>7} {'p99':>7}")
        for name in sorted(self.latency):
            ordered = sorted(self.latency[name])

            def q(p: float, ordered: list[float] = ordered) -> str:
                return f"{ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000:.0f}ms"

            statuses = ", ".join(f"{k}×{v}" for k, v in sorted(self.status[name].items()))
            failures += sum(v for k, v in self.status[name].items() if k >= 500)
            print(f"{name:34} {statuses:28} {q(0.5):>7} {q(0.95):>7} {q(0.99):>7}")
        return failures


async def tenant(client: httpx.AsyncClient, rec: Recorder, i: int, project: int,
                 start_at: float) -> None:
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    login = await rec.call("POST /auth/token", client.post(
        "/api/v1/auth/token", data={"username": f"window{i}", "password": PASSWORD}))
    if login.status_code != 200:
        return
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    await rec.call("GET /housing", client.get("/api/v1/housing"))
    await rec.call("POST /tenant-applications", client.post(
        "/api/v1/tenant-applications", headers=headers,
        json={"project_id": project, "declaration": {"owns_home_in_central_area": False}}))
    await rec.call("GET /tenant-applications", client.get("/api/v1/tenant-applications",
                                                           headers=headers))


async def office(client: httpx.AsyncClient, rec: Recorder, headers: dict[str, str],
                 until: float, reviewed: set[int], desk: int, desks: int) -> None:
    """One office user: reviews the waiting applications of their desk (id modulo desks)."""
    while time.perf_counter() < until:
        page = await rec.call("GET /tenant-applications (office)", client.get(
            "/api/v1/tenant-applications", params={"status": "submitted"}, headers=headers))
        waiting = [a["id"] for a in page.json() if a["id"] not in reviewed
                   and a["id"] % desks == desk] if page.is_success else []
        for application in waiting[:5]:
            reviewed.add(application)
            await rec.call("POST /tenant-applications/{id}/review", client.post(
                f"/api/v1/tenant-applications/{application}/review", headers=headers,
                json={"approve": True}))
        if not waiting:
            await asyncio.sleep(0.2)


async def auditor(client: httpx.AsyncClient, rec: Recorder, headers: dict[str, str],
                  until: float) -> None:
    while time.perf_counter() < until:
        await rec.call("GET /audit/leases", client.get("/api/v1/audit/leases",
                                                       params={"status": "active"}, headers=headers))
        async with client.stream("GET", "/api/v1/audit/leases.csv", headers=headers) as response:
            started = time.perf_counter()
            body = b"".join([chunk async for chunk in response.aiter_bytes()])
            rec.latency["GET /audit/leases.csv"].append(time.perf_counter() - started)
            rec.status["GET /audit/leases.csv"][response.status_code] += 1
            assert response.status_code != 200 or "合同编号".encode() in body


async def window(base: str, project: int, tenants: int, seconds: float) -> Recorder:
    rec = Recorder()
    limits = httpx.Limits(max_connections=tenants + 20, max_keepalive_connections=tenants + 20)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        async def token(username: str) -> dict[str, str]:
            response = await client.post("/api/v1/auth/token",
                                         data={"username": username, "password": DEMO_PASSWORD})
            response.raise_for_status()
            return {"Authorization": f"Bearer {response.json()['access_token']}"}

        office_users = await asyncio.gather(*(token(u) for u in ("office1",) * 5))
        auditors = await asyncio.gather(token("auditor1"), token("admin"))
        begin = time.perf_counter()
        until = begin + seconds + 5
        reviewed: set[int] = set()
        await asyncio.gather(
            *(tenant(client, rec, i, project, begin + seconds * i / tenants) for i in range(tenants)),
            *(office(client, rec, h, until, reviewed, desk, len(office_users))
              for desk, h in enumerate(office_users)),
            *(auditor(client, rec, h, until) for h in auditors))
    return rec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--tenants", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with database(args.db) as url:
        project = register_tenants(url, args.tenants)
        with server(url, args.workers) as base:
            started = time.perf_counter()
            rec = asyncio.run(window(base, project, args.tenants, args.seconds))
            elapsed = time.perf_counter() - started
        failures = rec.report()
        engine = create_engine(url)
        with engine.connect() as conn:
            events = Counter(conn.execute(text(
                "SELECT action FROM audit_event WHERE action LIKE 'audit.leases_export%'")).scalars())
            applied = conn.execute(select(func.count()).select_from(
                text("tenant_application"))).scalar_one()
        engine.dispose()
    exported = rec.status["GET /audit/leases.csv"][200]
    audited = events["audit.leases_exported"]
    print(f"\n{args.db}, {args.workers} worker(s), {args.tenants} tenants over {args.seconds:.0f} s "
          f"(whole run {elapsed:.1f} s); applications stored: {applied}")
    print(f"5xx responses: {failures} (target 0); exports sent: {exported}, audited before "
          f"sending: {audited}, finished events: {events['audit.leases_export_finished']}")
    print("targets met" if failures == 0 and audited >= exported else "TARGETS NOT MET")
    print(f"median tenant application latency: "
          f"{statistics.median(rec.latency['POST /tenant-applications']) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
