"""Names and other typed text (issue 14): bidi overrides, zero-width and control characters, NUL
and CR/LF are refused wherever people type text — JSON bodies, the pages' forms, the CSV imports —
with a message in Chinese naming the field; text is stored in NFC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.schemas import clean_line, clean_paragraph
from app.main import app
from tests.approval.conftest import application, cast  # noqa: F401  (fixture)
from tests.conftest import PASSWORD, fake_id_number
from tests.core.test_errors import is_problem
from tests.leases.conftest import csv_file
from tests.security.test_exposure import json_bodies
from tests.web.conftest import Person, csrf_of

BIDI = "\u202e"          # RIGHT-TO-LEFT OVERRIDE: "张三\u202e书证认" prints as "张三认证书"
ZERO_WIDTH = "\u200b"    # ZERO WIDTH SPACE
HIDDEN = [BIDI, ZERO_WIDTH, "\u2066", "\ufeff", "\x00", "\x07", "\r", "\n", "\x1b", "\u200d"]
MESSAGE = "不可见或控制字符"


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.text[:300]
    errors = {e["field"]: e["message"] for e in is_problem(response)["errors"]}
    assert field in errors and MESSAGE in errors[field], errors


@pytest.mark.parametrize("hidden", HIDDEN)
def test_a_name_with_a_hidden_character_is_refused(client, hidden: str) -> None:
    response = client.post("/api/v1/auth/register", json={
        "username": "hidden-name", "password": PASSWORD, "full_name": f"张三{hidden}书证认",
        "id_number": fake_id_number(), "phone": "13912345678"})
    refused(response, "full_name")


@pytest.mark.parametrize(("field", "value"), [
    ("name", f"昌江区{ZERO_WIDTH}青年人才公寓"), ("address", "景德镇市\n昌江区"),
    ("operator_unit_name", f"景德镇{BIDI}运营公司"), ("property_certificate_no", "赣\r(2024)"),
    ("supporting_facilities_content", "公共厨房\x00"),
])
def test_project_text_fields_refuse_hidden_characters(cast, field: str, value: str) -> None:  # noqa: F811
    response = cast.client.post("/api/v1/projects", json=application(**{field: value}),
                                headers=cast.as_("developer"))
    refused(response, field)


def test_unit_type_names_and_comments_too(cast) -> None:  # noqa: F811
    types = application()["unit_types"]
    types[0]["name"] = f"一室{BIDI}户"
    refused(cast.client.post("/api/v1/projects", json=application(unit_types=types),
                             headers=cast.as_("developer")), "unit_types.0.name")
    project_id = cast.file()
    cast.post("developer", f"/api/v1/projects/{project_id}/submit", {})
    refused(cast.client.post(f"/api/v1/projects/{project_id}/return", json={
        "items": [f"不动产{ZERO_WIDTH}权证"], "comment": "请补正"}, headers=cast.as_("office")),
        "items.0")


def test_a_paragraph_keeps_its_lines_and_text_is_stored_in_nfc(cast) -> None:  # noqa: F811
    project_id = cast.file(supporting_facilities_content="公共厨房\r\n洗衣房\n健身活动室",
                           name="Cafe\u0301 青年公寓")  # e + combining acute → é
    body = cast.get("developer", f"/api/v1/projects/{project_id}")
    assert body["supporting_facilities_content"] == "公共厨房\n洗衣房\n健身活动室"
    assert body["name"] == "Caf\u00e9 青年公寓"


def test_the_validators() -> None:
    assert clean_line("景德镇 珠山区") == "景德镇 珠山区"
    assert clean_paragraph("第一行\r\n第二行") == "第一行\n第二行"
    for value in HIDDEN:
        with pytest.raises(ValueError, match=MESSAGE):
            clean_line(f"a{value}b")
    with pytest.raises(ValueError, match="U\\+202E"):
        clean_paragraph(f"a{BIDI}b")


def test_an_organisation_name_with_cr_lf_is_refused(client, make_user, login) -> None:
    response = client.post("/api/v1/organizations", headers=login(make_user("admin")),
                           json={"name": "景德镇\r\n某公司", "uscc": "91360200MA00000000"})
    refused(response, "name")


# ---- the pages --------------------------------------------------------------------------------

def test_the_registration_page_refuses_a_hidden_character(client) -> None:
    person = Person(TestClient(app, raise_server_exceptions=False))
    page = person.client.get("/register")
    response = person.client.post("/register", data={
        "username": "hidden-page", "password": PASSWORD, "password_confirm": PASSWORD,
        "full_name": f"张三{BIDI}书证认", "id_number": fake_id_number(), "phone": "13912345678",
        "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 422 and MESSAGE in response.text


def test_the_project_form_refuses_a_hidden_character(cast) -> None:  # noqa: F811
    developer = Person(TestClient(app, raise_server_exceptions=False))
    developer.login(cast.developer.username)
    page = developer.get("/projects/new")
    assert "name" in page
    response = developer.post("/projects/new", {"name": f"昌江区{ZERO_WIDTH}公寓", "action": "save"},
                              expect=422)
    assert MESSAGE in response.text


# ---- the CSV imports ------------------------------------------------------------------------

def test_registry_text_with_a_hidden_character_is_refused_naming_its_line(client, make_user,
                                                                          login) -> None:
    response = client.post("/api/v1/registry/properties", headers=login(make_user("admin")),
                           files=csv_file([f"{fake_id_number()},珠山区{BIDI}某路1号,珠山区,2020-01-01"],
                                          "id_number,address,district,acquired_on"))
    assert response.status_code == 422
    body = is_problem(response)
    assert body["errors"][0]["field"] == "line 2" and MESSAGE in body["detail"]
    assert "地址" in body["detail"]


def test_a_units_file_with_a_hidden_character_is_refused_naming_its_line(cast) -> None:  # noqa: F811
    from tests.web.test_workflows import csv_upload

    project_id = cast.file()
    cast.to_state(project_id, "certified")
    cast.post("developer", f"/api/v1/projects/{project_id}/completion", {"completed_on": "2025-06-01"})
    developer = Person(TestClient(app, raise_server_exceptions=False))
    developer.login(cast.developer.username)
    response = developer.post(f"/projects/{project_id}/units", files=csv_upload(
        f"1{ZERO_WIDTH}栋,1,101,38.50,住宅型,一室户"), expect=422)
    assert "第 2 行" in response.text and MESSAGE in response.text


# ---- every free-text field of every JSON body ---------------------------------------------------

ALLOWED_RAW = {"password"}  # never shown or printed; whatever the person chose


def text_fields(schema: Any) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(field, str schema, cleaned) for every text of a core schema."""
    cleaners = {clean_line, clean_paragraph}

    def walk(node: Any, field: str, cleaned: bool) -> Iterator[tuple[str, dict[str, Any], bool]]:
        if isinstance(node, dict):
            if node.get("type") == "str":
                yield field, node, cleaned
                return
            if node.get("type") == "model-fields":
                for name, sub in node["fields"].items():
                    yield from walk(sub, name, False)
                return
            is_clean = node.get("type") == "function-after" and \
                node.get("function", {}).get("function") in cleaners
            for value in node.values():
                yield from walk(value, field, cleaned or is_clean)
        elif isinstance(node, list | tuple):
            for value in node:
                yield from walk(value, field, cleaned)

    yield from walk(schema, "", False)


def test_every_free_text_field_of_every_json_body_is_line_or_paragraph() -> None:
    wrong, checked = [], set()
    for route, model in json_bodies().items():
        for field, node, cleaned in text_fields(model.__pydantic_core_schema__):
            checked.add((model.__name__, field))
            if not (cleaned or node.get("pattern") or field in ALLOWED_RAW):
                wrong.append((route, model.__name__, field))
    assert not wrong, wrong
    assert {("ProjectIn", "name"), ("RegisterRequest", "full_name"), ("MeetingIn", "minutes"),
            ("MaterialsIn", "items"), ("RevokeIn", "reason")} <= checked
    assert len(checked) > 50
