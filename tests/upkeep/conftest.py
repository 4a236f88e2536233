"""Fixtures for the upkeep tests: a project in operation with a tenant living in one of its units,
and images and PDFs made on the spot (with EXIF and GPS where a test needs them)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.leases.conftest import (  # noqa: F401  (fixtures re-used here)
    City,
    Person,
    apply,
    approve,
    cast,
    city,
    in_force,
    lease_body,
    tenant,
)

API = "/api/v1"


@dataclass
class Home:
    """A tenant living in unit ``unit_id`` of ``city`` under lease ``lease_id``."""

    city: City
    person: Person
    lease_id: int
    unit_id: int

    @property
    def client(self) -> TestClient:
        return self.city.client

    def operator(self) -> dict[str, str]:
        return self.city.cast.as_("developer")

    def report(self, *, photos: list[tuple[str, bytes, str]] | None = None, expect: int = 201,
               unit_id: int | None = None, headers: dict[str, str] | None = None,
               **fields: Any) -> dict[str, Any]:
        data = {"unit_id": str(unit_id or self.unit_id), "category": "plumbing_electric",
                "urgency": "normal", "description": "卫生间水管漏水"} | fields
        files = [("photos", p) for p in photos or []]
        response = self.client.post(f"{API}/repairs", data=data, files=files or None,
                                    headers=headers or self.person.headers)
        assert response.status_code == expect, response.text
        return response.json()

    def step(self, repair_id: int, action: str, body: Any = None, *, who: str = "operator",
             expect: int = 200) -> dict[str, Any]:
        headers = self.operator() if who == "operator" else self.person.headers
        response = self.client.post(f"{API}/repairs/{repair_id}/{action}", json=body or {},
                                    headers=headers)
        assert response.status_code == expect, response.text
        return response.json()


def make_home(place: City, person: Person, unit: int = 0) -> Home:
    found = apply(place, person)
    approve(place, found["id"])
    lease = in_force(place.client, place.cast.post("developer", f"{API}/leases",
                                                   lease_body(place, found["id"], unit=unit), expect=201),
                     person.headers, place.cast.as_("developer"))
    return Home(place, person, lease["id"], place.unit_ids[unit])


def place_occupant(home: Home, lease_id: int, employer: dict[str, str], person: Person) -> None:
    """整体配租: the employer invites the person, who accepts (placed under the lease)."""
    invited = home.client.post(f"{API}/leases/{lease_id}/occupants", headers=employer,
                               json={"id_number": person.id_number})
    assert invited.status_code in (201, 202), invited.text
    if invited.status_code == 202:  # an invitation the person answers
        waiting = home.client.get(f"{API}/tenants/me/placements", headers=person.headers).json()
        accepted = home.client.post(f"{API}/tenants/me/placements/{waiting[0]['id']}/accept",
                                    headers=person.headers)
        assert accepted.status_code == 200, accepted.text


@pytest.fixture
def home(city, tenant) -> Home:  # noqa: F811
    return make_home(city, tenant())


def jpeg(size: tuple[int, int] = (64, 48), *, gps: bool = False, color: tuple[int, int, int] = (200, 30, 30),
         quality: int = 90) -> bytes:
    """A JPEG; with ``gps``, EXIF naming a camera and a GPS position (景德镇)."""
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"
        exif[0x0131] = "PhoneOS 1.0"
        position = exif.get_ifd(0x8825)
        position.update({1: "N", 2: (29.0, 17.0, 30.0), 3: "E", 4: (117.0, 12.0, 0.0)})
        image.save(buffer, "JPEG", exif=exif, quality=quality)
    else:
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def noise_jpeg(min_bytes: int) -> bytes:
    """A real JPEG of at least ``min_bytes`` (random pixels barely compress)."""
    import os

    side = 1200
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=100)
        if buffer.tell() >= min_bytes:
            return buffer.getvalue()
        side += 400


def pdf(pages: int = 1, text: str = "应急预案") -> bytes:
    """A small real PDF (reportlab)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    for n in range(pages):
        sheet.drawString(72, 720, f"Emergency plan page {n + 1}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


PhotoMaker = Callable[..., bytes]
