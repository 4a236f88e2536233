"""Shared benchmark plumbing: a throwaway database, a real uvicorn server, timing."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BAOZU_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "baozu-demo-2026"
BENCH_ENV = {"BAOZU_ENVIRONMENT": "development", "BAOZU_ARGON2_TIME_COST": "1",
             "BAOZU_ARGON2_MEMORY_COST": "1024"}


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, migrated database with the demo city: ``kind`` is "postgresql" or "sqlite"."""
    if kind == "sqlite":
        path = Path(f"/tmp/baozu-bench-{uuid.uuid4().hex[:8]}.db")
        url = f"sqlite:///{path}"
        _prepare(url)
        try:
            yield url
        finally:
            path.unlink(missing_ok=True)
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"baozu_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        _prepare(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _env(url: str) -> dict[str, str]:
    return os.environ | BENCH_ENV | {"BAOZU_DATABASE_URL": url}


def _prepare(url: str) -> None:
    baozu = str(Path(sys.executable).with_name("baozu"))
    for command in ("migrate", "seed-demo"):
        subprocess.run([baozu, command], env=_env(url), check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(url: str, workers: int = 1) -> Iterator[str]:
    """uvicorn serving the app on a free loopback port until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--workers",
         str(workers), "--log-level", "warning", "--no-access-log"],
        env=_env(url), cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def token(base: str, username: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token",
                          data={"username": username, "password": DEMO_PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (f"n={len(samples)} median={statistics.median(samples) * 1000:.0f} ms "
            f"p95={p95 * 1000:.0f} ms max={max(samples) * 1000:.0f} ms")
