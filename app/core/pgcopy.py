"""PostgreSQL ``COPY`` on a session's own connection, in and out.

The request path's connections are psycopg's async ones (awaited from the request's
greenlet); the command line's and the tests' are blocking ones. psycopg's two APIs are the
same but for ``await``: :func:`driver_result` bridges them, so each function here serves both.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from psycopg import AsyncClientCursor, ClientCursor
from sqlalchemy import Select, Table
from sqlalchemy.engine import Connection
from sqlalchemy.util import await_

from app.core.db import driver_result

CHUNK = 1 << 16


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def copy_in(connection: Connection, table: Table, rows: Iterable[dict[str, Any]],
            columns: list[str]) -> None:
    """``COPY table (columns) FROM STDIN`` with ``rows``, in the connection's transaction."""
    driver = _driver(connection)
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    cursor = driver.cursor()
    if inspect.iscoroutinefunction(driver.commit):
        async def write() -> None:
            async with cursor.copy(sql) as copy:
                for row in rows:
                    await copy.write_row([row[c] for c in columns])
        await_(write())
        return
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def literal_sql(connection: Connection, stmt: Select[Any], params: dict[str, Any]) -> str:
    """``stmt`` with its parameters merged by psycopg's client-side quoting (``COPY`` takes no
    bind parameters)."""
    compiled = stmt.compile(dialect=connection.dialect).construct_expanded_state(params)
    driver = _driver(connection)
    cursor_class = AsyncClientCursor if inspect.iscoroutinefunction(driver.commit) else ClientCursor
    return cursor_class(driver).mogrify(compiled.statement, compiled.parameters)  # type: ignore[arg-type]


def copy_out(connection: Connection, query: str) -> Iterator[bytes | int]:
    """``COPY (query) TO STDOUT (FORMAT csv)`` in pieces of about :data:`CHUNK` bytes; the last
    item is the number of rows. Closing the iterator early cancels the command on the server."""
    driver = _driver(connection)
    cursor = driver.cursor()
    manager = cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)")
    is_async = hasattr(manager, "__aenter__")
    copy = driver_result(manager.__aenter__()) if is_async else manager.__enter__()
    buffer, failure = bytearray(), None
    try:
        while data := driver_result(copy.read()):  # about a row at a time: send larger pieces
            buffer += data
            if len(buffer) >= CHUNK:
                yield bytes(buffer)
                buffer.clear()
        if buffer:
            yield bytes(buffer)
    except GeneratorExit as exc:  # the client went away: stop the server mid-COPY
        failure = exc
        driver_result(driver.cancel_safe())
        raise
    finally:
        exit_args = (type(failure), failure, None) if failure else (None, None, None)
        try:
            driver_result(manager.__aexit__(*exit_args)) if is_async else manager.__exit__(*exit_args)
        except Exception:
            if failure is None:
                raise
    yield cursor.rowcount
