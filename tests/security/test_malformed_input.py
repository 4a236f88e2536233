"""Malformed input never answers 500 (issue 14): a month of year 0, a lease ending on
9999-12-31, a CSV field longer than the csv module reads; and, property-based, every date and
amount of every JSON body: whatever parses answers 2xx or 4xx, a refusal naming its field.

The bodies are sent to the world of the authorisation matrix (every route meets real objects
in a state where it can act), each request in a savepoint rolled back after it, as a role the
route allows, on that role's own object.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from app.main import app
from tests.approval.conftest import REVIEW_DAY, application, cast  # noqa: F401  (fixture)
from tests.conftest import app_in_one_transaction
from tests.core.test_errors import is_problem
from tests.leases.conftest import apply, approve, csv_file, lease_body, operate, tenant  # noqa: F401
from tests.security.conftest import api_routes
from tests.security.test_authorization_matrix import (
    ANON,
    FIXED_PATH_VALUES,
    QUERY,
    TABLE,
    Rule,
    World,
    build_world,
)

TOO_LONG = "x" * 131_073  # csv.field_size_limit() is 131,072


# ---- the findings, one by one --------------------------------------------------------------------

def test_a_month_of_year_0_is_refused_naming_the_field(cast) -> None:  # noqa: F811
    for month, field in (("0000-01", "planned_start"), ("9999-12", "planned_in_use")):
        response = cast.client.post("/api/v1/projects", json=application(**{field: month}),
                                    headers=cast.as_("developer"))
        assert response.status_code == 422, response.text
        error = is_problem(response)["errors"][0]
        assert error["field"] == field and "年份" in error["message"]


def test_a_lease_ending_in_9999_is_refused_naming_the_field(cast, tenant) -> None:  # noqa: F811
    city = operate(cast)
    application_id = apply(city, tenant())["id"]
    approve(city, application_id)
    for end_on in ("9999-12-31", "2200-01-01"):
        response = cast.client.post("/api/v1/leases", json=lease_body(city, application_id, end_on=end_on),
                                    headers=cast.as_("developer"))
        assert response.status_code == 422, response.text
        error = is_problem(response)["errors"][0]
        assert error["field"] == "end_on" and "2199-12-31" in error["message"]


@pytest.mark.parametrize(("path", "header", "row"), [
    ("/api/v1/registry/properties", "id_number,address,district,acquired_on", "{id},{long},珠山区,"),
    ("/api/v1/registry/public-rental", "id_number,qualified,receiving", "{id},{long},否"),
])
def test_a_registry_field_over_the_csv_limit_is_refused_naming_its_line(client, make_user, login,
                                                                        path, header, row) -> None:
    from tests.conftest import fake_id_number

    lines = [f"{fake_id_number()},珠山区某路1号,珠山区," if "properties" in path
             else f"{fake_id_number()},是,否",
             row.format(id=fake_id_number(), long=TOO_LONG)]
    response = client.post(path, files=csv_file(lines, header), headers=login(make_user("admin")))
    assert response.status_code == 422, response.text[:300]
    body = is_problem(response)
    assert body["errors"][0]["field"] == "line 3" and "第 3 行" in body["detail"]
    assert "131,072" in body["detail"]


def test_a_units_file_field_over_the_csv_limit_is_refused_naming_its_line(cast, make_user) -> None:  # noqa: F811
    from tests.web.conftest import Person
    from tests.web.test_workflows import csv_upload

    project_id = cast.file()
    cast.to_state(project_id, "certified")
    cast.post("developer", f"/api/v1/projects/{project_id}/completion", {"completed_on": "2025-06-01"})
    developer = Person(TestClient(app, raise_server_exceptions=False))
    developer.login(cast.developer.username)
    response = developer.post(f"/projects/{project_id}/units", files=csv_upload(
        "1栋,1,101,38.50,住宅型,一室户", f"1栋,1,{TOO_LONG},38.50,住宅型,一室户"), expect=422)
    assert "第 3 行" in response.text and "131,072" in response.text


# ---- every date and amount of every JSON body, property-based --------------------------------------

ODD_DAYS = [date.min, date.max, date(1899, 12, 31), date(1900, 1, 1), date(2199, 12, 31),
            date(2200, 1, 1), date(2000, 2, 29), date(9999, 12, 30)]
# edges, anything Python can hold, and (more often) what a person might type, so that the
# rules behind the validation are reached too
DAYS = st.one_of(st.sampled_from(ODD_DAYS), st.dates(),
                 st.dates(date(2015, 1, 1), date(2035, 12, 31)),
                 st.dates(date(2015, 1, 1), date(2035, 12, 31))).map(date.isoformat)
PLAUSIBLE = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2).map(str)
AMOUNTS = st.one_of(
    PLAUSIBLE, PLAUSIBLE,
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "-0", "-1.00", "0.001", "1E+400", "-1E+400", "1e-7", "9999999999.99",
                     "99999999999999999999", "0.1E+3", " 1.00", "1_000"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
MONTHS = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 9999), st.integers(1, 12))
ROLES_BY_PREFERENCE = ("developer", "office", "admin", "department", "fagai", "tenant", "employer",
                       "leader", "auditor")


def _unwrap(annotation: Any) -> list[Any]:
    """The types an annotation may hold: Optional and Annotated opened."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def value_paths(model: type[BaseModel], prefix: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], str]:
    """Where ``model`` (nested models, lists, dicts) holds a date, an amount or a month."""
    found: dict[tuple[Any, ...], str] = {}
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        for kind in _unwrap(info.annotation):
            origin, args = typing.get_origin(kind), typing.get_args(kind)
            inner, where = kind, path
            if origin is list and args:
                inner, where = _unwrap(args[0])[0], (*path, 0)
            elif origin is dict and args:
                inner, where = _unwrap(args[1])[0], (*path, "一室户")
            if inner is date:
                found[where] = "date"
            elif inner is Decimal:
                found[where] = "amount"
            elif name.startswith("planned_"):
                found[where] = "month"
            elif isinstance(inner, type) and issubclass(inner, BaseModel):
                found |= value_paths(inner, where)
    return found


def body_models() -> dict[tuple[str, str], type[BaseModel]]:
    models = {}
    for method, path, route in api_routes():
        body = getattr(route, "body_field", None)
        annotation = getattr(body.field_info, "annotation", None) if body is not None else None
        for model in _unwrap(annotation):  # an optional body: ``AcceptIn | None``
            if isinstance(model, type) and issubclass(model, BaseModel):
                models[(method, path)] = model
    return models


CASES = sorted((key, paths) for key, model in body_models().items()
               if TABLE.get(key) is not None and TABLE[key].body is not None
               and (paths := value_paths(model)))


def put(body: Any, path: tuple[Any, ...], value: Any) -> None:
    *parents, last = path
    for step in parents:
        if isinstance(step, int):
            if not body:
                body.append({})
            body = body[step]
        else:
            body = body.setdefault(step, [] if isinstance(path[path.index(step) + 1], int) else {})
    if isinstance(last, int):
        if body:
            body[last] = value
        else:
            body.append(value)
    else:
        body[last] = value


class Sender:
    def __init__(self, world: World, client: TestClient, connection: Any, session: Any) -> None:
        self.world, self.client, self.connection, self.session = world, client, connection, session

    def url(self, method: str, path: str, rule: Rule, who: str) -> str:
        url = path
        for name, fixed in FIXED_PATH_VALUES.items():
            if method in fixed:
                url = url.replace(f"{{{name}}}", fixed[method])
        if rule.kind:
            url = re.sub(r"\{[^}]+\}", self.world.own(rule, who), url)
        return url + QUERY.get(path, "")

    def send(self, method: str, path: str, body: Any) -> Any:
        rule = TABLE[(method, path)]
        who = next(r for r in ROLES_BY_PREFERENCE if r in rule.allowed and r != ANON)
        savepoint = self.connection.begin_nested()
        try:
            return self.client.request(method, self.url(method, path, rule, who), json=body,
                                       headers=self.world.headers(who))
        finally:
            savepoint.rollback()
            self.session.expunge_all()


@pytest.fixture(scope="module")
def sender(engine: Engine) -> Iterator[Sender]:
    with app_in_one_transaction(engine, REVIEW_DAY) as (connection, session, client):
        yield Sender(build_world(session, client), client, connection, session)


def test_the_bodies_have_dates_and_amounts_to_try() -> None:
    routes = {key for key, _ in CASES}
    assert ("POST", "/api/v1/leases") in routes and ("POST", "/api/v1/projects") in routes
    assert len(routes) >= 20


STRATEGIES = {"date": DAYS, "amount": AMOUNTS, "month": MONTHS}
EDGES = {"date": [date.min.isoformat(), date.max.isoformat()], "amount": ["1E+400", "-1", "0"],
         "month": ["0000-01", "9999-12"]}


@pytest.mark.parametrize(("key", "paths"), CASES, ids=[f"{m} {p}" for (m, p), _ in CASES])
def test_every_date_and_amount_answers_2xx_or_4xx(sender: Sender, key: tuple[str, str],
                                                  paths: dict[tuple[Any, ...], str]) -> None:
    method, path = key
    base = TABLE[key].body(sender.world)  # type: ignore[misc]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.fixed_dictionaries({where: st.none() | STRATEGIES[kind] for where, kind in paths.items()}))
    def check(values: dict[tuple[Any, ...], Any]) -> None:
        body = copy.deepcopy(base)
        for where, value in values.items():
            if value is not None:
                put(body, where, value)
        response = sender.send(method, path, body)
        assert response.status_code < 500, (body, response.text[:500])
        if response.status_code == 422:
            problem = is_problem(response)
            assert problem["detail"] and (problem.get("errors") or problem.get("violations")
                                          or problem["type"] != "about:blank"), problem

    for where, kind in paths.items():  # each edge on its own, the other fields as in the base body
        for edge in EDGES[kind]:
            check = example({w: edge if w == where else None for w in paths})(check)
    check()
