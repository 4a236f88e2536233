"""Factories for project tests: a valid application and the people who handle it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.accounts import service as accounts
from app.accounts.models import User
from tests.conftest import fake_uscc

REVIEW_DAY = date(2025, 6, 3)  # a Tuesday, in a year the built-in calendar covers


def _sample_pdf() -> bytes:
    """A one-page PDF: a 附件5 material (issue 21)."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(72, 720, "house safety appraisal")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


SAMPLE_PDF = _sample_pdf()


def application(**overrides: Any) -> dict[str, Any]:
    """A complete, valid annex-2/annex-3 application (a conversion of an office building)."""
    data: dict[str, Any] = {
        "name": "昌江区青年人才公寓", "address": "景德镇市昌江区新厂东路 88 号", "district": "昌江区",
        "construction_unit_name": "景德镇市测试建设有限公司", "construction_unit_uscc": fake_uscc(),
        "operator_unit_name": "景德镇市测试运营有限公司", "operator_unit_uscc": fake_uscc(),
        "property_certificate_no": "赣(2024)景德镇市不动产权第0012345号", "land_nature": "国有出让",
        "land_area_m2": "5200.00", "total_floor_area_m2": "12000.00",
        "total_investment_yuan": "35000000.00", "construction_method": "conversion",
        "sourcing_channel": "channel_4", "original_building_type": "commercial_office",
        "application_granularity": "building", "government_invested": False,
        "special_fire_project": False, "planned_start": "2025-09", "planned_in_use": "2026-06",
        "affordable_floor_area_m2": "9800.00", "unit_count": 180,
        "supporting_facilities_area_m2": "600.00",
        "supporting_facilities_content": "公共厨房、洗衣房、健身活动室",
        "unit_types": [
            {"name": "一室户", "kind": "residential", "building_area_m2": "38.50", "count": 150},
            {"name": "两室户", "kind": "residential", "building_area_m2": "65.00", "count": 30},
        ],
        "commitment_accepted": True,
    }
    return data | overrides


@dataclass
class Cast:
    """Everyone who touches an application, logged in."""

    client: TestClient
    developer: User
    office: User
    leader: User
    zhujian: User
    fagai: User
    headers: dict[str, dict[str, str]]

    def as_(self, who: str) -> dict[str, str]:
        return self.headers[who]

    def post(self, who: str, path: str, json: Any = None, expect: int = 200) -> dict[str, Any]:
        response = self.client.post(path, json=json, headers=self.as_(who))
        assert response.status_code == expect, response.text
        return response.json()

    def get(self, who: str, path: str, expect: int = 200) -> Any:
        response = self.client.get(path, headers=self.as_(who))
        assert response.status_code == expect, response.text
        return response.json()

    def file(self, **overrides: Any) -> int:
        return self.post("developer", "/api/v1/projects", application(**overrides), expect=201)["id"]

    def attach_materials(self, project_id: int) -> None:
        """Upload the 附件5 items due with the application (issue 21; needed from the date of
        ``materials_upload_required``, so earlier days keep their history as it was)."""
        from app.core import clock
        from rules.params import value_at

        if not value_at("materials_upload_required", clock.today()):
            return
        checks = self.get("developer", f"/api/v1/projects/{project_id}/checks")
        for item in checks["materials"]:
            if item.get("due_at_application"):
                response = self.client.post(f"/api/v1/projects/{project_id}/materials",
                                            headers=self.as_("developer"), data={"code": item["code"]},
                                            files={"file": ("鉴定报告.pdf", SAMPLE_PDF, "application/pdf")})
                assert response.status_code == 201, response.text

    def department_id(self, code: str) -> int:
        return next(d["id"] for d in self.get("office", "/api/v1/departments") if d["code"] == code)

    def to_state(self, project_id: int, state: str) -> dict[str, Any]:
        """Walk a draft forward along the happy path until it reaches ``state``."""
        steps: list[tuple[str, str, Any]] = [
            ("submitted", "developer", ("submit", {})),
            ("accepted", "office", ("accept", {})),
            ("in_review", "office", ("dispatch", {"department_ids": [
                self.department_id("zhujian"), self.department_id("fagai")]})),
            ("opinions", "zhujian", ("opinions", {"opinion": "approve", "comment": "同意"})),
            ("opinions2", "fagai", ("opinions", {"opinion": "approve", "comment": "同意"})),
            ("meeting_passed", "office", ("meeting", {"decision": "pass", "minutes": "评审通过"})),
            ("certified", "leader", ("leader-approval", {"approve": True, "comment": "同意认定"})),
        ]
        body: dict[str, Any] = {}
        current = self.get("developer", f"/api/v1/projects/{project_id}")["status"]
        names = ["draft"] + [name for name, _, _ in steps]
        for name, who, (action, payload) in steps[names.index(current):]:
            if action == "submit":
                self.attach_materials(project_id)
            body = self.post(who, f"/api/v1/projects/{project_id}/{action}", payload)
            if name == state:
                return body
        return body


@pytest.fixture
def cast(client, make_user, login, session, today) -> Callable[..., Cast]:
    today(REVIEW_DAY)
    developer = make_user("developer")
    zhujian = make_user("department", department_id=accounts.find_department(session, "zhujian").id)
    fagai = make_user("department", department_id=accounts.find_department(session, "fagai").id)
    people = {"developer": developer, "office": make_user("office"), "leader": make_user("leader"),
              "zhujian": zhujian, "fagai": fagai}
    headers = {k: login(v) for k, v in people.items()} | {"admin": login(make_user("admin"))}
    return Cast(client=client, headers=headers, **people)
