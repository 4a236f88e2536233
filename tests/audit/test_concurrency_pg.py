"""Concurrent writers on a real PostgreSQL server keep one unbroken chain."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
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
    engine.dispose()
    assert total == writers * per_writer
    assert result.ok and result.events_checked == total
