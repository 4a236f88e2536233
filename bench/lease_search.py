"""A keyset page of 50 leases with three filters over 1M leases: API vs the same SQL.

Needs the city of ``bench.generate`` (1M leases). For each of the four central districts,
the auditor asks for running leases that started since 2024-01-01 in that district
(three filters), sorted by start date, and follows ``next_cursor`` for ten pages; that
sequence runs five times through the API (a real uvicorn server on loopback, bearer token,
JSON), and the identical statements — same SQL text, same parameters — run directly with
psycopg on one connection, prepared, with the planner setting the service uses for them
(``join_collapse_limit = 1``: planning the seven-relation join otherwise costs ~6 ms of
~7): the best this SQL does. The figure is API latency over SQL latency.

    .venv/bin/python -m bench.lease_search --url postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

import httpx
import psycopg
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from bench.common import server, token

DISTRICTS = ("珠山区", "昌江区", "高新区", "昌南新区")
FILTERS = {"status": "active", "start_from": "2024-01-01"}
PAGES, ROUNDS = 10, 5


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * len(ordered)) - 1)]


def api_run(base: str, headers: dict[str, str]) -> tuple[list[float], list[tuple[str, str | None]]]:
    samples, walked = [], []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(ROUNDS):
            for district in DISTRICTS:
                cursor = None
                for _ in range(PAGES):
                    params = FILTERS | {"district": district, "limit": 50}
                    if cursor:
                        params["cursor"] = cursor
                    started = time.perf_counter()
                    response = client.get("/api/v1/audit/leases", params=params)
                    samples.append(time.perf_counter() - started)
                    response.raise_for_status()
                    walked.append((district, cursor))
                    cursor = response.json()["next_cursor"]
                    if cursor is None:
                        break
    return samples, walked


def floor_run(base: str, headers: dict[str, str], n: int) -> list[float]:
    """An authenticated request that reads nothing else (``/auth/me``): what every API call
    costs before its own query (HTTP, the token and account check, JSON)."""
    samples = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(n):
            started = time.perf_counter()
            client.get("/api/v1/auth/me").raise_for_status()
            samples.append(time.perf_counter() - started)
    return samples


def sql_run(url: str, walked: list[tuple[str, str | None]]) -> list[float]:
    from app.oversight.repository import LeaseFilter, page_statement

    dialect = postgresql.psycopg.dialect()  # type: ignore[attr-defined]
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    samples = []
    with psycopg.connect(dsn) as conn:
        conn.execute("SET join_collapse_limit = 1")
        for district, cursor in walked:
            flt = LeaseFilter(district=district, status=("active",), start_from=date(2024, 1, 1))
            stmt, params = page_statement(flt, sort="start_on", cursor=cursor, limit=50,
                                          on=date.today())
            state = stmt.compile(dialect=dialect).construct_expanded_state(params)
            started = time.perf_counter()
            rows = conn.execute(state.statement, state.parameters, prepare=True).fetchall()
            samples.append(time.perf_counter() - started)
            assert rows
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench")
    args = parser.parse_args()
    with server(args.url) as base:
        headers = token(base, "auditor1")
        api_run(base, headers)  # warm-up: connection pool, prepared statements, caches
        api, walked = api_run(base, headers)
        floor_run(base, headers, 50)
        floor = floor_run(base, headers, len(api))
    sql_run(args.url, walked)  # warm-up
    sql = sql_run(args.url, walked)
    ms = 1000
    print(f"requests: {len(api)} (4 districts × up to {PAGES} keyset pages × {ROUNDS} rounds)")
    print(f"API : median {statistics.median(api) * ms:.1f} ms, p95 {pct(api, 0.95) * ms:.1f} ms")
    print(f"SQL : median {statistics.median(sql) * ms:.1f} ms, p95 {pct(sql, 0.95) * ms:.1f} ms")
    print(f"authenticated floor (/auth/me): median {statistics.median(floor) * ms:.1f} ms, "
          f"p95 {pct(floor, 0.95) * ms:.1f} ms")
    print(f"API minus floor over SQL: median "
          f"{(statistics.median(api) - statistics.median(floor)) / statistics.median(sql):.2f}×")
    print(f"ratio API/SQL: median {statistics.median(api) / statistics.median(sql):.2f}×, "
          f"p95 {pct(api, 0.95) / pct(sql, 0.95):.2f}× (targets: ≤ 2×, API p95 ≤ 10 ms)")


if __name__ == "__main__":
    main()
