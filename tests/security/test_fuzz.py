"""API fuzzing (ASVS 5.0 V1, V4): every operation of the OpenAPI document, as every role.

Schemathesis generates valid and invalid requests from the document; each is sent as
anonymous and as each of the 8 roles. For every answer: never a 5xx, the status code is one
the operation declares, the media type is declared for it and the body matches the
declared schema. Bounded and deterministic: a few examples per operation
(``BAOZU_FUZZ_EXAMPLES``, default 4), derandomised, no deadline, no shrinking.

Runs on a throwaway SQLite database (migrated with Alembic) holding one user per role, a
draft project and a certified one, so object routes meet real objects as well as
missing ones.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import update

from app.accounts.models import User
from app.accounts.security import create_access_token
from app.core.config import get_settings
from app.main import app
from tests.approval.conftest import REVIEW_DAY, application
from tests.security.conftest import ROLES, app_database, fresh_sqlite, make_role_users

EXAMPLES = int(os.environ.get("BAOZU_FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
OPERATIONS = sorted((method.upper(), path) for path, item in app.openapi()["paths"].items()
                    for method in item)
PREFIX = "fuzz"
STATS: Counter[str] = Counter()


class FuzzWorld:
    """The throwaway database, a token per role and the objects the routes can meet."""

    def __init__(self, database: Any, users: dict[str, User]) -> None:
        self.database = database
        self.tokens = {role: create_access_token(user_id=u.id, role=u.role, token_version=0)[0]
                       for role, u in users.items()}

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def reset_accounts(self) -> None:
        """Undo what a fuzzed logout or ``PATCH /users/{id}`` did to the role accounts."""
        with self.database.sessions.begin() as s:
            s.execute(update(User).where(User.username.startswith(f"{PREFIX}-"))
                      .values(is_active=True, token_version=0))


def walk_to_certified(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    def post(who: str, path: str, body: Any, expect: int = 200) -> dict[str, Any]:
        response = client.post(path, json=body, headers=headers[who])
        assert response.status_code == expect, response.text
        return response.json()

    post("developer", "/api/v1/projects", application(name="草稿项目"), 201)
    project = post("developer", "/api/v1/projects", application(), 201)["id"]
    departments = client.get("/api/v1/departments", headers=headers["office"]).json()
    zhujian = next(d["id"] for d in departments if d["code"] == "zhujian")
    for who, action, body in [
        ("developer", "submit", {}), ("office", "accept", {}),
        ("office", "dispatch", {"department_ids": [zhujian]}),
        ("department", "opinions", {"opinion": "approve", "comment": "同意"}),
        ("office", "meeting", {"decision": "pass", "minutes": "通过"}),
        ("leader", "leader-approval", {"approve": True, "comment": "同意认定"}),
    ]:
        post(who, f"/api/v1/projects/{project}/{action}", body)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzWorld]:
    assert not app.dependency_overrides
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp, app_database(fresh_sqlite(folder)) as database:
        mp.setattr(get_settings(), "today", REVIEW_DAY)
        with database.sessions.begin() as s:
            users = make_role_users(s, prefix=PREFIX)
        fuzz = FuzzWorld(database, users)
        with TestClient(app) as client:
            walk_to_certified(client, {r: fuzz.headers(r) for r in ROLES})
        yield fuzz
    if os.environ.get("BAOZU_FUZZ_STATS"):
        statuses = {k: v for k, v in sorted(STATS.items()) if k.isdigit()}
        print(f"\nfuzz: {len(OPERATIONS)} operations, {STATS['examples']} examples, "
              f"{STATS['requests']} requests; statuses {statuses}")


@pytest.fixture(scope="module")
def schema(world: FuzzWorld) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def strategy(operation: Any) -> st.SearchStrategy[Any]:
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            strategies.append(operation.as_strategy(generation_mode=mode))
        except Exception:  # e.g. nothing to negate for an operation without input
            continue
    return st.one_of(*strategies)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation(world: FuzzWorld, schema: Any, method: str, path: str) -> None:
    operation = schema[path][method]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy(operation))
    def fuzz(case: Any) -> None:
        STATS["examples"] += 1
        for role in [None, *ROLES]:
            headers = world.headers(role)
            response = case.call(headers=headers)
            STATS["requests"] += 1
            STATS[f"{response.status_code}"] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)
            if method != "GET":
                world.reset_accounts()

    fuzz()
