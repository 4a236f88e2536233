"""The authenticated project clock under load: baozu against its minimal peer and a bare
endpoint, in alternating rounds of one run.

Three servers run at once under uvicorn with the same worker count on loopback (uvloop and
httptools, as ``baozu serve`` installs them): baozu (``GET /api/v1/projects/{id}/clock``
with an office user's bearer token: security middleware, token check against the account,
scope, the clock), ``bench/peer_app.py`` (the same logical work, written the plain way)
and ``bench/bare_app.py`` (a fixed JSON answer). wrk drives each in turn for ``--seconds``,
round after round, so drift of the machine falls on all three alike. For each it reports
requests per second (median of the rounds) and the CPU the server's processes used per
request (user + system time from ``/proc``).

    .venv/bin/python -m bench.clock_load                  # a fresh PostgreSQL demo city
    .venv/bin/python -m bench.clock_load --workers 2      # scaling: 1 vs 2 workers
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.common import ROOT, _env, database, free_port, token

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its children (uvicorn's workers)."""
    total = 0.0
    for child in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(c) for c in found]


@contextmanager
def serve(target: str, env: dict[str, str], workers: int, probe: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", target, "--port", str(port),
                                "--workers", str(workers), "--log-level", "warning",
                                "--no-access-log", "--loop", "uvloop", "--http", "httptools"],
                               env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + probe)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        time.sleep(1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(10)


def wrk(url: str, seconds: int, connections: int, header: str | None) -> tuple[float, int, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    if errors := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise SystemExit(f"{url}: {errors.group(1)} failed responses\n{output}")
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    return rate, total, p99.group(1) if p99 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="an existing database with the demo city (default: a fresh one)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with (database("postgresql") if args.url is None else _existing(args.url)) as url:
        env = _env(url)
        with serve("app.main:app", env, args.workers, "/healthz") as (ours, ours_pid), \
                serve("bench.peer_app:app", env, args.workers, "/docs") as (peer, peer_pid), \
                serve("bench.bare_app:app", env, args.workers, "/clock") as (bare, bare_pid):
            headers = token(ours, "office1")
            project = next(p for p in httpx.get(f"{ours}/api/v1/projects", headers=headers).json()
                           if p["status"] == "in_review")
            header = f"Authorization: {headers['Authorization']}"
            targets = {
                "baozu": (f"{ours}/api/v1/projects/{project['id']}/clock", header, ours_pid),
                "peer": (f"{peer}/projects/{project['id']}/clock", header, peer_pid),
                "bare": (f"{bare}/clock", None, bare_pid)}
            same = {name: httpx.get(u, headers=headers).json() for name, (u, _, _) in targets.items()
                    if name != "bare"}
            assert same["baozu"] == same["peer"], same
            rates: dict[str, list[float]] = {name: [] for name in targets}
            cpu: dict[str, list[float]] = {name: [] for name in targets}
            p99s: dict[str, list[str]] = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, (target, auth, pid) in targets.items():
                    before = cpu_seconds(pid)
                    rate, total, p99 = wrk(target, args.seconds, args.connections, auth)
                    cpu[name].append((cpu_seconds(pid) - before) * 1000 / total)
                    rates[name].append(rate)
                    p99s[name].append(p99)
    median = {name: statistics.median(values) for name, values in rates.items()}
    for name in targets:
        print(f"{name:5}: {median[name]:7,.0f} req/s (rounds: "
              f"{', '.join(f'{r:,.0f}' for r in rates[name])}), CPU "
              f"{statistics.median(cpu[name]):.2f} ms/request, p99 {', '.join(p99s[name])}")
    print(f"baozu/peer = {median['baozu'] / median['peer']:.2f}×, "
          f"baozu/bare = {median['baozu'] / median['bare']:.2f}×; {args.workers} worker(s), "
          f"{args.connections} connections, {args.rounds} rounds of {args.seconds} s")


@contextmanager
def _existing(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
