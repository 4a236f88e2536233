"""规则与参数 (issue 15): every parameter with its source, and the city's dated changes of its
policy settings — never retroactive, audited, applied from their date by every process, and
previewed before they are saved; the regulation's own numbers cannot change this way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules import params
from tests.conftest import count
from tests.leases.conftest import apply, approve, lease_body

P = "/api/v1/parameters"
CHANGE = {"value": 1, "since": "2025-06-10", "reason": "防止预收租金过多，减轻新市民负担",
          "reference": "景保租办〔2025〕7号"}


def test_every_parameter_is_listed_with_its_source(client) -> None:
    first = client.get(P, params={"limit": 200})
    assert first.status_code == 200
    listed = {p["name"]: p for p in first.json()}
    assert set(listed) == set(params.parameters())
    cap = listed["rent_cap_ratio"]
    assert (cap["article"], cap["value"], cap["policy"]) == ("第三十七条", "0.90", False)
    assert cap["values"][0]["source"] == "regulation" and "景府办发" in cap["reference"]
    prepaid = listed["prepaid_rent_months_max"]
    assert prepaid["policy"] and prepaid["value"] == 3 and prepaid["unit"] == "月"
    assert client.get(f"{P}/nonexistent").status_code == 404


def _lease(city, tenant, prepaid_months: int, expect: int):
    person = tenant()
    application = apply(city, person)["id"]
    approve(city, application)
    return city.cast.post("developer", "/api/v1/leases", lease_body(
        city, application, prepaid_rent=str(Decimal("1039.50") * prepaid_months)), expect=expect)


def test_a_dated_change_applies_from_its_date_and_is_audited(city, tenant, session, today) -> None:
    cast = city.cast
    before = count(session, "audit_event")
    changed = cast.post("admin", f"{P}/prepaid_rent_months_max/changes", CHANGE, expect=201)
    assert count(session, "audit_event") == before + 1
    assert changed["values"][-1] == changed["values"][-1] | {
        "since": "2025-06-10", "value": 1, "source": "city", "reference": "景保租办〔2025〕7号"}
    assert changed["value"] == 3  # today (2025-06-03) the old value still applies
    _lease(city, tenant, prepaid_months=2, expect=201)  # before the date: 2 months ≤ 3
    today(date(2025, 6, 10))
    refused = _lease(city, tenant, prepaid_months=2, expect=422)  # from the date: at most 1
    assert any(v["article"] == "第四十三条" for v in refused["violations"])
    assert cast.client.get(f"{P}/prepaid_rent_months_max").json()["value"] == 1


@pytest.mark.parametrize(("name", "body", "status", "where"), [
    ("rent_cap_ratio", CHANGE | {"value": "0.85"}, 409, "第三十七条"),  # the regulation's own
    ("prepaid_rent_months_max", CHANGE | {"since": "2025-06-02"}, 422, "since"),  # retroactive
    ("prepaid_rent_months_max", CHANGE | {"value": "two"}, 422, "value"),
    ("prepaid_rent_months_max", CHANGE | {"value": 0}, 422, "value"),
    ("prepaid_rent_months_max", CHANGE | {"reason": ""}, 422, "reason"),
])
def test_refused_changes_write_nothing(cast, session, name, body, status, where) -> None:
    before = count(session, "policy_change")
    response = cast.client.post(f"{P}/{name}/changes", json=body, headers=cast.as_("admin"))
    assert response.status_code == status, response.text
    problem = response.json()
    cited = [v["article"] for v in problem.get("violations", [])] + \
            [e["field"] for e in problem.get("errors", [])]
    assert where in cited
    assert count(session, "policy_change") == before


def test_only_the_administrator_changes_and_the_office_previews(city, tenant) -> None:
    cast = city.cast
    assert cast.client.post(f"{P}/prepaid_rent_months_max/changes", json=CHANGE,
                            headers=cast.as_("office")).status_code == 403
    person = tenant()
    approve(city, apply(city, person)["id"])  # one approved application still to be signed
    preview = cast.post("office", f"{P}/prepaid_rent_months_max/preview",
                        {"value": 1, "since": "2025-06-10"})
    assert (preview["value_then"], preview["value"]) == (3, 1)
    to_sign = preview["groups"][0]
    assert to_sign["count"] == 1 and "昌江区青年人才公寓" in to_sign["items"][0]
    assert cast.client.post(f"{P}/prepaid_rent_months_max/preview", json={
        "value": 1, "since": "2025-06-10"}, headers=cast.as_("developer")).status_code == 403


def test_the_pages(city) -> None:
    cast = city.cast
    public = cast.client.get("/rules")
    assert public.status_code == 200 and "规则与参数" in public.text and "第三十七条" in public.text
    assert "市保租办可调整" in public.text


def test_the_list_is_paged_like_every_list(client) -> None:
    seen, url = [], f"{P}?limit=5"
    while url:
        response = client.get(url)
        assert response.status_code == 200 and len(response.json()) <= 5
        seen += [p["name"] for p in response.json()]
        link = response.headers.get("link")
        url = link[1:link.index(">")] if link else None
    assert seen == list(params.parameters())
    assert client.get(P, params={"limit": 201}).status_code == 422
