"""The job runner: occurrences from the cron schedule, exactly once per (job, occurrence) — two
workers racing on PostgreSQL, a restart on SQLite — the restart rule, failures recorded, and
the administrator's view and "run now"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.enums import Role
from app.accounts.schemas import UserCreate
from app.audit.service import SYSTEM
from app.core.db import Database
from app.jobs import registry, service
from app.jobs.enums import RunOutcome, RunTrigger
from app.jobs.models import JobRun
from app.jobs.registry import Schedule, job
from app.notices import service as notices
from app.notices.models import Notice
from tests.conftest import PASSWORD, migrate

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALLS: list[datetime] = []
TARGET: dict[str, int] = {}


@job("test.count", Schedule(hour=7, minute=30), title="测试：记下每次运行")
def count_job(session: Session, occurrence: datetime) -> int:
    CALLS.append(occurrence)
    return 3


@job("test.broken", Schedule(minute="*/5"), title="测试：总是失败")
def broken_job(session: Session, occurrence: datetime) -> int:
    session.add(Notice(user_id=TARGET["user"], kind="test", title="不应保留", message="回滚"))
    session.flush()
    raise RuntimeError("磁盘已满")


@job("test.notify", Schedule(hour=8, minute=0), title="测试：发一条站内信")
def notify_job(session: Session, occurrence: datetime) -> int:
    notices.send(session, user_id=TARGET["user"], kind="test", title="定时任务",
                 message=occurrence.isoformat())
    return 1


@pytest.fixture(autouse=True)
def _clean_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


def make_target(db: Database) -> int:
    with db.write_sessions.begin() as session:
        user = accounts.create_user(session, actor=SYSTEM, data=UserCreate(
            username=f"jobs-target-{datetime.now().timestamp()}", password=PASSWORD, role=Role.office))
        return user.id


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A SQLite file of its own (real commits, as a worker makes them)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'jobs.db'}"
    migrate(url)
    db = Database(url)
    TARGET["user"] = make_target(db)
    yield db
    db.dispose()


def runs(db: Database, name: str) -> list[JobRun]:
    with db.sessions() as session:
        return list(session.scalars(select(JobRun).where(JobRun.job == name).order_by(JobRun.id)))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# ---- occurrences ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("schedule", "now", "expected"), [
    (Schedule(hour=7, minute=30), at(2026, 3, 2, 9, 0), at(2026, 3, 2, 7, 30)),
    (Schedule(hour=7, minute=30), at(2026, 3, 2, 7, 29), at(2026, 3, 1, 7, 30)),
    (Schedule(hour=7, minute=30), at(2026, 3, 2, 7, 30), at(2026, 3, 2, 7, 30)),
    (Schedule(minute="*"), at(2026, 3, 2, 7, 30, 59), at(2026, 3, 2, 7, 30)),
    (Schedule(hour=2, minute=0, day=1), at(2026, 3, 20, 12, 0), at(2026, 3, 1, 2, 0)),
    (Schedule(hour=6, minute=0, day_of_week="mon"), at(2026, 3, 5, 12, 0), at(2026, 3, 2, 6, 0)),
])
def test_the_latest_occurrence_is_the_cron_time_at_or_before_now(schedule, now, expected) -> None:
    assert service.latest_occurrence(schedule, now) == expected


def test_the_registry_refuses_a_name_declared_twice() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        registry.job("test.count", Schedule(), title="重名")(lambda s, o: 0)


def test_the_worker_loads_every_declared_module() -> None:
    names = set(service.load_jobs())
    assert {"notices.deliver", "reminders.daily"} <= names


# ---- exactly once, restarts, failures ------------------------------------------------------------

def test_an_occurrence_runs_once_and_records_its_run(sqlite_db: Database) -> None:
    now = at(2026, 3, 2, 9, 0)
    first = service.run_latest(sqlite_db.write_sessions, "test.count", at=now)
    again = service.run_latest(sqlite_db.write_sessions, "test.count", at=now + timedelta(minutes=5))
    assert first is not None and again is None
    assert [at(2026, 3, 2, 7, 30)] == CALLS
    [run] = [r for r in runs(sqlite_db, "test.count") if r.id == first]
    assert run.outcome == RunOutcome.succeeded and run.rows == 3 and run.trigger == RunTrigger.scheduled
    assert run.started_at is not None and run.finished_at is not None and run.finished_at >= run.started_at
    assert run.occurrence == at(2026, 3, 2, 7, 30).astimezone(UTC)


def test_after_a_restart_the_latest_missed_occurrence_is_caught_up_and_older_ones_skipped(
        sqlite_db: Database) -> None:
    # the worker was down from 2026-04-01 to 04-05 10:00: four daily occurrences were missed
    caught = service.catch_up(sqlite_db.write_sessions, at=at(2026, 4, 5, 10, 0))
    mine = [r for r in runs(sqlite_db, "test.count") if r.id in caught]
    assert [r.occurrence for r in mine] == [at(2026, 4, 5, 7, 30).astimezone(UTC)]
    assert mine[0].trigger == RunTrigger.catch_up and [at(2026, 4, 5, 7, 30)] == CALLS
    # restarting again the same day runs nothing twice
    service.catch_up(sqlite_db.write_sessions, at=at(2026, 4, 5, 11, 0))
    assert [at(2026, 4, 5, 7, 30)] == CALLS


def test_an_occurrence_older_than_the_window_is_skipped(sqlite_db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.config import get_settings

    monkeypatch.setattr(get_settings(), "job_catch_up_hours", 1.0)
    assert service.run_latest(sqlite_db.write_sessions, "test.count", RunTrigger.catch_up,
                              at=at(2026, 5, 5, 9, 0)) is None
    assert CALLS == [] and not [r for r in runs(sqlite_db, "test.count")
                                if r.occurrence == at(2026, 5, 5, 7, 30).astimezone(UTC)]


def test_a_failed_run_is_recorded_with_its_error_and_its_writes_rolled_back(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Notice))
    run_id = service.run_latest(sqlite_db.write_sessions, "test.broken", at=at(2026, 3, 2, 9, 1))
    [run] = [r for r in runs(sqlite_db, "test.broken") if r.id == run_id]
    assert run.outcome == RunOutcome.failed and run.finished_at is not None
    assert "RuntimeError: 磁盘已满" in (run.error or "")
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notice)) == before
    # a failed occurrence is not retried by the next tick: the next occurrence runs
    assert service.run_latest(sqlite_db.write_sessions, "test.broken", at=at(2026, 3, 2, 9, 2)) is None


def test_a_run_asked_for_is_taken_by_one_worker(sqlite_db: Database) -> None:
    with sqlite_db.write_sessions.begin() as session:
        run_id = service.request_run(session, actor=SYSTEM, name="test.count").id
    assert service.run_queued(sqlite_db.write_sessions) == [run_id]
    assert service.run_queued(sqlite_db.write_sessions) == []
    assert len(CALLS) == 1
    [run] = [r for r in runs(sqlite_db, "test.count") if r.id == run_id]
    assert run.trigger == RunTrigger.manual and run.outcome == RunOutcome.succeeded


# ---- two workers on PostgreSQL ---------------------------------------------------------------------

@pytest.mark.postgres
def test_two_workers_racing_the_same_occurrence_run_it_once(pg_database: str) -> None:
    db_a, db_b = Database(pg_database), Database(pg_database)
    try:
        TARGET["user"] = user_id = make_target(db_a)
        now = at(2026, 3, 2, 8, 0, 30)
        barrier = threading.Barrier(8)
        results: list[int | None] = []
        errors: list[BaseException] = []

        def worker(db: Database) -> None:
            try:
                barrier.wait()
                results.append(service.run_latest(db.write_sessions, "test.notify", at=now))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(db,)) for db in (db_a, db_b) * 4]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        assert len([r for r in results if r is not None]) == 1
        with db_a.sessions() as session:
            assert session.scalar(select(func.count()).select_from(JobRun)
                                  .where(JobRun.job == "test.notify")) == 1
            assert session.scalar(select(func.count()).select_from(Notice)
                                  .where(Notice.user_id == user_id)) == 1
        # a restart of both workers later that morning: still one run, one notice
        service.catch_up(db_b.write_sessions, at=now + timedelta(hours=2))
        with db_a.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Notice)
                                  .where(Notice.user_id == user_id)) == 1
    finally:
        db_a.dispose()
        db_b.dispose()


# ---- the administrator ------------------------------------------------------------------------------

def test_admin_sees_jobs_and_runs_and_asks_for_a_run(client, make_user, login, session) -> None:
    admin, office = make_user("admin"), make_user("office")
    jobs = client.get("/api/v1/jobs", headers=login(admin))
    assert jobs.status_code == 200
    listed = {j["name"]: j for j in jobs.json()["jobs"]}
    assert listed["reminders.daily"]["schedule"] == "30 7 * * *"
    asked = client.post("/api/v1/jobs/reminders.daily/run", headers=login(admin))
    assert asked.status_code == 202 and asked.json()["outcome"] == "queued"
    found = client.get("/api/v1/jobs/runs?job=reminders.daily", headers=login(admin)).json()
    assert [r["id"] for r in found] == [asked.json()["id"]]
    assert client.post("/api/v1/jobs/no.such/run", headers=login(admin)).status_code == 404
    assert client.get("/api/v1/jobs/runs", headers=login(office)).status_code == 403
    assert client.post("/api/v1/jobs/reminders.daily/run", headers=login(office)).status_code == 403


def test_the_admin_page_lists_runs_and_queues_a_run(client, make_user, session) -> None:
    from tests.web.conftest import Person

    admin = make_user("admin")
    page = Person(client)
    page.login(admin.username)
    shown = page.get("/admin/jobs")
    assert "reminders.daily" in shown and "立即运行" in shown
    page.post("/admin/jobs/reminders.daily/run")
    assert "已排队" in page.follow()
    assert session.scalar(select(func.count()).select_from(JobRun).where(
        JobRun.job == "reminders.daily", JobRun.outcome == "queued")) == 1
    office = Person(client)
    office.login(make_user("office").username)
    office.get("/admin/jobs", expect=403)
