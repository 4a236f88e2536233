"""Inputs the fuzzer found: huge ids and undecodable bodies answer a problem, never a 500."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError

from app.main import create_app
from tests.core.test_errors import is_problem

HUGE = "38514798271236380560902324224"  # beyond 64 bits: SQLite cannot even bind it


@pytest.mark.parametrize(("method", "path", "role"), [
    ("get", f"/api/v1/projects/{HUGE}", "office"),
    ("post", f"/api/v1/projects/{HUGE}/accept", "office"),
    ("post", f"/api/v1/projects/{HUGE}/submit", "developer"),
    ("post", f"/api/v1/subsidies/{HUGE}/pay", "office"),
    ("get", f"/api/v1/users/{HUGE}", "admin"),
    ("get", f"/api/v1/organizations/{HUGE}", "admin"),
    ("get", f"/api/v1/projects/{2**63 - 1}", "office"),
    ("get", f"/api/v1/projects/{2**31}", "office"),
])
def test_huge_ids_are_refused_or_not_found(client, make_user, login, method, path, role) -> None:
    kwargs = {"json": {}} if method == "post" else {}
    response = getattr(client, method)(path, headers=login(make_user(role)), **kwargs)
    assert response.status_code in (404, 422), response.text
    body = is_problem(response)
    assert "Overflow" not in response.text and "SELECT" not in response.text
    assert body["detail"]


def test_a_value_the_database_cannot_hold_is_a_422_not_a_500() -> None:
    app = create_app()

    @app.get("/too-big")
    def too_big() -> None:
        raise DataError("INSERT INTO x VALUES (%(v)s)", {"v": 2**70}, Exception("integer out of range"))

    response = TestClient(app, raise_server_exceptions=False).get("/too-big")
    assert response.status_code == 422
    body = is_problem(response)
    assert body["title"] == "请求数据不合法" and "INSERT" not in response.text
    assert str(2**70) not in response.text


def test_a_body_that_is_not_utf8_is_a_400_problem_in_chinese(client) -> None:
    response = client.post("/api/v1/auth/register", content=b'{"username": "\xff\xfe"}',
                           headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    body = is_problem(response)
    assert not body["detail"].isascii()


def test_the_400_is_declared_for_every_operation_with_a_body(client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert "400" in operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path)
    assert "HTTPValidationError" not in str(document)
