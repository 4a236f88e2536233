"""Paged lists: every list the service answers is a keyset page of bounded size.

A list endpoint takes ``limit`` (default :data:`DEFAULT_LIMIT`, at most :data:`MAX_LIMIT`)
and ``cursor`` (opaque to clients: the value handed back for the next page) and answers
the JSON array of at most ``limit`` items, as before, with the next page's address in a
``Link: <…>; rel="next"`` header (RFC 8288, as GitHub's API does) when there is one.
Keyset, not offset: a page costs the same however deep it is, and rows inserted meanwhile
never shift a page. Three shapes share :class:`Page` and the ``cursor``/``limit`` contract:

* :func:`keyset` — ordered by one unique integer key (the id), the cursor is that key.
* :func:`keyset_by` — ordered by other columns first (a date, a name, a rank), paged by
  the keyset (those columns, id). The cursor is still the id of the page's last item; the
  next page starts after that item's position, read back from its row (one small
  statement, only when a cursor is given). The order columns must belong to the key's
  table and never be NULL. Nothing is hard-deleted, so a cursor's row is always found; an
  unknown cursor (not one we handed out) gives an empty page.
* :func:`slice_page` — a list sorted in Python over a bounded set (the review queue by its
  computed deadline): the cursor is the index of the page's first item in that list.

    @router.get("/things", response_model=list[ThingRead])
    def list_things(session: SessionDep, user: CurrentUser, page: PageParams) -> list[Thing]:
        found = keyset(session, select(Thing).where(...), Thing.id, page)
        return page.respond(found)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: int | None


@dataclass
class PageRequest:
    """The page asked for, and where to say where the next one is."""

    cursor: int | None
    limit: int
    request: Request
    response: Response

    def respond(self, page: Page[T]) -> list[T]:
        """The page's items; a ``Link`` header points to the next page if there is one."""
        if page.next_cursor is not None:
            url = self.request.url.include_query_params(cursor=page.next_cursor, limit=self.limit)
            self.response.headers["Link"] = f'<{url}>; rel="next"'
        return page.items


async def page_params(
        request: Request, response: Response,
        cursor: Annotated[int | None, Query(ge=0, description="上一页返回的 Link 头中的 cursor")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
) -> PageRequest:
    return PageRequest(cursor, limit, request, response)


PageParams = Annotated[PageRequest, Depends(page_params)]


def keyset(session: Session, stmt: Select[Any], key: InstrumentedAttribute[int],
           page: PageRequest | None = None, *, cursor: int | None = None, limit: int = DEFAULT_LIMIT,
           descending: bool = True, scalars: bool = True) -> Page[Any]:
    """One page of ``stmt`` ordered by the unique integer ``key`` (newest first by default),
    after ``cursor``; one statement, ``limit + 1`` rows to know whether another page follows."""
    if page is not None:
        cursor, limit = page.cursor, page.limit
    if cursor is not None:
        stmt = stmt.where(key < cursor if descending else key > cursor)
    stmt = stmt.order_by(key.desc() if descending else key.asc()).limit(limit + 1)
    rows: Sequence[Any] = (session.scalars(stmt).unique().all() if scalars
                           else session.execute(stmt).all())
    items = list(rows[:limit])
    if len(rows) <= limit:
        return Page(items, None)
    last = items[-1]
    return Page(items, getattr(last, key.key) if scalars else last._mapping[key.key])



def keyset_by(session: Session, stmt: Select[Any], order: Sequence[ColumnElement[Any]],
              key: InstrumentedAttribute[int], *, cursor: int | None, limit: int = DEFAULT_LIMIT,
              descending: bool = False, scalars: bool = True) -> Page[Any]:
    """One page of ``stmt`` ordered by ``(*order, key)`` (all ascending, or all descending),
    after the item whose key is ``cursor``: the page itself is one statement, as in
    :func:`keyset`."""
    if cursor is not None:
        anchor = session.execute(select(*order).where(key == cursor)).first()
        if anchor is None:
            return Page([], None)
        position, after = tuple_(*order, key), (*anchor, cursor)
        stmt = stmt.where(position < after if descending else position > after)
    stmt = stmt.order_by(*(c.desc() if descending else c.asc() for c in order))
    return keyset(session, stmt, key, cursor=None, limit=limit, descending=descending,
                  scalars=scalars)


def slice_page(items: Sequence[T], *, cursor: int | None, limit: int = DEFAULT_LIMIT) -> Page[T]:
    """The page of an already sorted list starting at index ``cursor``."""
    start = cursor or 0
    end = start + limit
    return Page(list(items[start:end]), end if end < len(items) else None)


def mapped(page: Page[T], view: Callable[[T], U]) -> Page[U]:
    """The same page with each item turned into its view."""
    return Page([view(item) for item in page.items], page.next_cursor)


def mapped_all(page: Page[T], views: Callable[[list[T]], list[U]]) -> Page[U]:
    """The same page with its items turned into views all at once (a batch loader: a
    constant number of statements for the whole page)."""
    return Page(views(page.items), page.next_cursor)
