"""Fixtures for the tenants domain's tests (and the leases' above them): a project in operation
and tenants ready to apply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.approval.conftest import Cast, cast  # noqa: F401  (fixture re-used here)
from tests.conftest import PASSWORD, fake_id_number

P = "/api/v1/projects"
MARKET_RENT = "30.00"   # appraised, yuan/m²/month
FILED_RATE = "27.00"    # 90% of it
AREA = "38.50"          # every test unit; cap = 38.50 × 27.00 = 1,039.50 yuan/month


@dataclass
class City:
    cast: Cast
    project_id: int
    unit_ids: list[int]

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.cast.client


def operate(people: Cast, units: int = 3) -> City:
    """A certified project with published units and a filed rent of 27.00 yuan/m²/month."""
    project_id = people.file()
    people.to_state(project_id, "certified")
    people.post("developer", f"{P}/{project_id}/completion", {"completed_on": "2025-06-01"})
    people.post("developer", f"{P}/{project_id}/units", {"units": [
        {"building": "1栋", "floor": 1 + n // 10, "number": f"{101 + n}", "building_area_m2": AREA,
         "kind": "residential", "unit_type": "一室户"} for n in range(units)]}, expect=201)
    people.post("developer", f"{P}/{project_id}/listing")
    people.post("zhujian", f"{P}/{project_id}/listing/verify")
    appraisal = people.post("zhujian", f"{P}/{project_id}/appraisals", {
        "appraiser": "江西某评估公司", "report_no": "评-1", "appraised_on": "2025-05-20",
        "market_rent_per_m2": MARKET_RENT}, expect=201)["id"]
    standard = people.post("developer", f"{P}/{project_id}/rent-standards", {
        "appraisal_id": appraisal, "rates": [{"rate_per_m2": FILED_RATE}]}, expect=201)["id"]
    people.post("fagai", f"/api/v1/rent-standards/{standard}/file", {"filing_no": "景发改备1号"})
    unit_ids = [u["id"] for u in people.get("developer", f"{P}/{project_id}/units")["items"]]
    return City(people, project_id, unit_ids)


@pytest.fixture
def city(cast) -> City:  # noqa: F811
    return operate(cast)


@dataclass
class Person:
    username: str
    id_number: str
    headers: dict[str, str]
    user_id: int


@pytest.fixture
def tenant(client, login) -> Callable[..., Person]:
    """A tenant registered through the API, with a profile and (unless told otherwise) the
    annex-4 commitment signed."""
    counter = iter(range(1, 1000))

    def make(*, district: str = "珠山区", work: str | None = None, commit: bool = True,
             owns_home: bool = False, employer_id: int | None = None, name: str = "李小青",
             born: str = "19980315") -> Person:
        n = next(counter)
        number = fake_id_number(born)
        username = f"tenant-{n}-{number[-4:]}"
        response = client.post("/api/v1/auth/register", json={
            "username": username, "password": PASSWORD, "full_name": name, "id_number": number,
            "phone": "13912345678"})
        assert response.status_code == 201, response.text
        headers = login(username)
        profile = client.put("/api/v1/tenants/me/profile", headers=headers, json={
            "phone": "13912345678", "residence_district": district, "work_district": work,
            "employer_name": "某公司", "employer_organization_id": employer_id})
        assert profile.status_code == 200, profile.text
        if commit:
            signed = client.post("/api/v1/tenants/me/commitment", headers=headers, json={
                "clauses": [1, 2, 3, 4], "declaration": {"owns_home_in_central_area": owns_home}})
            assert signed.status_code == 201, signed.text
        return Person(username, number, headers, response.json()["id"])

    return make


def declaration(**kw: Any) -> dict[str, Any]:
    return {"owns_home_in_central_area": False} | kw


def apply(city: City, person: Person, expect: int = 201, **decl: Any) -> dict[str, Any]:
    response = city.client.post("/api/v1/tenant-applications", headers=person.headers,
                                json={"project_id": city.project_id,
                                      "declaration": declaration(**decl)})
    assert response.status_code == expect, response.text
    return response.json()


def approve(city: City, application_id: int) -> dict[str, Any]:
    return city.cast.post("office", f"/api/v1/tenant-applications/{application_id}/review",
                          {"approve": True})


def csv_file(rows: list[str], header: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("records.csv", ("\n".join([header, *rows]) + "\n").encode(), "text/csv")}
