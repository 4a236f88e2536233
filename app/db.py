"""Engines, sessions and the declarative base (design.md: one session per request).

The request's session commits once, after the route function returns and before the
response is sent; services only ``flush()``. Auditor reads may go to a replica through
:func:`get_read_session` when ``BAOZU_DATABASE_READ_URL`` is set.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar

from fastapi import Depends
from sqlalchemy import JSON, Date, DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DataError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator
from starlette.concurrency import run_in_threadpool

from app.config import get_settings

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


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions (pysqlite's own handling breaks
    # SAVEPOINT and transactional DDL); then turn on foreign keys and a busy timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class _NoResultRows(logging.Filter):
    """Drops SQLAlchemy's DEBUG log of every result row (personal data, PIPL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Row %r"


_SQL_LOGGER = logging.getLogger("sqlalchemy.engine.Engine")
if not any(isinstance(f, _NoResultRows) for f in _SQL_LOGGER.filters):
    _SQL_LOGGER.addFilter(_NoResultRows())


def _sqlite_overflow(context: ExceptionContext) -> BaseException | None:
    """SQLite binds integers of 64 bits at most and raises a bare ``OverflowError`` for a
    bigger one (an id of 30 digits in a URL). Raise it as the ``DataError`` that PostgreSQL
    gives for a number out of range, which the error handlers answer with 422."""
    if isinstance(context.original_exception, OverflowError):
        return DataError(context.statement, None, context.original_exception, hide_parameters=True)
    return None


def make_engine(url: str) -> Engine:
    """An engine that never puts statement parameters (phone numbers, digests …) in logs or in
    exception messages (``hide_parameters``), even with SQL logging turned on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        event.listen(engine, "handle_error", _sqlite_overflow)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                         hide_parameters=True)


class Database:
    """The primary engine and, optionally, a read-replica engine, with their sessionmakers."""

    def __init__(self, url: str, read_url: str | None = None) -> None:
        self.engine = make_engine(url)
        self.read_engine = make_engine(read_url) if read_url else self.engine
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


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


def _commit_and_close(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()


def _rollback_and_close(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


async def get_session() -> AsyncIterator[Session]:
    """Request-scoped session: commit once on success, roll back on any error.

    An async dependency: creating a session does no I/O, and only the commit (or rollback)
    goes to a worker thread, saving the event loop two thread hand-offs per request.
    """
    session = database().sessions()
    try:
        yield session
        await run_in_threadpool(_commit_and_close, session)
    except BaseException:
        await run_in_threadpool(_rollback_and_close, session)
        raise


def get_replica_session() -> Iterator[Session]:
    """A session on the read replica (or the primary when none is configured), never committed."""
    with database().read_sessions() as session:
        try:
            yield session
        finally:
            session.rollback()


async def get_read_session(
        primary: Annotated[Session, Depends(get_session, scope="function")]) -> AsyncIterator[Session]:
    """Read-only session for auditor queries: the replica when ``BAOZU_DATABASE_READ_URL`` is
    set, otherwise the request's own session (one connection per request, not two)."""
    if database().read_engine is database().engine:
        yield primary
        return
    session = database().read_sessions()
    try:
        yield session
    finally:
        await run_in_threadpool(_rollback_and_close, session)
