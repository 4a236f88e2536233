"""With BAOZU_DATABASE_READ_URL set, auditors' queries and exports read from the replica."""

import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.core import db as app_db
from app.main import app
from app.seed import DEMO_PASSWORD, seed_demo
from tests.conftest import migrate


@pytest.fixture
def primary_and_replica(tmp_path):
    primary, replica = tmp_path / "primary.db", tmp_path / "replica.db"
    migrate(f"sqlite:///{primary}")
    engine = create_engine(f"sqlite:///{primary}")
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        seed_demo(session)
    engine.dispose()
    shutil.copy(primary, replica)  # the replica as of the last replication
    with create_engine(f"sqlite:///{replica}").begin() as conn:
        conn.execute(text("UPDATE lease SET number = 'REPLICA-ONLY-' || id"))
    saved = app_db._database
    app_db._database = app_db.Database(f"sqlite:///{primary}", read_url=f"sqlite:///{replica}")
    yield
    app_db._database.dispose()
    app_db._database = saved


def test_auditor_search_and_export_use_the_replica(primary_and_replica) -> None:
    client = TestClient(app)
    token = client.post("/api/v1/auth/token", data={"username": "auditor1",
                                                    "password": DEMO_PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    page = client.get("/api/v1/audit/leases", headers=headers).json()
    assert page["items"] and all(i["number"].startswith("REPLICA-ONLY") for i in page["items"])
    exported = client.get("/api/v1/audit/leases.csv", headers=headers)
    assert "REPLICA-ONLY" in exported.content.decode("utf-8-sig")
    # everything else still reads the primary
    developer = client.post("/api/v1/auth/token", data={"username": "dev1",
                                                        "password": DEMO_PASSWORD}).json()
    mine = client.get("/api/v1/leases", headers={
        "Authorization": f"Bearer {developer['access_token']}"}).json()
    assert mine and not any(m["number"].startswith("REPLICA-ONLY") for m in mine)
    # the export's audit event went to the primary
    with create_engine(app_db._database.engine.url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event WHERE action = "
                                 "'audit.leases_exported'")).scalar_one() == 1
