"""Helpers for the page tests: a person using the pages through the test client."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.main import app
from tests.approval.conftest import cast  # noqa: F401
from tests.conftest import PASSWORD
from tests.leases.conftest import city, tenant  # noqa: F401  (fixtures re-used here)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def text_of(html: str) -> str:
    """The page's visible text, roughly (tags dropped, whitespace folded)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@dataclass
class Person:
    """Someone using the pages: one cookie jar, the CSRF token of their session."""

    client: TestClient
    token: str = ""
    last: Response | None = field(default=None, repr=False)

    def login(self, username: str, password: str = PASSWORD, expect: int = 303) -> Response:
        self.client.cookies.clear()
        page = self.client.get("/login")
        response = self.client.post("/login", data={"username": username, "password": password,
                                                    "csrf_token": csrf_of(page.text)},
                                    follow_redirects=False)
        assert response.status_code == expect, text_of(response.text)[:500]
        if expect == 303:
            self.token = csrf_of(self.client.get("/").text)
        return response

    def get(self, path: str, expect: int = 200) -> str:
        response = self.client.get(path, follow_redirects=False)
        assert response.status_code == expect, (path, response.status_code, text_of(response.text)[:800])
        self.last = response
        return response.text

    def post(self, path: str, data: dict[str, Any] | list[tuple[str, str]] | None = None,
             expect: int = 303, files: Any = None) -> Response:
        items = list(data.items()) if isinstance(data, dict) else list(data or [])
        items.append(("csrf_token", self.token))
        fields: dict[str, list[str]] = {}
        for key, value in items:
            fields.setdefault(key, []).append(value)
        response = self.client.post(path, data=fields, files=files, follow_redirects=False)
        assert response.status_code == expect, (path, response.status_code,
                                                text_of(response.text)[:1500])
        self.last = response
        return response

    def follow(self) -> str:
        """The page a 303 leads to (with its flash message)."""
        assert self.last is not None and self.last.status_code == 303
        return self.get(self.last.headers["location"])


@pytest.fixture
def person(client: TestClient) -> Callable[[], Person]:
    """A new person with a cookie jar of their own (the app already joined to the test's
    transaction by the ``client`` fixture)."""
    return lambda: Person(TestClient(app, raise_server_exceptions=False))
