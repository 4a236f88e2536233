"""Door access at city scale (issue 19): ingestion through the HTTP API, the daily signal job over
60 days of events, and the storage a million events take on PostgreSQL.

    .venv/bin/python -m bench.access ingest  --seconds 20 --devices 40     # events/s, 1 worker
    .venv/bin/python -m bench.access signals --units 10000 --days 60       # the daily job
    (``signals`` also prints the storage per million events of the table it built)

``ingest``: a fresh PostgreSQL database with the demo city (its simulated month included); 40
devices registered through the API; one uvicorn worker; batches of 1,000 events (10% with
credentials the platform knows, the rest unknown, all new) prepared before timing and posted by
``--clients`` concurrent connections for ``--seconds``; every answer is checked (1,000 accepted).

``signals``: the same demo city plus ``--units`` units cloned in SQL with a lease in force each,
one bound card each, and ``--days`` days of 10 events a unit a day generated server-side
(INSERT … SELECT generate_series) into the partitioned table: 1% of units idle (no event in
the window), 0.5% lent (a card of the unit bound to nobody enters daily), 0.5% of tenants'
cards also entering at another project. Then the job (``access.signals``: unbind ended leases,
recompute every signal city-wide) is timed in one transaction, as the worker runs it, and the
signals found are checked against the planted ones.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.common import database, server, token

TARGET_EVENTS_PER_SECOND = 5000
TARGET_SIGNAL_SECONDS = 60


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"


# ---- ingestion ---------------------------------------------------------------------------------

def _bodies(n: int, known: list[str], seed: int) -> list[bytes]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    bodies = []
    for b in range(n):
        events = []
        for i in range(1000):
            credential = rng.choice(known) if known and rng.random() < 0.1 else f"U{rng.randrange(10**6)}"
            at = now - timedelta(seconds=rng.randrange(86400 * 7))
            events.append({"event_id": f"b{seed}-{b}-{i}", "credential_id": credential,
                           "occurred_at": at.isoformat(), "direction": rng.choice(("in", "out")),
                           "result": "granted"})
        bodies.append(json.dumps({"events": events}).encode())
    return bodies


async def _post_all(base: str, keys: list[str], bodies: list[bytes], clients: int, seconds: float
                    ) -> tuple[int, float, list[float]]:
    queue = list(enumerate(bodies))
    accepted, latencies = 0, []
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal accepted
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while queue and time.perf_counter() < deadline:
                i, body = queue.pop()
                started = time.perf_counter()
                response = await http.post("/api/v1/access/events", content=body, headers={
                    "Authorization": f"Device {keys[i % len(keys)]}", "Content-Type": "application/json"})
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text[:300]
                answer = response.json()
                assert answer["accepted"] == 1000, (answer["duplicates"], answer["refused"])
                accepted += answer["accepted"]

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return accepted, time.perf_counter() - started, latencies


def ingest(args: argparse.Namespace) -> None:
    with database("postgresql") as url, server(url) as base:
        headers = token(base, "dev1")
        project = httpx.get(f"{base}/api/v1/projects", headers=headers).json()[0]["id"]
        keys = [httpx.post(f"{base}/api/v1/access/projects/{project}/devices", headers=headers, json={
            "name": f"压测闸机{n}", "location_kind": "entrance", "location": f"{n}号门"}).json()["key"]
            for n in range(args.devices)]
        known = [c["external_id"] for c in httpx.get(
            f"{base}/api/v1/access/projects/{project}/credentials?limit=200", headers=headers).json()]
        needed = int(args.seconds * 12) + 10  # room for 12,000 events/s
        bodies = _bodies(needed, known, seed=1)
        asyncio.run(_post_all(base, keys, _bodies(3, known, seed=2), args.clients, 60))  # warm up
        accepted, elapsed, latencies = asyncio.run(_post_all(base, keys, bodies, args.clients, args.seconds))
        latencies.sort()
        rate = accepted / elapsed
        verdict = "OK" if rate >= TARGET_EVENTS_PER_SECOND else "UNDER TARGET"
        print(f"ingestion, PostgreSQL, 1 worker, {args.clients} clients, batches of 1,000: "
              f"{accepted:,} events in {elapsed:.1f} s = {rate:,.0f} events/s "
              f"(target ≥ {TARGET_EVENTS_PER_SECOND:,}: {verdict}); batch p50 "
              f"{latencies[len(latencies) // 2] * 1000:.0f} ms, p95 "
              f"{latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms; {load()}")


# ---- the daily signal job ----------------------------------------------------------------------

def _columns(session: Session, table: str) -> list[str]:
    return list(session.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = :t AND column_name <> 'id' ORDER BY ordinal_position"), {"t": table}).scalars())


def _clone(session: Session, table: str, template: int, n: int, overrides: dict[str, str]) -> None:
    columns = _columns(session, table)
    values = [overrides.get(c, f"t.{c}") for c in columns]
    session.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
                         f"FROM {table} t, generate_series(1, {n}) g WHERE t.id = {template}"))


def build_city(session: Session, units: int, days: int) -> dict[str, int]:
    """Units, leases in force, bound cards and ``days`` days of events, all in SQL."""
    today = datetime.now(UTC).date()
    lease = session.execute(text("SELECT id, unit_id, project_id FROM lease WHERE status = 'active' "
                                 "AND start_on <= CURRENT_DATE ORDER BY id LIMIT 1")).one()
    unit_base = session.execute(text("SELECT coalesce(max(id), 0) FROM unit")).scalar_one()
    _clone(session, "unit", lease.unit_id, units, {"building": "'压测' || (g / 1000)", "number": "g::text",
                                                    "verification_code": "'BV' || g"})
    first_unit = unit_base + 1
    _clone(session, "lease", lease.id, units, {
        "unit_id": f"{first_unit - 1} + g", "number": "'BL' || g", "verification_code": "'V' || g",
        "start_on": f"DATE '{today - timedelta(days=days + 30)}'",
        "application_id": "NULL", "previous_lease_id": "NULL"})
    session.execute(text(
        "INSERT INTO access_credential (external_id, kind, project_id, unit_id, status, lease_id, "
        "holder_id, bound_on, created_at) SELECT 'BC' || l.id, 'card', l.project_id, l.unit_id, 'bound', "
        f"l.id, l.tenant_id, DATE '{today - timedelta(days=days + 30)}', now() FROM lease l "
        f"WHERE l.unit_id >= {first_unit}"))
    # lent units: a card of the unit bound to nobody
    session.execute(text(
        "INSERT INTO access_credential (external_id, kind, project_id, unit_id, status, created_at) "
        f"SELECT 'BG' || u.id, 'card', u.project_id, u.id, 'registered', now() FROM unit u "
        f"WHERE u.id >= {first_unit} AND u.id % 200 = 7"))
    device = session.execute(text("SELECT id FROM access_device WHERE project_id = :p ORDER BY id LIMIT 1"),
                             {"p": lease.project_id}).scalar_one()
    other = session.execute(text("SELECT id, project_id FROM access_device WHERE project_id <> :p "
                                 "ORDER BY id LIMIT 1"), {"p": lease.project_id}).one()
    started = time.perf_counter()
    # 10 events a unit a day; idle units (id % 100 = 3) none; 0.5% of cards also elsewhere
    session.execute(text(f"""
        INSERT INTO access_event (device_id, event_id, occurred_at, project_id, credential, credential_ref,
                                  standing, direction, result, received_at)
        SELECT CASE WHEN c.unit_id % 200 = 11 AND k % 2 = 0 THEN {other.id} ELSE {device} END,
               'g' || c.id || '-' || d || '-' || k,
               (CURRENT_DATE - d) + make_interval(hours => 6 + k, mins => (c.id + k) % 60),
               CASE WHEN c.unit_id % 200 = 11 AND k % 2 = 0 THEN {other.project_id} ELSE c.project_id END,
               c.external_id, c.id,
               CASE WHEN c.unit_id % 200 = 11 AND k % 2 = 0 THEN 'foreign' ELSE 'bound' END,
               CASE WHEN k % 2 = 0 THEN 'in' ELSE 'out' END, 'granted', now()
        FROM access_credential c, generate_series(1, {days}) d, generate_series(0, 9) k
        WHERE c.unit_id >= {first_unit} AND c.status = 'bound' AND c.unit_id % 100 <> 3"""))
    session.execute(text(f"""
        INSERT INTO access_event (device_id, event_id, occurred_at, project_id, credential, credential_ref,
                                  standing, direction, result, received_at)
        SELECT {device}, 'u' || c.id || '-' || d, (CURRENT_DATE - d) + interval '20 hours', c.project_id,
               c.external_id, c.id, 'unbound', 'in', 'granted', now()
        FROM access_credential c, generate_series(1, {days}) d
        WHERE c.unit_id >= {first_unit} AND c.status = 'registered'"""))
    loaded = time.perf_counter() - started
    session.execute(text("ANALYZE"))
    events = session.execute(text("SELECT count(*) FROM access_event")).scalar_one()
    return {"events": events, "load_seconds": int(loaded), "units": units}


def signals(args: argparse.Namespace) -> None:
    from app.access import jobs
    from app.core.db import Database

    with database("postgresql") as url:
        db = Database(url)
        with db.write_sessions.begin() as session:
            built = build_city(session, args.units, args.days)
        size = int(db.engine.connect().execute(text(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c "
            "ON c.oid = i.inhrelid WHERE i.inhparent = 'access_event'::regclass")).scalar_one() or 0)
        with db.write_sessions() as session:
            occurrence = datetime.now(UTC).astimezone()
            started = time.perf_counter()
            rows = jobs.daily_signals(session, occurrence)
            elapsed = time.perf_counter() - started
            found = dict(session.execute(text(
                "SELECT kind, count(*) FROM access_signal GROUP BY kind")).all())
            session.commit()
        db.dispose()
    verdict = "OK" if elapsed < TARGET_SIGNAL_SECONDS else "OVER TARGET"
    print(f"daily signal job over {args.days} days: {built['events']:,} events, {args.units:,} units "
          f"with leases in force: {elapsed:.1f} s (target < {TARGET_SIGNAL_SECONDS} s: {verdict}); "
          f"{rows} signals raised or refreshed {found}; data generated in {built['load_seconds']} s; "
          f"{load()}")
    print(f"storage: {size / 1024 ** 2:,.0f} MiB for {built['events']:,} events = "
          f"{size / built['events'] * 1e6 / 1024 ** 2:,.0f} MiB per million events (table, indexes, TOAST)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("ingest")
    one.add_argument("--seconds", type=float, default=20)
    one.add_argument("--devices", type=int, default=40)
    one.add_argument("--clients", type=int, default=4)
    two = sub.add_parser("signals")
    two.add_argument("--units", type=int, default=10_000)
    two.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    ingest(args) if args.what == "ingest" else signals(args)


if __name__ == "__main__":
    main()
