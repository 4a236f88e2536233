"""Faults on a real PostgreSQL server: the database going away mid-request, and a backup
restored into a new database (ASVS 5.0 V16.5, V14; PIPL 第五十一条).

Both run on throwaway databases. Marked ``postgres``: they fail instead of skipping in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.audit.service import verify
from app.cli import cli
from app.core.personal_data import _keys, decrypt_id_number
from app.main import app
from app.seed import DEMO_USERS, seed_demo
from tests.approval.conftest import REVIEW_DAY, application
from tests.conftest import IN_CI, PASSWORD, POSTGRES_ADMIN_URL, _require_postgres
from tests.security.conftest import app_database, make_role_users
from tests.security.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] == "服务暂时不可用" and body["status"] == 503
    assert response.headers["retry-after"]
    for leak in ("Traceback", "SELECT", "INSERT", "psycopg", "sqlalchemy", "5432", "postgres"):
        assert leak not in response.text, leak


def test_database_going_away_answers_503_then_recovers(pg_database, today) -> None:
    today(REVIEW_DAY)
    url = make_url(pg_database)
    engine = create_engine(url)
    with Session(engine) as s:
        make_role_users(s, prefix="fault")
        s.commit()
    engine.dispose()

    assert not app.dependency_overrides, "this test needs the app's own sessions"
    with TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy, \
            app_database(url.set(port=proxy.port).render_as_string(hide_password=False)) as db, \
            TestClient(app, raise_server_exceptions=False) as client:
        token = client.post("/api/v1/auth/token",
                            data={"username": "fault-developer", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
        assert client.post("/api/v1/projects", json=application(), headers=headers).status_code == 201

        # 1. the database goes away in the middle of a request: the INSERT finds it gone
        def cut_before_insert(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("INSERT INTO PROJECT "):
                proxy.cut()

        event.listen(Engine, "before_cursor_execute", cut_before_insert)  # the request path's engine
        try:
            assert_unavailable(client.post("/api/v1/projects", json=application(name="中途断开"),
                                           headers=headers))
        finally:
            event.remove(Engine, "before_cursor_execute", cut_before_insert)

        # 2. while it is gone: reads, writes and logins answer 503, never 500
        assert_unavailable(client.get("/api/v1/auth/me", headers=headers))
        assert_unavailable(client.get("/api/v1/projects", headers=headers))
        assert_unavailable(client.post("/api/v1/projects", json=application(), headers=headers))
        assert_unavailable(client.post("/api/v1/auth/token", data={"username": "fault-developer",
                                                                    "password": PASSWORD}))
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200  # the process itself is alive

        # 3. it comes back: the pool reconnects (pre-ping), the same requests succeed
        proxy.restore()
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
        created = client.post("/api/v1/projects", json=application(), headers=headers)
        assert created.status_code == 201, created.text
        names = [p["name"] for p in client.get("/api/v1/projects", headers=headers).json()]
        assert "中途断开" not in names and len(names) == 2  # the interrupted one left nothing
        with db.sessions() as s:
            assert verify(s).ok  # and the audit chain is whole
        assert client.get("/readyz").status_code == 200


# ---- backup and restore ---------------------------------------------------------------------

def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found (Debian: apt-get install postgresql-client)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def empty_pg_database() -> Iterator[str]:
    admin = _require_postgres()
    name = f"baozu_r_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def snapshot(url: str) -> dict[str, object]:
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            result = verify(s)
            tables = ("user_account", "organization", "project", "audit_event", "certificate")
            counts = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
            blob = s.execute(text("SELECT id_number_enc FROM user_account WHERE username = :u"),
                             {"u": "tenant1"}).scalar_one()
            return {"verification": result, "counts": counts, "id_number_enc": bytes(blob)}
    finally:
        engine.dispose()


def test_backup_restores_into_a_new_database_with_the_audit_chain_intact(
        pg_database, empty_pg_database, tmp_path: Path) -> None:
    pg_dump, pg_restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    engine = create_engine(pg_database)
    with Session(engine) as s:
        seed_demo(s)  # what `baozu seed-demo` does
        s.commit()
    engine.dispose()
    original = snapshot(pg_database)
    assert original["verification"].ok and original["verification"].events_checked > 10

    dump = tmp_path / "baozu.dump"
    env = os.environ | {"PGCONNECT_TIMEOUT": "10"}
    subprocess.run([pg_dump, "--format=custom", "--no-owner", "--file", str(dump),
                    libpq_url(pg_database)], check=True, timeout=120, env=env)
    subprocess.run([pg_restore, "--no-owner", "--exit-on-error", "--single-transaction",
                    "--dbname", libpq_url(empty_pg_database), str(dump)],
                   check=True, timeout=120, env=env)

    restored = snapshot(empty_pg_database)
    assert restored["verification"].ok, restored["verification"]
    assert restored["verification"].events_checked == original["verification"].events_checked
    assert restored["verification"].last_hash == original["verification"].last_hash
    assert restored["counts"] == original["counts"]
    # `baozu audit verify` on the restored copy
    with app_database(empty_pg_database):
        result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"共 {original['verification'].events_checked} 条事件" in result.output
    # the 身份证 numbers come back only with the same BAOZU_DATA_KEY
    tenant1_id = next(u[5] for u in DEMO_USERS if u[0] == "tenant1")
    assert decrypt_id_number(restored["id_number_enc"]) == tenant1_id
    with pytest.raises(InvalidTag):
        blob = restored["id_number_enc"]
        other_key = _keys("a-different-data-key-0123456789abcdef0123")[0]
        AESGCM(other_key).decrypt(blob[:12], blob[12:], b"baozu:id_number:v1")
    # the append-only trigger came back with the data
    engine = create_engine(empty_pg_database)
    try:
        with engine.connect() as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text("DELETE FROM audit_event WHERE id = 1"))
    finally:
        engine.dispose()
