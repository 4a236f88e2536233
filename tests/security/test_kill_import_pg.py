"""A process killed (SIGKILL) in the middle of a bulk import leaves nothing behind (ASVS 5.0
V2.3.3): the registry import writes its rows, its batch record and its audit event in one
transaction, so a process that dies before committing has written none of them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.audit.service import verify
from tests.conftest import fake_id_number

pytestmark = pytest.mark.postgres
ROWS = 60_000


def test_sigkill_during_import_leaves_nothing_partial(pg_database, tmp_path: Path) -> None:
    csv = tmp_path / "properties.csv"
    csv.write_text("id_number,address,district,acquired_on\n" + "".join(
        f"{fake_id_number()},珠山区某小区{i}号,珠山区,2020-01-01\n" for i in range(ROWS)),
        encoding="utf-8")
    engine = create_engine(pg_database)
    env = os.environ | {"BAOZU_DATABASE_URL": pg_database}
    baozu = str(Path(sys.executable).with_name("baozu"))
    process = subprocess.Popen([baozu, "import-properties", str(csv)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    writing = False
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            with engine.connect() as conn:
                writing = bool(conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND query ILIKE 'INSERT INTO property_record%'")).scalar())
            if writing:
                break
            time.sleep(0.05)
        assert writing, "the import never reached its insert"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    time.sleep(0.5)  # the server notices the dead client and rolls its transaction back
    with engine.connect() as conn:
        for table in ("property_record", "registry_import"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        assert conn.execute(text("SELECT count(*) FROM audit_event "
                                 "WHERE action LIKE 'registry.%'")).scalar() == 0
    with Session(engine) as session:
        assert verify(session).ok
    engine.dispose()
