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
