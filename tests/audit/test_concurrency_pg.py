"""On a real PostgreSQL server: concurrent writers keep one chain; the table is append-only."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.service import SYSTEM

pytestmark = pytest.mark.postgres


def test_parallel_writers_keep_a_linear_chain(pg_database: str) -> None:
    engine = create_engine(pg_database, pool_size=16)
    writers, per_writer = 12, 15

    def write(worker: int) -> None:
        for i in range(per_writer):
            with Session(engine) as session, session.begin():
                audit.record(session, actor=SYSTEM, action="test.concurrent",
                             entity_type="worker", entity_id=worker, summary={"i": i})

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    with Session(engine) as session:
        result = audit.verify(session)
        total = session.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
        written = session.execute(text("SELECT count(*) FROM audit_event "
                                       "WHERE action = 'test.concurrent'")).scalar_one()
    engine.dispose()
    assert written == writers * per_writer  # and the migration's audit.chain_keyed
    assert result.ok and result.events_checked == total == written + 1


def test_trigger_refuses_update_delete_and_truncate(pg_database: str) -> None:
    engine = create_engine(pg_database)
    with Session(engine) as session, session.begin():
        audit.record(session, actor=SYSTEM, action="test.event", entity_type="test", entity_id=1)
    for sql in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event",
                "TRUNCATE audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    with Session(engine) as session:
        assert audit.verify(session).ok
    engine.dispose()
