"""Test setup: a database built by the migrations, one rolled-back transaction per test.

The suite runs against SQLite by default and against PostgreSQL when
``BAOZU_TEST_DATABASE_URL`` names a fresh PostgreSQL database (``.ci/run`` does both).
Tests marked ``postgres`` need a real server whatever the main database is: they create
throwaway databases through ``BAOZU_TEST_POSTGRES_URL`` (default: the local server) and
fail instead of skipping when ``CI=true``.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

os.environ.update({
    "BAOZU_ENVIRONMENT": "test",
    "BAOZU_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
    "BAOZU_DATA_KEY": "test-data-key-0123456789abcdef0123456789abcd",
    "BAOZU_AUDIT_KEY": "test-audit-key-0123456789abcdef0123456789abc",
    "BAOZU_REGISTRATIONS_PER_ADDRESS_PER_HOUR": "100000",  # fixtures register many; tests lower it
    "BAOZU_ARGON2_TIME_COST": "1",
    "BAOZU_ARGON2_MEMORY_COST": "1024",
    "BAOZU_CALENDAR_RECHECK_SECONDS": "0",  # tests roll back calendar years: always re-read
    "BAOZU_PARAMETERS_RECHECK_SECONDS": "0",  # likewise the city's parameter changes
})
os.environ.pop("BAOZU_TODAY", None)
os.environ.pop("BAOZU_DATABASE_READ_URL", None)
_TMP = Path(tempfile.mkdtemp(prefix="baozu-test-"))
TEST_DATABASE_URL = os.environ.get("BAOZU_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["BAOZU_DATABASE_URL"] = TEST_DATABASE_URL
os.environ["BAOZU_MEDIA_DIR"] = str(_TMP / "media")  # uploaded photos and plans (app.upkeep.media)

import pytest  # noqa: E402
from alembic import command  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import Connection, Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sqlalchemy.util import greenlet_spawn  # noqa: E402
from sqlalchemy.util.concurrency import in_greenlet  # noqa: E402

from app.accounts import service as accounts  # noqa: E402
from app.accounts.enums import Role  # noqa: E402
from app.accounts.models import Organization, User  # noqa: E402
from app.accounts.schemas import OrganizationCreate, UserCreate  # noqa: E402
from app.audit.service import SYSTEM  # noqa: E402
from app.core import db as app_db  # noqa: E402
from app.core.config import get_settings  # noqa: E402
from app.core.health import alembic_config  # noqa: E402
from app.main import app  # noqa: E402
from rules.identifiers import id_number_check_character, uscc_check_character  # noqa: E402

PASSWORD = "correct-horse-battery"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def migrate(url: str, revision: str = "head") -> None:
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["configure_logging"] = False
    command.upgrade(cfg, revision)


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    migrate(TEST_DATABASE_URL)
    database = app_db.configure(TEST_DATABASE_URL)
    yield database.engine
    database.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint",
                         expire_on_commit=False)
    yield db_session
    db_session.close()
    outer.rollback()
    connection.close()


IN_REQUEST: ContextVar[bool] = ContextVar("IN_REQUEST", default=False)


def shared_sessions(session: Session) -> Callable[[bool], AbstractAsyncContextManager[Session]]:
    """Every request's session is ``session`` (the test's transaction): each request commits
    to a savepoint of its own, or rolls back to it. A read-only request is refused a write as
    in production, and a statement that the request path runs outside its greenlet (where the
    production engine cannot run it) fails the test."""

    @asynccontextmanager
    async def provide(writes: bool) -> AsyncIterator[Session]:
        token, was_read_only = IN_REQUEST.set(True), session.info.get("read_only", False)
        session.info["read_only"] = not writes
        try:
            yield session
            await greenlet_spawn(session.commit)  # releases this request's savepoint
        except BaseException:
            await greenlet_spawn(session.rollback)  # back to the savepoint: nothing is kept
            raise
        finally:
            session.info["read_only"] = was_read_only
            IN_REQUEST.reset(token)

    return provide


@event.listens_for(Engine, "before_cursor_execute")
def _outside_greenlet(conn: Connection, *_: object) -> None:
    if IN_REQUEST.get() and not in_greenlet():
        raise AssertionError("the request path ran a statement outside its greenlet")


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    """The app with every request's session joined to the test's transaction."""
    app_db.provide_sessions(shared_sessions(session))
    try:
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        app_db.provide_sessions(None)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Set the service's "today" (``BAOZU_TODAY``) for this test."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(get_settings(), "today", day)

    return set_today


@pytest.fixture(autouse=True)
def _no_city_changes_left_behind() -> Iterator[None]:
    """A test's policy changes roll back with its transaction; so do they in ``rules.params``."""
    yield
    from app.parameters import service as parameters
    from rules import params

    params.set_city_changes({})
    parameters.forget()


@pytest.fixture
def dated() -> Iterator[Callable[..., None]]:
    """Give parameters another history for one test, as a new version of parameters.toml
    would: ``dated("rent_cap_ratio", ("2022-05-06", "0.90"), ("2026-01-01", "0.85"))``."""
    from rules import params

    saved: dict[str, params.Parameter] = {}

    def set_history(name: str, *values: tuple[str, object]) -> None:
        base = params.parameter_in_file(name)
        saved.setdefault(name, base)
        params.parameters()[name] = replace(base, values=tuple(
            params.DatedValue(date.fromisoformat(since), params.coerce(value, base.kind), "测试")
            for since, value in values))
        params.invalidate()

    try:
        yield set_history
    finally:
        params.parameters().update(saved)
        params.invalidate()


_counter = iter(range(1, 10**9))


def fake_uscc() -> str:
    body = f"9136020{next(_counter):010d}"
    return body + uscc_check_character(body)


def fake_id_number(born: str = "19950101") -> str:
    body = f"360203{born}{next(_counter) % 1000:03d}"
    return body + id_number_check_character(body)


@pytest.fixture
def make_org(session: Session) -> Callable[..., Organization]:
    def make(name: str | None = None) -> Organization:
        n = next(_counter)
        return accounts.create_organization(session, actor=SYSTEM, data=OrganizationCreate(
            name=name or f"测试单位{n}", uscc=fake_uscc()))
    return make


@pytest.fixture
def make_user(session: Session, make_org: Callable[..., Organization]) -> Callable[..., User]:
    def make(role: Role | str, username: str | None = None, **kw: object) -> User:
        role = Role(role)
        if role in (Role.developer, Role.employer) and "organization_id" not in kw:
            kw["organization_id"] = make_org().id
        if role == Role.department and "department_id" not in kw:
            kw["department_id"] = accounts.find_department(session, "zhujian").id  # type: ignore[union-attr]
        if role == Role.tenant:
            kw.setdefault("full_name", "测试承租人")
            kw.setdefault("id_number", fake_id_number())
        data = UserCreate(username=username or f"{role.value}{next(_counter)}", password=PASSWORD,
                          role=role, **kw)  # type: ignore[arg-type]
        return accounts.create_user(session, actor=SYSTEM, data=data)
    return make


@pytest.fixture
def login(client: TestClient) -> Callable[[User | str], dict[str, str]]:
    """Authorization headers for a user (by object or username)."""

    def headers(user: User | str, password: str = PASSWORD) -> dict[str, str]:
        username = user if isinstance(user, str) else user.username
        response = client.post("/api/v1/auth/token",
                               data={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return headers


@contextmanager
def app_in_one_transaction(engine: Engine, today: date
                           ) -> Iterator[tuple[Connection, Session, TestClient]]:
    """The app served from one session in a transaction rolled back at the end (for module-wide
    worlds built once, each case then in its own savepoint), with ``today`` fixed."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)

    app_db.provide_sessions(shared_sessions(session))
    try:
        with pytest.MonkeyPatch.context() as mp, \
                TestClient(app, raise_server_exceptions=False) as client:
            mp.setattr(get_settings(), "today", today)
            yield connection, session, client
    finally:
        app_db.provide_sessions(None)
        session.close()
        outer.rollback()
        connection.close()


def count(session: Session, table: str) -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


# ---- PostgreSQL-only tests ----------------------------------------------------------------

POSTGRES_ADMIN_URL = os.environ.get("BAOZU_TEST_POSTGRES_URL",
                                    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _require_postgres() -> Engine:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        message = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return admin


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A throwaway, migrated PostgreSQL database for tests that need real commits."""
    admin = _require_postgres()
    name = f"baozu_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """A fresh SQLite database for the CLI, restored to the test database afterwards."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr(get_settings(), "database_url", url)
    saved = app_db._database
    app_db._database = app_db.Database(url)
    from typer.testing import CliRunner

    from app.cli import cli

    result = CliRunner().invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    yield app_db._database
    app_db._database.dispose()
    app_db._database = saved


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass (``BAOZU_TEST_DATABASE_URL`` set) leaves out the tests marked
    ``own_database`` — the browser tests, which serve the demo city from a SQLite database of
    their own whichever database the suite runs on: they ran in the SQLite pass, and would run
    the same a second time here. The terminal summary says how many were left out."""
    if not os.environ.get("BAOZU_TEST_DATABASE_URL"):
        return
    kept = [item for item in items if item.get_closest_marker("own_database") is None]
    left_out = [item for item in items if item.get_closest_marker("own_database") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config.stash[_LEFT_OUT] = len(left_out)


_LEFT_OUT = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if (count := config.stash.get(_LEFT_OUT, 0)):
        terminalreporter.write_line(f"{count} browser tests (own_database) ran in the SQLite pass, "
                                    "not again on PostgreSQL")
