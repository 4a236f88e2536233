"""Fixtures for the planning tests: a project in operation (certified, completed, listed and
verified, rent filed — tests/tenants' ``operate``), the people of tests/approval's ``cast``,
and helpers for plans and funds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.approval.conftest import Cast, cast  # noqa: F401  (fixture re-used here)
from tests.tenants.conftest import City, operate, tenant  # noqa: F401  (fixture re-used here)
from tests.web.conftest import person  # noqa: F401  (fixture re-used here)

API = "/api/v1"


def plan_body(project_ids: list[int], **kw: Any) -> dict[str, Any]:
    return {"kind": "annual", "title": "2025 年保障性租赁住房年度建设计划", "start_year": 2025,
            "end_year": 2025, "document_no": "景住建字〔2025〕1号",
            "lines": [{"district": "昌江区", "construction_method": "conversion",
                       "sourcing_channel": "channel_4",
                       "target_units": 200, "target_area_m2": "10000.00", "project_ids": project_ids},
                      {"district": "珠山区", "target_units": 100, "target_area_m2": "5000.00"}]} | kw


def fund_body(**kw: Any) -> dict[str, Any]:
    return {"source": "central_subsidy", "document_no": "财建〔2025〕88号", "title": "2025 年中央补助资金",
            "amount_fen": 100_000_000, "received_on": "2025-05-10", "year": 2025} | kw


def subsidy(city: City, amount: str = "300000.00") -> int:
    return city.cast.post("office", f"{API}/projects/{city.project_id}/subsidies", {
        "amount_yuan": amount, "source": "中央补助资金", "document_no": "景保租办〔2025〕3号",
        "granted_on": "2025-06-03"}, expect=201)["id"]


@pytest.fixture
def city(cast, make_user, login) -> City:  # noqa: F811
    """A project in operation; the cast with an auditor too."""
    cast.headers["auditor"] = login(make_user("auditor"))
    return operate(cast)
