"""Engines, sessions and the declarative base: the request path's concurrency model.

Every request runs on the event loop and no database work ever runs on a worker thread
(``docs/concurrency.md`` gives the reasoning and the arithmetic):

* Route functions, dependencies and services stay plain functions over a ``Session``.
  :class:`app.core.routing.DbRoute` runs each of them in a greenlet (SQLAlchemy's asyncio
  bridge), so each statement is awaited on the loop through the async driver (psycopg's
  async connection, aiosqlite). Waiting for a pooled connection is an ``await`` with a
  timeout, never a blocked thread, so requests cannot starve each other into a deadlock.
* One session per request (design.md): it commits once, after the route function returns
  and before the response is sent; services only ``flush()``. Any error rolls it back,
  including a failed ``COMMIT``.
* A request with a safe method (``GET``/``HEAD``) reads only, unless its route is marked
  :func:`writes`: on PostgreSQL it runs in autocommit (no ``BEGIN``/``COMMIT`` round
  trips; every statement already sees its own snapshot under READ COMMITTED), and any
  attempt to write through it is refused before it reaches the database.
* SQLite (the embedded default) runs in WAL mode: readers never wait; a writing request's
  transaction starts with ``BEGIN IMMEDIATE`` after taking the process's write gate (a
  FIFO lock), so writers queue instead of colliding on a lock upgrade, and the busy
  timeout queues them behind writers of other processes (the CLI).

CPU-heavy work inside a request (Argon2, PDF rendering) goes to a small thread pool
through :func:`offload`; that work never touches the database.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, Any, ClassVar, TypeVar

import anyio
from fastapi import Depends, Request
from psycopg.rows import namedtuple_row
from sqlalchemy import JSON, Date, DateTime, MetaData, Select, create_engine, event
from sqlalchemy.engine import URL, Compiled, Dialect, Engine, ExceptionContext, make_url
from sqlalchemy.exc import DataError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import await_, greenlet_spawn
from sqlalchemy.util.concurrency import in_greenlet

from app.core.config import Settings, get_settings
from app.core.errors import ServiceBusy

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp; SQLite's naive values are read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: timestamps must be timezone-aware")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), date: Date(), dict[str, Any]: JSON(),
    }


class _NoResultRows(logging.Filter):
    """Drops SQLAlchemy's DEBUG log of every result row (personal data, PIPL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Row %r"


class _NoDriverDebug(logging.Filter):
    """Drops aiosqlite's DEBUG log of every call, which carries the statement's parameters."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_SQL_LOGGER = logging.getLogger("sqlalchemy.engine.Engine")
if not any(isinstance(f, _NoResultRows) for f in _SQL_LOGGER.filters):
    _SQL_LOGGER.addFilter(_NoResultRows())
_DRIVER_LOGGER = logging.getLogger("aiosqlite")
if not any(isinstance(f, _NoDriverDebug) for f in _DRIVER_LOGGER.filters):
    _DRIVER_LOGGER.addFilter(_NoDriverDebug())


# ---- engines ----------------------------------------------------------------------------------

WRITES = "baozu_writes"  # execution option: this connection's transaction may write


def _sqlite_overflow(context: ExceptionContext) -> BaseException | None:
    """SQLite binds integers of 64 bits at most and raises a bare ``OverflowError`` for a
    bigger one (an id of 30 digits in a URL). Raise it as the ``DataError`` that PostgreSQL
    gives for a number out of range, which the error handlers answer with 422."""
    if isinstance(context.original_exception, OverflowError):
        return DataError(context.statement, None, context.original_exception, hide_parameters=True)
    return None


def _sqlite_events(engine: Engine, busy_timeout_ms: int,
                   gate: Callable[[], asyncio.Lock] | None = None) -> None:
    """WAL, foreign keys, the busy timeout; ``BEGIN IMMEDIATE`` for a transaction that may
    write, behind the process's write ``gate`` when one is given (the request path)."""

    def connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (the driver's own handling breaks
        # SAVEPOINT and transactional DDL); WAL so that readers never wait for a writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    def begin(conn: Any) -> None:
        # A transaction that may write takes SQLite's write lock at once: a deferred one would
        # read first and then fail to upgrade its lock when another writer got there before.
        if not conn.get_execution_options().get(WRITES, False):
            conn.exec_driver_sql("BEGIN")
            return
        if gate is not None:  # queue behind this process's writers, first come first served
            lock = gate()
            await_(_acquire(lock, get_settings().db_pool_timeout))
            conn.info["baozu_gate"] = lock
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn)
            raise

    def _release(conn: Any) -> None:
        lock = conn.info.pop("baozu_gate", None)
        if lock is not None:
            lock.release()

    event.listen(engine, "connect", connect)
    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)
    event.listen(engine, "handle_error", _sqlite_overflow)


def make_engine(url: str | URL, settings: Settings | None = None) -> Engine:
    """A blocking engine, for the command line, migrations, tests and benchmarks.

    It never puts statement parameters (phone numbers, digests …) in logs or in exception
    messages (``hide_parameters``), even with SQL logging turned on."""
    s = settings or get_settings()
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url.set(drivername="sqlite"), hide_parameters=True,
                               connect_args={"check_same_thread": False})
        _sqlite_events(engine, s.sqlite_busy_timeout_ms)
        return engine
    return create_engine(url.set(drivername="postgresql+psycopg"), hide_parameters=True,
                         poolclass=NullPool)


def make_async_engine(url: str | URL, settings: Settings | None = None,
                      gate: Callable[[], asyncio.Lock] | None = None,
                      autocommit: bool = False, reset_on_return: bool = True) -> AsyncEngine:
    """The request path's engine: the async driver, a pool sized by the settings
    (``docs/concurrency.md``), no liveness ping per check-out (a dropped connection fails
    its request with 503 and is replaced)."""
    s = settings or get_settings()
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url.set(drivername="sqlite+aiosqlite"), hide_parameters=True,
                                     pool_size=s.db_pool_size, max_overflow=s.db_max_overflow,
                                     pool_timeout=s.db_pool_timeout)
        _sqlite_events(engine.sync_engine, s.sqlite_busy_timeout_ms, gate)
        return engine
    return create_async_engine(url.set(drivername="postgresql+psycopg"), hide_parameters=True,
                               pool_size=s.db_pool_size, max_overflow=s.db_max_overflow,
                               pool_timeout=s.db_pool_timeout, pool_pre_ping=False,
                               pool_reset_on_return="rollback" if reset_on_return else None,
                               **({"isolation_level": "AUTOCOMMIT"} if autocommit else {}))


# ---- the database of this process ---------------------------------------------------------------

@dataclass
class _LoopState:
    """What belongs to one event loop: its engines and, on SQLite, its write gate.

    On PostgreSQL, requests that only read use a pool of their own whose connections stay
    in autocommit (no ``BEGIN``/``COMMIT`` round trips, no switching per check-out)."""

    engine: AsyncEngine  # the primary, transactions that may write
    reads: AsyncEngine  # the primary, for requests that only read
    replica: AsyncEngine  # auditors' searches and exports (the primary's readers without one)
    gate: asyncio.Lock
    cpu: anyio.CapacityLimiter | None = None

    def __post_init__(self) -> None:
        self.writer = self.engine.execution_options(**{WRITES: True})
        self.reader = self.reads.execution_options(**{WRITES: False})
        self.replica_reader = self.replica.execution_options(**{WRITES: False})
        # an export reads once through a server-side cursor: one consistent snapshot
        self.exporter = self.replica.execution_options(**{WRITES: False} | (
            {} if self.replica.dialect.name == "sqlite" else {"isolation_level": "REPEATABLE READ"}))


class Database:
    """The primary database and, optionally, a read replica.

    ``engine`` (blocking) serves the command line and tests; the request path uses async
    engines made for the running event loop (one per process under uvicorn)."""

    def __init__(self, url: str, read_url: str | None = None) -> None:
        self.url, self.read_url = make_url(url), make_url(read_url) if read_url else None
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # the command line's transactions write: on SQLite they take the write lock at BEGIN
        self.write_sessions = sessionmaker(self.engine.execution_options(**{WRITES: True}),
                                           expire_on_commit=False)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._state: _LoopState | None = None

    @property
    def has_replica(self) -> bool:
        return self.read_url is not None

    def state(self) -> _LoopState:
        """The async engines of the running loop (made on first use)."""
        loop = asyncio.get_running_loop()
        if self._state is None or self._loop is not loop:
            gate = asyncio.Lock()
            primary = make_async_engine(self.url, gate=lambda: gate)
            reads = primary if self.is_sqlite else make_async_engine(self.url, autocommit=True,
                                                                     reset_on_return=False)
            replica = make_async_engine(self.read_url, autocommit=True) if self.read_url else reads
            self._loop, self._state = loop, _LoopState(primary, reads, replica, gate)
        return self._state

    @asynccontextmanager
    async def request_session(self, *, writes: bool) -> AsyncIterator[Session]:
        """A session for one request (see the module's docstring)."""
        state = self.state()
        async with AsyncSession(state.writer if writes else state.reader,
                                expire_on_commit=False) as session:
            session.sync_session.info["read_only"] = not writes
            if not writes:  # nothing to commit: closing the session ends its transaction
                yield session.sync_session
                return
            try:
                yield session.sync_session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def read_only_session(self, *, export: bool = False) -> AsyncIterator[Session]:
        """A read-only session on the replica (or the primary) in its own transaction; for an
        export, one snapshot for the whole read."""
        state = self.state()
        async with AsyncSession(state.exporter if export else state.replica_reader,
                                expire_on_commit=False) as session:
            session.sync_session.info["read_only"] = True
            try:
                yield session.sync_session
            finally:
                await session.rollback()

    async def adispose(self) -> None:
        if self._state is not None:
            state, self._state, self._loop = self._state, None, None
            for engine in {state.engine, state.reads, state.replica}:
                await engine.dispose()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._state is not None:  # engines of a loop that has gone: drop their pools
            for engine in {self._state.engine, self._state.reads, self._state.replica}:
                engine.sync_engine.pool.dispose()
            self._state, self._loop = None, None


async def _acquire(lock: asyncio.Lock, timeout: float) -> None:
    try:
        await asyncio.wait_for(lock.acquire(), timeout)
    except TimeoutError:
        raise ServiceBusy() from None


_database: Database | None = None


def database() -> Database:
    global _database
    if _database is None:
        settings = get_settings()
        _database = Database(settings.database_url, settings.database_read_url)
    return _database


def configure(url: str, read_url: str | None = None) -> Database:
    """Point the process at another database (CLI options, tests)."""
    global _database
    if _database is not None:
        _database.dispose()
    _database = Database(url, read_url)
    return _database


# ---- read-only requests refuse to write ---------------------------------------------------------

class ReadOnlyRequest(RuntimeError):
    """A request with a safe method tried to write (mark its route with :func:`writes`)."""


_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "TRUNCATE")


@event.listens_for(Session, "do_orm_execute")
def _refuse_write_statements(state: ORMExecuteState) -> None:
    if not state.session.info.get("read_only"):
        return
    statement = state.statement
    raw = statement.text.lstrip()[:8].upper() if isinstance(statement, TextClause) else ""
    if state.is_insert or state.is_update or state.is_delete or raw.startswith(_WRITE_VERBS):
        raise ReadOnlyRequest("a read-only request tried to write")


@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlyRequest("a read-only request tried to write")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes(endpoint: Callable[..., T]) -> Callable[..., T]:
    """Mark a ``GET`` route that writes through the request's session."""
    endpoint.__baozu_writes__ = True  # type: ignore[attr-defined]
    return endpoint


def reads_only(endpoint: Callable[..., T]) -> Callable[..., T]:
    """Mark a ``POST`` route whose request session only reads (a search or export with its
    filters in the body: what it records goes through :func:`own_session`)."""
    endpoint.__baozu_writes__ = False  # type: ignore[attr-defined]
    return endpoint


def request_writes(request: Request) -> bool:
    """Whether the request's session may write: by method, unless the route says otherwise."""
    default = request.method not in SAFE_METHODS
    return bool(getattr(request.scope.get("endpoint"), "__baozu_writes__", default))


# ---- request-scoped sessions --------------------------------------------------------------------

SessionProvider = Callable[[bool], Any]  # writes -> async context manager yielding a Session
_provider: SessionProvider | None = None


def provide_sessions(provider: SessionProvider | None) -> None:
    """Serve every request's session from ``provider`` (tests: one rolled-back transaction)."""
    global _provider
    _provider = provider


_session_hooks: list[tuple[Callable[[], bool], Callable[[Session], None]]] = []


def register_session_hook(due: Callable[[], bool], hook: Callable[[Session], None]) -> None:
    """Run ``hook(session)`` at the start of a request whenever ``due()`` says so (cheap: no
    I/O): a domain keeping process-wide state in step with the database (the city's dated
    parameter changes)."""
    _session_hooks.append((due, hook))


def _open(writes: bool) -> Any:
    return _provider(writes) if _provider is not None else database().request_session(writes=writes)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Request-scoped session: commit once on success, roll back on any error or when the
    route asked for it (a page that answered a refusal, :func:`mark_rollback`)."""
    try:
        async with _open(request_writes(request)) as session:
            request.state.db = session
            for due, hook in _session_hooks:
                if due():
                    await run_sync(hook, session)
            yield session
            if getattr(request.state, "rollback", False):
                raise _RollBack
    except _RollBack:
        pass


class _RollBack(Exception):
    """Internal: unwinds the request's session without committing (caught below)."""


def mark_rollback(request: Request) -> None:
    request.state.rollback = True


async def get_read_session(
        request: Request,
        primary: Annotated[Session, Depends(get_session, scope="function")]) -> AsyncIterator[Session]:
    """Read-only session for auditor queries: the replica when ``BAOZU_DATABASE_READ_URL`` is
    set, otherwise the request's own session (one connection per request, not two)."""
    if _provider is not None or not database().has_replica:
        yield primary
        return
    async with database().read_only_session() as session:
        yield session


def own_session(*, writes: bool, export: bool = False) -> Any:
    """A session of its own, outside the request's (an export's snapshot, the audit event
    recorded before a download starts): an async context manager. Writing through one is
    for requests whose own session only reads: on SQLite a writing request already holds
    the process's write gate."""
    if _provider is not None:
        return _provider(writes)
    if writes:
        return database().request_session(writes=True)
    return database().read_only_session(export=export)


# ---- lean reads ------------------------------------------------------------------------------------

@lru_cache(maxsize=2048)
def _compiled(stmt: Select[Any], dialect: Dialect) -> tuple[Compiled, dict[str, Any]]:
    compiled = stmt.compile(dialect=dialect)
    return compiled, dict(compiled.params)


def fetch_rows(session: Session, stmt: Select[Any], params: dict[str, Any] | None = None, *,
               named: bool = False, planner: tuple[str, ...] = ()) -> Sequence[Any]:
    """The rows of ``stmt`` on the session's connection: tuples, or (``named``) rows whose
    columns are also attributes.

    For the hottest reads (the account behind every request, a project's clock, a page of
    the auditors' lease search): ``stmt`` is built once and kept (module level, or cached by
    what shapes it), its values named ``bindparam``s or fixed at build time. On PostgreSQL
    it is compiled once and goes straight to psycopg as a prepared statement, skipping
    SQLAlchemy's per-execution work (about two thirds of a small query's cost), with the
    ``planner`` settings (``"join_collapse_limit = 1"``) in force for it alone. Elsewhere it
    is ``session.execute``.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return session.execute(stmt, params or {}).all()
    compiled, defaults = _compiled(stmt, connection.dialect)
    values = defaults | (params or {})
    sql = compiled.string
    if compiled.post_compile_params:  # an IN list: one parameter per item
        expanded = compiled.construct_expanded_state(values)
        sql, values = expanded.statement, expanded.parameters
    driver = connection.connection.driver_connection
    cursor = driver.cursor(row_factory=namedtuple_row) if named else driver.cursor()
    if not planner:
        driver_result(cursor.execute(sql, values, prepare=True))
        return driver_result(cursor.fetchall())  # type: ignore[no-any-return]
    # the settings, the statement and the reset in one round trip (psycopg's pipeline mode)
    resets = [f"RESET {setting.split('=')[0].strip()}" for setting in planner]
    if inspect.iscoroutinefunction(driver.commit):
        async def pipelined() -> Sequence[Any]:
            async with driver.pipeline():
                for setting in planner:
                    await driver.execute(f"SET {setting}")
                await cursor.execute(sql, values, prepare=True)
                for reset in resets:
                    await driver.execute(reset)
            return await cursor.fetchall()  # type: ignore[no-any-return]
        return await_(pipelined())  # type: ignore[no-any-return]
    with driver.pipeline():
        for setting in planner:
            driver.execute(f"SET {setting}")
        cursor.execute(sql, values, prepare=True)
        for reset in resets:
            driver.execute(reset)
    return cursor.fetchall()  # type: ignore[no-any-return]


def driver_result(value: Any) -> Any:
    """The value of an async driver call (awaited from the greenlet), or a sync one's."""
    return await_(value) if inspect.isawaitable(value) else value


# ---- running sync code ---------------------------------------------------------------------------

@contextmanager
def await_session(manager: AbstractAsyncContextManager[Session]) -> Iterator[Session]:
    """Enter an async session manager (:func:`own_session`) from sync code in a greenlet."""
    session = await_(manager.__aenter__())
    try:
        yield session
    except BaseException as exc:
        if not await_(manager.__aexit__(type(exc), exc, exc.__traceback__)):
            raise
    else:
        await_(manager.__aexit__(None, None, None))


async def run_sync(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` in a greenlet: its database calls await on the loop."""
    return await greenlet_spawn(fn, *args, **kwargs)


def offload(fn: Callable[..., T], *args: Any) -> T:
    """Run CPU-heavy ``fn`` (no database access) on a worker thread when called from a
    request, so the event loop keeps serving others; elsewhere just call it."""
    if not in_greenlet():
        return fn(*args)
    return await_(anyio.to_thread.run_sync(fn, *args, limiter=_cpu_limiter()))


def _cpu_limiter() -> anyio.CapacityLimiter:
    state = database().state()
    if state.cpu is None:
        state.cpu = anyio.CapacityLimiter(get_settings().cpu_threads)
    return state.cpu
