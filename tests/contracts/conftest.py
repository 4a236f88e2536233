"""Fixtures for the contract tests: a lease of a tenant, its contract issued by the operator, and
helpers to sign it (password again + the document's SHA-256)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import PASSWORD
from tests.leases.conftest import (  # noqa: F401  (fixtures re-used here)
    City,
    Person,
    apply,
    approve,
    cast,
    city,
    lease_body,
    tenant,
)

API = "/api/v1"
SAFETY = "丙方负责室内用电、用气安全，不得在室内为电动自行车充电；乙方负责公共部位消防设施的维护。"


@dataclass
class Deal:
    """A tenant's lease in ``city`` and (once issued) its contract."""

    city: City
    person: Person
    lease: dict[str, Any]

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.city.client

    def operator(self) -> dict[str, str]:
        return self.city.cast.as_("developer")

    def issue(self, expect: int = 201, **kw: Any) -> dict[str, Any]:
        body = {"lease_id": self.lease["id"], "payment_period_months": 1, "safety_terms": SAFETY} | kw
        response = self.client.post(f"{API}/contracts", json=body, headers=self.operator())
        assert response.status_code == expect, response.text
        return response.json()

    def step(self, contract_id: int, action: str, body: Any = None, *, who: str = "operator",
             expect: int = 200) -> dict[str, Any]:
        headers = self.operator() if who == "operator" else self.person.headers
        response = self.client.post(f"{API}/contracts/{contract_id}/{action}", json=body or {},
                                    headers=headers)
        assert response.status_code == expect, response.text
        return response.json()

    def sign(self, contract: dict[str, Any], *, who: str = "tenant", password: str = PASSWORD,
             sha256: str | None = None, expect: int = 200) -> dict[str, Any]:
        action = "sign" if who == "tenant" else "countersign"
        return self.step(contract["id"], action,
                         {"password": password, "document_sha256": sha256 or contract["document_sha256"]},
                         who=who, expect=expect)

    def effective(self) -> dict[str, Any]:
        """Issue, send, sign and countersign: the contract in force."""
        contract = self.issue()
        sent = self.step(contract["id"], "send")
        self.sign(sent)
        return self.sign(sent, who="operator")


@pytest.fixture
def deal(city, tenant) -> Deal:  # noqa: F811
    person = tenant(name="李小青")
    found = apply(city, person)
    approve(city, found["id"])
    lease = city.cast.post("developer", f"{API}/leases", lease_body(city, found["id"]), expect=201)
    return Deal(city, person, lease)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)
