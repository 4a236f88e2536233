"""Fixtures for the door-access tests: a tenant living in a unit of a project in operation (the
upkeep tests' home), a device of that project with its key, and events made on the spot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.upkeep.conftest import (  # noqa: F401  (fixtures re-used here)
    City,
    Home,
    Person,
    cast,
    city,
    home,
    make_home,
    tenant,
)

API = "/api/v1"
DAY = date(2025, 9, 15)  # the lease (2025-07-01 …) is in force
NOON = datetime(2025, 9, 15, 4, 0, tzinfo=UTC)  # 12:00 in Jingdezhen


@dataclass
class Site:
    home: Home
    device: dict[str, Any]
    key: str

    @property
    def client(self) -> TestClient:
        return self.home.client

    def operator(self) -> dict[str, str]:
        return self.home.operator()

    def zhujian(self) -> dict[str, str]:
        return self.home.city.cast.as_("zhujian")

    def push(self, events: list[dict[str, Any]], *, key: str | None = None, expect: int = 200) -> Any:
        response = self.client.post(f"{API}/access/events", json={"events": events},
                                    headers={"Authorization": f"Device {key or self.key}"})
        assert response.status_code == expect, response.text
        return response.json()

    def credential(self, external_id: str, *, unit: int = 0, bind: bool = True) -> dict[str, Any]:
        made = self.home.city.cast.post("developer", f"{API}/access/projects/{self.home.city.project_id}"
                                        "/credentials", {"unit_id": self.home.city.unit_ids[unit],
                                                         "external_id": external_id, "kind": "card"},
                                        expect=201)
        if bind:
            made = self.home.city.cast.post("developer", f"{API}/access/credentials/{made['id']}/bind",
                                            {"lease_id": self.home.lease_id})
        return made


def event(n: int | str, credential: str, at: datetime, direction: str = "in",
          result: str = "granted") -> dict[str, Any]:
    return {"event_id": f"e{n}", "credential_id": credential, "occurred_at": at.isoformat(),
            "direction": direction, "result": result}


def register_device(place: City, project_id: int | None = None, name: str = "北门闸机") -> dict[str, Any]:
    return place.cast.post("developer", f"{API}/access/projects/{project_id or place.project_id}/devices",
                          {"name": name, "location_kind": "entrance", "location": "北门"}, expect=201)


@pytest.fixture
def site(home: Home, today: Callable[[date], None]) -> Site:  # noqa: F811
    today(DAY)
    device = register_device(home.city)
    return Site(home, device, device["key"])


def days_ago(n: int, hour: int = 4) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, tzinfo=UTC) - timedelta(days=n)
