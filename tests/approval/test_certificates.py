"""Certificates: numbering, annex-3 content, PDF with Chinese text and a working QR code."""

import io
from datetime import date

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from app.core.config import get_settings
from tests.approval.conftest import application

P = "/api/v1/projects"


def test_numbers_are_consecutive_within_a_year_and_restart_the_next(cast, today) -> None:
    numbers = [cast.to_state(cast.file(), "certified")["certificate_number"] for _ in range(3)]
    assert numbers == ["2025-0001", "2025-0002", "2025-0003"]
    today(date(2026, 1, 5))
    assert cast.to_state(cast.file(), "certified")["certificate_number"] == "2026-0001"


def test_certificate_carries_the_annex_3_fields_rent_requirement_and_benefits(cast) -> None:
    cast.to_state(cast.file(), "certified")
    response = cast.client.get("/api/v1/certificates/2025-0001.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in ("景德镇市保障性租赁住房项目认定书", "2025-0001", "昌江区青年人才公寓",
                     "景德镇市测试运营有限公司", "利用存量闲置房屋改建", "90%",
                     "景德镇市推进保障性租赁住房工作领导小组办公室", "居民"):
        assert expected in text, expected


def test_certificate_qr_code_opens_the_public_verification_page(cast) -> None:
    cast.to_state(cast.file(), "certified")
    pdf = cast.client.get("/api/v1/certificates/2025-0001.pdf").content
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    url = f"{get_settings().public_base_url}/certificates/2025-0001"
    assert decoded == [url]
    html = cast.client.get("/certificates/2025-0001")
    assert html.status_code == 200 and "有效" in html.text and "<svg" in html.text


def test_unknown_certificate_is_404_everywhere(client) -> None:
    assert client.get("/api/v1/certificates/2025-9999").status_code == 404
    assert client.get("/api/v1/certificates/2025-9999.pdf").status_code == 404
    page = client.get("/certificates/nonsense")
    assert page.status_code == 404 and "未找到" in page.text


def test_benefits_follow_the_construction_method(cast) -> None:
    cast.to_state(cast.file(construction_method="new_state_land", sourcing_channel="channel_3",
                            original_building_type=None, application_granularity=None),
                  "certified")
    pdf = cast.client.get("/api/v1/certificates/2025-0001.pdf").content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "房产税" in text and "居民标准" not in text


def large_units(count: int) -> dict:
    return application(unit_count=count, affordable_floor_area_m2="9900.00", unit_types=[
        {"name": "三室户", "kind": "residential", "building_area_m2": "80.00", "count": count}])


def test_city_wide_share_of_70_to_90_m2_units_is_checked_at_certification(cast, session) -> None:
    small = application(unit_count=100, unit_types=[
        {"name": "一室户", "kind": "residential", "building_area_m2": "40.00", "count": 100}])
    cast.to_state(cast.file(**small), "certified")       # 4,000 m² of small units
    # 640 m² of 80 m² units make 640/4,640 = 13.8% — allowed.
    cast.to_state(cast.file(**large_units(8)), "certified")
    # Another 640 m² would make 1,280/5,280 = 24.2% — refused, citing 第七条.
    project_id = cast.file(**large_units(8))
    cast.to_state(project_id, "meeting_passed")
    response = cast.client.post(f"{P}/{project_id}/leader-approval", json={"approve": True},
                                headers=cast.as_("leader"))
    assert response.status_code == 422, response.text
    violation = response.json()["violations"][0]
    assert violation["article"] == "第七条" and violation["code"] == "city_large_unit_share_exceeded"
    assert cast.get("developer", f"{P}/{project_id}")["status"] == "meeting_passed"
    checks = cast.get("office", f"{P}/{project_id}/checks")
    assert checks["ok"] is False and checks["city_large_unit_share"]["ok"] is False
