"""Fixtures for lease tests: those of the tenants domain (a project in operation, tenants ready
to apply, an approved application) and the body of a lease."""

from __future__ import annotations

from typing import Any

from tests.approval.conftest import Cast, cast  # noqa: F401  (fixture re-used here)
from tests.tenants.conftest import (  # noqa: F401  (fixtures re-used here, helpers re-exported)
    AREA,
    FILED_RATE,
    MARKET_RENT,
    City,
    Person,
    apply,
    approve,
    city,
    csv_file,
    declaration,
    operate,
    tenant,
)


def lease_body(place: City, application_id: int | None, unit: int = 0, **kw: Any) -> dict[str, Any]:
    """A lease of unit ``unit`` of ``place`` (2025-07-01 to 2026-06-30 at the cap of 1,039.50)."""
    body: dict[str, Any] = {"unit_id": place.unit_ids[unit], "application_id": application_id,
                            "start_on": "2025-07-01", "end_on": "2026-06-30",
                            "monthly_rent": "1039.50", "prepaid_rent": "1039.50",
                            "deposit": "1039.50"}
    return body | kw


SAFETY_TERMS = "承租人遵守消防、用电、用气安全规定；运营单位维护公共部位消防设施。"


def in_force(client: Any, lease: dict[str, Any], party: dict[str, str],
             operator: dict[str, str]) -> dict[str, Any]:
    """A lease waits for its contract (待签约) until both sign it (issue 16): the operator issues
    and sends the contract, the tenant (``party``: or the employer) signs with their password
    and the document's hash, the operator countersigns. Returns the lease, now in force."""
    from tests.conftest import PASSWORD

    def post(path: str, body: dict[str, Any], headers: dict[str, str], expect: int = 200) -> Any:
        response = client.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code == expect, response.text
        return response.json()

    contract = post("/contracts", {"lease_id": lease["id"], "safety_terms": SAFETY_TERMS}, operator, 201)
    post(f"/contracts/{contract['id']}/send", {}, operator)
    confirm = {"password": PASSWORD, "document_sha256": contract["document_sha256"]}
    post(f"/contracts/{contract['id']}/sign", confirm, party)
    post(f"/contracts/{contract['id']}/countersign", confirm, operator)
    response = client.get(f"/api/v1/leases/{lease['id']}", headers=operator)
    assert response.status_code == 200 and response.json()["status"] == "active", response.text
    return response.json()
