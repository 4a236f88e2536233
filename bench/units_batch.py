"""10,000 units registered in one request (issue: "under 2 s on this machine").

Each run posts a fresh batch of 10,000 units (a new set of buildings) for the demo city's
certified project to a real uvicorn server, over loopback, and times the whole request:
parsing, the 第七条 check of every row, duplicate detection, the insert and the audit event.

    .venv/bin/python -m bench.units_batch            # PostgreSQL and SQLite, 5 runs each
"""

from __future__ import annotations

import argparse
import time

import httpx

from bench.common import database, describe, server, token

TARGET_SECONDS = 2.0


def batch(run: int, size: int) -> dict[str, list[dict[str, object]]]:
    return {"units": [{"building": f"R{run}-{n // 500 + 1}栋", "floor": n % 500 // 20 + 1,
                       "number": f"{n:05d}", "building_area_m2": "38.50" if n % 7 else "65.00",
                       "kind": "residential"} for n in range(size)]}


def measure(kind: str, runs: int, size: int) -> list[float]:
    with database(kind) as url, server(url) as base:
        headers = token(base, "dev1")
        project = next(p for p in httpx.get(f"{base}/api/v1/projects", headers=headers).json()
                       if p["status"] == "certified")
        samples = []
        for run in range(runs):
            body = batch(run, size)
            started = time.perf_counter()
            response = httpx.post(f"{base}/api/v1/projects/{project['id']}/units", json=body,
                                  headers=headers, timeout=60)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 201, response.text
            assert response.json()["added"] == size
        return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="both")
    args = parser.parse_args()
    for kind in (["postgresql", "sqlite"] if args.db == "both" else [args.db]):
        samples = measure(kind, args.runs, args.size)
        verdict = "OK" if max(samples) < TARGET_SECONDS else "OVER TARGET"
        print(f"units batch of {args.size} on {kind}: {describe(samples)} "
              f"(target < {TARGET_SECONDS:.0f} s: {verdict}; ratio max/target = "
              f"{max(samples) / TARGET_SECONDS:.2f})")


if __name__ == "__main__":
    main()
