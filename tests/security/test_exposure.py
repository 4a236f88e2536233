"""What the service shows a stranger (issue 14): no API documentation in production, no server
banner, a truthful 405 for every method a path lacks."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from app.core.config import Settings, get_settings
from app.core.server import SERVER_OPTIONS, UvicornWorker
from app.main import app, create_app
from tests.core.test_errors import is_problem

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
DOCS = ("/api/docs", "/api/v1/openapi.json", "/docs/oauth2-redirect")


# ---- /api/docs and the OpenAPI document ------------------------------------------------------

def test_docs_are_off_by_default_in_production_only() -> None:
    assert Settings.model_construct(environment="production").api_docs_served is False
    assert Settings.model_construct(environment="development").api_docs_served is True
    assert Settings.model_construct(environment="test").api_docs_served is True
    assert Settings.model_construct(environment="production", api_docs=True).api_docs_served is True
    assert Settings.model_construct(environment="development", api_docs=False).api_docs_served is False


def test_without_docs_their_paths_are_not_found(client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "api_docs", False)
    client = TestClient(create_app(), raise_server_exceptions=False)
    for path in DOCS:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "swagger" not in response.text.lower() and "openapi" not in response.text.lower()
    assert client.get("/api/v1/calendar/2025").status_code == 200  # the API itself is served


def test_with_docs_they_are_served(client) -> None:
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


# ---- the server header -----------------------------------------------------------------------

def test_uvicorn_sends_no_server_header_from_the_image_or_baozu_serve(monkeypatch) -> None:
    assert UvicornWorker.CONFIG_KWARGS["server_header"] is False
    config = uvicorn.Config(app, **UvicornWorker.CONFIG_KWARGS)
    config.load()
    assert b"server" not in dict(config.encoded_headers)
    assert b"server" in dict(_loaded(uvicorn.Config(app)).encoded_headers)  # uvicorn's default

    from typer.testing import CliRunner

    from app.cli import cli

    called: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: called.update(kw))
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert called["server_header"] is False and SERVER_OPTIONS == {"server_header": False}


def test_the_dockerfile_runs_that_worker() -> None:
    from app import PROJECT_ROOT

    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "--worker-class app.core.server.UvicornWorker" in dockerfile
    assert "uvicorn.workers.UvicornWorker" not in dockerfile


def _loaded(config: uvicorn.Config) -> uvicorn.Config:
    config.load()
    return config


# ---- 405 with every method of the path in Allow ------------------------------------------------

def paths_and_methods() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for context in iter_route_contexts(app.routes):
        if context.path and context.methods:
            found.setdefault(context.path, set()).update(context.methods)
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_a_path_with_several_routes_names_them_all(client, make_user, login) -> None:
    response = client.delete("/api/v1/projects", headers=login(make_user("developer")))
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"
    assert is_problem(response)["status"] == 405
    response = client.delete("/api/v1/users/1")
    assert response.status_code == 405 and response.headers["allow"] == "GET, PATCH"
    page = client.put("/login")
    assert page.status_code == 405 and page.headers["allow"] == "GET, POST"
    assert page.headers["content-type"].startswith("text/html") and "不支持" in page.text


def test_a_method_is_never_taken_for_another_route(client, make_user, login) -> None:
    """``PUT /calendar/add-working-days`` was the administrator's ``PUT /calendar/{year}`` for
    a year called "add-working-days": 403 for a tenant, 401 for a stranger."""
    for headers in ({}, login(make_user("tenant"))):
        response = client.put("/api/v1/calendar/add-working-days", json={}, headers=headers)
        assert response.status_code == 405 and response.headers["allow"] == "GET"


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_undeclared_method_of_every_path_is_a_405_with_allow(client, make_user, login,
                                                                    signed_in) -> None:
    headers = login(make_user("tenant")) if signed_in else {}
    wrong = []
    for path, methods in sorted(paths_and_methods().items()):
        url = concrete(path)
        for method in METHODS:
            if method in methods or (method == "GET" and "HEAD" in methods):
                continue
            response = client.request(method, url, headers=headers)
            allow = {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}
            # /favicon.ico is a file, not a page: a wrong method is a problem+json like the API's
            page = not path.startswith("/api/") and path not in ("/healthz", "/readyz", "/favicon.ico",
                                                                 *DOCS)
            kind = "text/html" if page else "application/problem+json"
            if (response.status_code != 405 or allow != methods
                    or not response.headers["content-type"].startswith(kind)):
                wrong.append((method, path, response.status_code, sorted(allow),
                              response.headers["content-type"]))
    assert not wrong, wrong


# ---- JSON bodies: no unknown field, no coerced boolean or integer ------------------------------

def test_patch_user_refuses_coercion_and_unknown_fields(client, make_user, login) -> None:
    someone = make_user("office")
    admin = login(make_user("admin"))  # (commits: a refused request rolls back to here)
    for body, field, kind in (({"is_active": 0}, "is_active", "应为是或否"),
                              ({"is_active": "false"}, "is_active", "应为是或否"),
                              ({"organization_id": False}, "organization_id", "不允许的字段")):
        response = client.patch(f"/api/v1/users/{someone.id}", json=body, headers=admin)
        assert response.status_code == 422, (body, response.text)
        error = is_problem(response)["errors"][0]
        assert error["field"] == field and kind in error["message"]
    unchanged = client.patch(f"/api/v1/users/{someone.id}", json={}, headers=admin)
    assert unchanged.status_code == 200 and unchanged.json()["is_active"] is True
    response = client.patch(f"/api/v1/users/{someone.id}", json={"is_active": False}, headers=admin)
    assert response.status_code == 200 and response.json()["is_active"] is False


def json_bodies() -> dict[str, type]:
    """Every JSON request body of the API, by route."""
    from pydantic import BaseModel

    found: dict[str, type] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        body = getattr(route, "body_field", None)
        if body is None or not context.path.startswith("/api/"):
            continue
        annotation = getattr(body.field_info, "annotation", None) or body.type_
        media = getattr(body.field_info, "media_type", "application/json")
        models = [a for a in (typing.get_args(annotation) or (annotation,))  # ``AcceptIn | None``
                  if isinstance(a, type) and issubclass(a, BaseModel)]
        if models and media == "application/json":
            found[f"{sorted(context.methods)[0]} {context.path}"] = models[0]
    return found


def core_nodes(schema: object) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from core_nodes(value)
    elif isinstance(schema, list | tuple):
        for value in schema:
            yield from core_nodes(value)


def test_every_json_body_forbids_unknown_fields_and_coercion() -> None:
    from app.core.schemas import JsonIn

    bodies = json_bodies()
    assert len(bodies) > 40  # every POST/PUT/PATCH with a JSON body
    wrong = []
    for route, model in bodies.items():
        if not issubclass(model, JsonIn):
            wrong.append((route, model.__name__, "not JsonIn"))
        for node in core_nodes(model.__pydantic_core_schema__):
            if node.get("type") == "model" and node.get("config", {}).get(
                    "extra_fields_behavior") != "forbid":
                wrong.append((route, node.get("cls"), "unknown fields allowed"))
            if node.get("type") in ("bool", "int") and not node.get("strict"):
                wrong.append((route, model.__name__, f"lax {node['type']}"))
    assert not wrong, wrong


def test_the_lease_search_query_refuses_unknown_parameters(client, make_user, login) -> None:
    """A query string is not a JSON body (its values are text, read as numbers and booleans),
    but an unknown parameter is refused, not ignored: ``districts=`` is not ``district=``."""
    headers = login(make_user("auditor"))
    ok = client.get("/api/v1/audit/leases?district=珠山区&above_filed=true&sort=-start_on&limit=5",
                    headers=headers)
    assert ok.status_code == 200, ok.text
    for path in ("/api/v1/audit/leases", "/api/v1/audit/leases.csv", "/api/v1/audit/leases.xlsx"):
        response = client.get(f"{path}?districts=珠山区&sort=monthly_rent", headers=headers)
        assert response.status_code == 422, (path, response.text)
        error = is_problem(response)["errors"][0]
        assert error["field"] == "districts" and error["message"] == "不允许的字段"
