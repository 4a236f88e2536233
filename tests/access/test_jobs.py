"""The scheduled work of door access, run as the worker runs it (app.jobs' runner, real commits on
a database of its own): the daily purge deletes events past the retention period, the daily
signal job runs, and on PostgreSQL expired months are dropped whole and upcoming ones created."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, text

from app.access import jobs, service
from app.access.models import AccessEvent
from app.core.db import Database
from app.jobs import service as runner
from app.jobs.models import JobRun
from tests.conftest import migrate

SHANGHAI = ZoneInfo("Asia/Shanghai")
RUN_AT = datetime(2026, 3, 2, 3, 15, tzinfo=SHANGHAI)  # just after the 03:10 purge


def rows(at: datetime, n: int, device: int = 1) -> list[dict]:
    return [{"device_id": device, "event_id": f"{at.isoformat()}-{i}",
             "occurred_at": at + timedelta(seconds=i),
             "project_id": 1, "credential": "C-1", "credential_ref": None, "standing": "unknown",
             "direction": "in", "result": "granted", "received_at": at} for i in range(n)]


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('access') / 'access.db'}"
    migrate(url)
    db = Database(url)
    yield db
    db.dispose()


def times(db: Database) -> list[datetime]:
    with db.sessions() as session:
        return list(session.scalars(select(AccessEvent.occurred_at).order_by(AccessEvent.occurred_at)))


def test_the_worker_declares_the_access_jobs() -> None:
    names = set(runner.load_jobs())
    assert {"access.signals", "access.purge", "access.partitions"} <= names


def test_the_daily_purge_deletes_events_past_the_retention_period(sqlite_db: Database) -> None:
    cutoff = RUN_AT - timedelta(days=180)
    with sqlite_db.write_sessions.begin() as session:
        session.execute(insert(AccessEvent), rows(cutoff - timedelta(days=1), 3)
                        + rows(cutoff + timedelta(hours=1), 2))
    run_id = runner.run_latest(sqlite_db.write_sessions, "access.purge", at=RUN_AT)
    assert run_id is not None
    with sqlite_db.sessions() as session:
        run = session.get(JobRun, run_id)
        assert (run.outcome, run.rows) == ("succeeded", 3)
    assert [t > cutoff for t in times(sqlite_db)] == [True, True]
    # the same occurrence never runs twice
    later = RUN_AT + timedelta(minutes=5)
    assert runner.run_latest(sqlite_db.write_sessions, "access.purge", at=later) is None


def test_the_daily_signal_job_runs_through_the_runner(sqlite_db: Database) -> None:
    run_id = runner.run_latest(sqlite_db.write_sessions, "access.signals",
                               at=datetime(2026, 3, 2, 2, 45, tzinfo=SHANGHAI))
    with sqlite_db.sessions() as session:
        assert session.get(JobRun, run_id).outcome == "succeeded"


def test_the_job_functions_directly(session) -> None:
    now = datetime.now(UTC)
    session.execute(insert(AccessEvent),
                    rows(now - timedelta(days=200), 2) + rows(now - timedelta(days=1), 1))
    assert jobs.purge_events(session, now) == 2
    assert jobs.daily_signals(session, now.astimezone(SHANGHAI)) == 0
    assert jobs.ensure_partitions(session, now) >= 0


@pytest.mark.postgres
def test_postgres_drops_expired_months_whole_and_creates_upcoming_ones(pg_database: str) -> None:
    db = Database(pg_database)
    try:
        with db.write_sessions.begin() as session:
            today = datetime.now(UTC).date()
            created = service.ensure_partitions(session, today.replace(day=1) + timedelta(days=130))
            assert created >= 1
            names = session.execute(text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'access_event'::regclass")).scalars().all()
            oldest = min(n for n in names if n != "access_event_default")
            year, month = int(oldest[-7:-3]), int(oldest[-2:])
            start = datetime(year, month, 1, tzinfo=UTC)
            session.execute(insert(AccessEvent), rows(start + timedelta(days=3), 4)
                            + rows(datetime.now(UTC) - timedelta(days=1), 1))
        # far enough ahead that the oldest month is wholly past the retention period
        with db.write_sessions.begin() as session:
            purged = service.purge(session, start + timedelta(days=31 + 181))
            assert purged == 4
            left = session.execute(text(
                "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'access_event'::regclass AND c.relname = :n"), {"n": oldest}).scalar()
            assert left == 0
            assert session.execute(text("SELECT count(*) FROM access_event")).scalar() == 1
    finally:
        db.dispose()
