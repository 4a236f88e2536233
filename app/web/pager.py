"""The pages' 「下一页」 links: every list a page shows is one keyset page of the service's.

A page takes its list's cursor from the query string (``cursor``, or another name when one
page shows several lists) and renders ``m.next_page(url)``: the same address with that cursor
moved on, every other parameter (filters, the other lists' cursors) kept.
"""

from __future__ import annotations

from fastapi import Request

from app.core.paging import DEFAULT_LIMIT

PAGE = DEFAULT_LIMIT  # items a page shows of each list


def next_url(request: Request, cursor: int | None, name: str = "cursor") -> str | None:
    """This page's address showing the list's next page, or None on its last page."""
    if cursor is None:
        return None
    url = request.url.include_query_params(**{name: cursor})
    return f"{url.path}?{url.query}"
