"""Personal data (PIPL 第五十一条: security measures): no 身份证 number or phone in logs,
the audit trail, URLs or echoed validation errors."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.dependencies.utils import get_flat_params
from sqlalchemy import text

from app.core.errors import _field_errors
from app.main import app
from tests.conftest import PASSWORD, fake_id_number
from tests.security.conftest import (
    api_routes,
    app_database,
    free_port,
    fresh_sqlite,
    make_role_users,
)

PHONE = "13987654321"
EXTRA_LOGGERS = ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.Engine", "sqlalchemy.pool",
                 "httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi",
                 "fastapi", "starlette", "baozu", "baozu.auth", "baozu.errors", "alembic")


@pytest.fixture
def every_log(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG (SQL with its parameters and rows included) before any database
    connection of the test exists, so SQLAlchemy's echo decisions see it."""
    caplog.set_level(logging.DEBUG)
    for name in set(logging.root.manager.loggerDict) | set(EXTRA_LOGGERS):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or "",
                  repr({k: v for k, v in vars(record).items() if k not in {"args", "msg"}})]
    return "\n".join(parts)


def exercise(http: Any, admin_headers: dict[str, str], id_number: str) -> None:
    """What a tenant and an administrator do, plus the mistakes that carry the number."""
    registration = {"username": "pipl-tenant", "password": "jingpiao-2026", "full_name": "隐私测试",
                    "id_number": id_number, "phone": PHONE}
    assert http.post("/api/v1/auth/register", json=registration).status_code == 201
    token = http.post("/api/v1/auth/token", data={"username": "pipl-tenant",
                                                  "password": "jingpiao-2026"}).json()
    me = http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200 and me.json()["id_number"] == id_number  # theirs to see
    users = http.get("/api/v1/users", headers=admin_headers)
    assert users.status_code == 200 and id_number not in users.text and PHONE not in users.text
    # validation errors with the number (and phone) in the body
    for body in (registration | {"username": "x"},                     # bad username
                 registration | {"phone": "12345", "username": "pipl2"},  # bad phone
                 registration | {"password": "short"},
                 registration | {"username": "pipl-tenant"},            # 409 duplicate
                 registration | {"username": "pipl3"},                  # 409 same person
                 registration | {"id_number": id_number + "9", "username": "pipl4"},
                 registration | {"id_number": id_number[:17] + ("0" if id_number[17] != "0" else "1"),
                                 "username": "pipl5"}):               # bad check digit
        response = http.post("/api/v1/auth/register", json=body)
        assert 400 <= response.status_code < 500
        assert id_number not in response.text and PHONE not in response.text
    bad_staff = {"username": "staff-x", "password": "some-good-pw1", "role": "mayor",
                 "id_number": id_number, "phone": PHONE}
    response = http.post("/api/v1/users", headers=admin_headers, json=bad_staff)
    assert response.status_code == 422 and id_number not in response.text
    malformed = http.post("/api/v1/auth/register", headers={"content-type": "application/json"},
                          content=f'{{"id_number": "{id_number}", "phone": "{PHONE}",'.encode())
    assert malformed.status_code == 422 and id_number not in malformed.text
    # people type their number into the username field; a failed login must not log it
    failed = http.post("/api/v1/auth/token", data={"username": id_number, "password": PHONE})
    assert failed.status_code == 401


def assert_nowhere(logged: str, audit_rows: list[Any], id_number: str) -> None:
    assert logged, "nothing was captured: the log capture is not working"
    for secret in (id_number, PHONE):
        assert secret not in logged, f"{secret} appears in the logs"
        for row in audit_rows:
            assert secret not in repr(tuple(row)), f"{secret} appears in audit event {row.id}"


def test_no_personal_data_in_logs_or_audit_trail(every_log, client, session, make_user,
                                                 login) -> None:
    id_number = fake_id_number("19990101")
    admin_headers = login(make_user("admin"))
    exercise(client, admin_headers, id_number)
    logged = everything_logged(every_log)
    assert "HTTP Request: POST http://testserver/api/v1/auth/register" in logged  # httpx's log
    assert "INSERT INTO user_account" in logged  # SQLAlchemy's statements were captured
    assert_nowhere(logged, session.execute(text("SELECT * FROM audit_event")).all(), id_number)


class ServerThread:
    def __init__(self, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                log_level="debug", access_log=True, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def test_no_personal_data_through_a_real_uvicorn_server(every_log, tmp_path) -> None:
    """The same through uvicorn, so its access and error logs are captured as well."""
    id_number = fake_id_number("19990202")
    with app_database(fresh_sqlite(tmp_path)) as database:
        with database.sessions() as s:
            make_role_users(s, prefix="staff")
            s.commit()
        port = free_port()
        with ServerThread(port), httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            token = http.post("/api/v1/auth/token", data={"username": "staff-admin",
                                                          "password": PASSWORD}).json()
            exercise(http, {"Authorization": f"Bearer {token['access_token']}"}, id_number)
        with database.engine.connect() as conn:
            audit_rows = conn.execute(text("SELECT * FROM audit_event")).all()
    logged = everything_logged(every_log)
    assert '"POST /api/v1/auth/register HTTP/1.1" 201' in logged  # uvicorn's access log
    assert_nowhere(logged, audit_rows, id_number)


def all_api_parameters() -> Iterator[tuple[str, str, str]]:
    for _, path, route in api_routes():
        dependant = route.dependant
        for kind, params in (("path", get_flat_params(dependant)),):
            for param in params:
                yield path, kind, param.alias or param.name
    for path, operations in app.openapi()["paths"].items():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                yield path, param["in"], param["name"]


def test_no_url_carries_an_id_number() -> None:
    """URLs end up in access logs, proxies and browser history: no 身份证 number in them."""
    parameters = list(all_api_parameters())
    walked = {path for path, kind, _ in parameters if kind == "path"}
    assert len(api_routes()) >= 40 and len(walked) >= 20  # the walk found the routes
    offenders = [p for p in parameters if "id_number" in p[2].lower() or "idnumber" in p[2].lower()
                 or "id_card" in p[2].lower() or "phone" in p[2].lower()]
    assert offenders == []
    assert not any("id_number" in path or "{phone" in path for path in app.openapi()["paths"])


# ---- validation errors never echo the rejected input ---------------------------------------

SENTINEL = "ECHO-Sentinel-7f3a"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/v1/auth/register", {"username": SENTINEL + " !", "password": SENTINEL[:3],
                                       "full_name": "", "id_number": SENTINEL * 5,
                                       "phone": SENTINEL, "extra": SENTINEL}),
    ("post", "/api/v1/auth/register", [SENTINEL]),
    ("post", "/api/v1/auth/register", SENTINEL),
    ("post", "/api/v1/users", {"username": SENTINEL, "password": SENTINEL, "role": SENTINEL,
                               "organization_id": SENTINEL, "department_id": [SENTINEL]}),
    ("patch", "/api/v1/users/1", {"is_active": SENTINEL}),
    ("put", "/api/v1/calendar/2030", {"notice": SENTINEL, "holidays": [SENTINEL],
                                      "makeup_workdays": SENTINEL}),
    ("get", f"/api/v1/calendar/add-working-days?start={SENTINEL}&days={SENTINEL}", None),
    ("get", f"/api/v1/calendar/{SENTINEL}", None),
    ("get", f"/api/v1/audit/events?limit={SENTINEL}&since={SENTINEL}&order={SENTINEL}", None),
    ("get", f"/api/v1/projects?status={SENTINEL}", None),
    ("post", "/api/v1/projects", {"name": SENTINEL, "land_area_m2": SENTINEL,
                                  "unit_types": [{"kind": SENTINEL, "count": SENTINEL}],
                                  "planned_start": SENTINEL}),
])
def test_validation_errors_do_not_echo_the_input(client, make_user, login, method, path,
                                                 body) -> None:
    headers = login(make_user("admin"))
    if path.startswith("/api/v1/projects") or path.startswith("/api/v1/audit"):
        headers = login(make_user("developer" if path == "/api/v1/projects" and method == "post"
                                  else "auditor"))
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"] and all(set(e) == {"field", "location", "message"}
                                     for e in problem["errors"])
    assert SENTINEL not in response.text and SENTINEL[:3] + '"' not in response.text
    assert "input" not in problem


def test_field_errors_drop_input_and_context_values() -> None:
    errors: list[dict[str, Any]] = [
        {"type": "string_pattern_mismatch", "loc": ("body", "phone"), "input": SENTINEL,
         "ctx": {"pattern": "^1[3-9]\\d{9}$"}, "msg": f"bad {SENTINEL}"},
        {"type": "unknown_type", "loc": ("body", "x"), "input": SENTINEL, "msg": SENTINEL,
         "ctx": {"anything": SENTINEL}},
        {"type": "missing", "loc": ("query", "q"), "input": {"q": SENTINEL}},
    ]
    rendered = _field_errors(errors)
    assert SENTINEL not in repr(rendered)
    assert [e["message"] for e in rendered] == ["格式不正确", "取值不合法", "缺少必填项"]


