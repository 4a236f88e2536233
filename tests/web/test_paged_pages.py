"""Pages list things a page at a time (issue 12, point 5): 50 rows, then a 「下一页」 link that
keeps the page's filters and leads, page after page, through every row once."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from app.accounts.enums import Role
from app.accounts.models import User
from app.core.paging import DEFAULT_LIMIT
from tests.approval.conftest import Cast
from tests.web.conftest import Person

NEXT = re.compile(r'<a href="([^"]+)" rel="next">下一页')


def pages(someone: Person, path: str, row: re.Pattern[str]) -> list[list[str]]:
    """The rows of every page, following 「下一页」 from ``path`` to the last page."""
    found: list[list[str]] = []
    url: str | None = path
    while url is not None:
        page = someone.get(url)
        found.append(row.findall(page))
        link = NEXT.search(page)
        url = html.unescape(link.group(1)) if link else None
        assert len(found) < 20, "the pages do not end"
    return found


def test_accounts_page_by_page_with_the_filter_kept(person: Callable[[], Person],
                                                    make_user: Callable[..., User]) -> None:
    admin = person()
    admin.login(make_user(Role.admin).username)
    made = [make_user(Role.auditor).id for _ in range(DEFAULT_LIMIT + 5)]
    shown = pages(admin, "/admin/users?role=auditor", re.compile(r'<tr id="user-(\d+)">'))
    assert [len(rows) for rows in shown] == [DEFAULT_LIMIT, 5]
    assert [int(i) for rows in shown for i in rows] == made  # oldest first, each once


def test_projects_page_by_page(person: Callable[[], Person], cast: Cast) -> None:
    ids = [cast.file(name=f"分页项目{n}") for n in range(DEFAULT_LIMIT + 2)]
    developer = person()
    developer.login(cast.developer.username)
    shown = pages(developer, "/projects", re.compile(r'<a href="/projects/(\d+)">分页项目'))
    assert [len(rows) for rows in shown] == [DEFAULT_LIMIT, 2]
    assert [int(i) for rows in shown for i in rows] == ids[::-1]  # newest first, each once
