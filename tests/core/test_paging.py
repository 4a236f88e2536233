"""Pages in an order other than the id's: every row once, in order, whatever the page size."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Department
from app.core.paging import keyset_by, slice_page


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("limit", [1, 2, 5, 100])
def test_keyset_by_other_columns_visits_every_row_once_in_order(session: Session, descending: bool,
                                                                limit: int) -> None:
    # annex 1's departments: many share a kind (ties, broken by id) and reviews_projects is a
    # boolean expression, as the department inbox's "unanswered first" is
    order = [Department.kind, Department.reviews_projects.is_(True)]
    rows = list(session.scalars(select(Department)))
    expected = [d.id for d in sorted(rows, key=lambda d: (d.kind, d.reviews_projects, d.id),
                                     reverse=descending)]
    seen, cursor = [], None
    while True:
        page = keyset_by(session, select(Department), order, Department.id, cursor=cursor,
                         limit=limit, descending=descending)
        assert len(page.items) <= limit
        seen += [d.id for d in page.items]
        if page.next_cursor is None:
            break
        assert len(page.items) == limit
        cursor = page.next_cursor
    assert seen == expected


def test_an_unknown_cursor_gives_an_empty_page(session: Session) -> None:
    page = keyset_by(session, select(Department), [Department.kind], Department.id,
                     cursor=10**9)
    assert (page.items, page.next_cursor) == ([], None)


def test_slice_page_cursor_is_the_next_index() -> None:
    items = list(range(7))
    first = slice_page(items, cursor=None, limit=3)
    last = slice_page(items, cursor=6, limit=3)
    assert (first.items, first.next_cursor) == ([0, 1, 2], 3)
    assert (last.items, last.next_cursor) == ([6], None)
    assert slice_page(items, cursor=3, limit=4).next_cursor is None  # exactly the rest
