"""Routes that run on the event loop: plain functions in a greenlet, never on a thread.

FastAPI runs a plain (``def``) route function or dependency on a worker thread, one hop
each. :class:`DbRoute` instead runs them in a greenlet on the loop (``app.core.db.run_sync``),
where each database call awaits the async driver: a request takes no thread at all, so
threads and pooled connections can never wait on each other (docs/concurrency.md).
Plain dependencies that touch the database are wrapped the same way with :func:`on_loop`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, UploadFile
from fastapi.routing import APIRoute

from app.core.db import run_sync

F = TypeVar("F", bound=Callable[..., Any])


def on_loop(fn: F) -> F:
    """``fn`` as a coroutine function that runs it in a greenlet (same signature, so FastAPI
    reads its parameters and dependencies from the original)."""
    if (inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn)
            or inspect.isgeneratorfunction(fn)):
        return fn

    @functools.wraps(fn)
    async def call(*args: Any, **kwargs: Any) -> Any:
        return await run_sync(fn, *args, **kwargs)

    return call  # type: ignore[return-value]


class DbRoute(APIRoute):
    """An API route whose plain endpoint runs on the loop (see the module's docstring)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, on_loop(endpoint), **kwargs)


def api_router(**kwargs: Any) -> APIRouter:
    """An ``APIRouter`` whose routes are :class:`DbRoute`."""
    return APIRouter(route_class=DbRoute, **kwargs)


async def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    """An uploaded file's bytes, refused with 413 past ``max_bytes`` (no more is read)."""
    from app.core.errors import ProblemError

    content = await file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ProblemError(f"文件超过 {max_bytes // (1024 * 1024)} MB", status=413, slug="too-large",
                           title="请求内容过大")
    return content
