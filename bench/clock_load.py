"""An authenticated read endpoint (the project clock) under concurrent load, against a bare
FastAPI JSON endpoint served the same way.

Both apps run under uvicorn with the same worker count on loopback; wrk (Debian package
``wrk``) drives each for the same time with the same threads and connections. The clock
request carries an office user's bearer token and goes through everything a real request
does: security headers, token verification against the account (revocation), the project's
scope check, its requests for materials, the holiday calendar, the clock arithmetic.

    .venv/bin/python -m bench.clock_load --url postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from bench.common import ROOT, _env, free_port, token


@contextmanager
def serve(target: str, env: dict[str, str], workers: int) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", target, "--port", str(port),
                                "--workers", str(workers), "--log-level", "warning",
                                "--no-access-log"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz" if "app.main" in target else f"{base}/clock")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        time.sleep(1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def wrk(url: str, seconds: int, connections: int, header: str | None = None) -> tuple[float, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} failed responses\n{output}")
    p99 = re.search(r"99%\s+(\S+)", output)
    return rate, p99.group(1) if p99 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/baozu_bench")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with serve("app.main:app", _env(args.url), args.workers) as base:
        headers = token(base, "office1")
        project = next(p for p in httpx.get(f"{base}/api/v1/projects", headers=headers).json()
                       if p["status"] == "in_review")  # the demo city's project under review
        url = f"{base}/api/v1/projects/{project['id']}/clock"
        assert httpx.get(url, headers=headers).status_code == 200
        ours, ours_p99 = wrk(url, args.seconds, args.connections,
                             f"Authorization: {headers['Authorization']}")
    with serve("bench.bare_app:app", os.environ.copy(), args.workers) as base:
        bare, bare_p99 = wrk(f"{base}/clock", args.seconds, args.connections)
    print(f"project clock (authenticated): {ours:,.0f} req/s, p99 {ours_p99}")
    print(f"bare FastAPI JSON endpoint    : {bare:,.0f} req/s, p99 {bare_p99}")
    print(f"ratio: {ours / bare:.2f}× (target ≥ 0.5×); {args.workers} worker(s), "
          f"{args.connections} connections, {args.seconds} s each")


if __name__ == "__main__":
    main()
