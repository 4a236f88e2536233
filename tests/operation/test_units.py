"""Units (房源), completion and listing (第七条, 第二十六条, 第三十条, 第四十二条)."""

from datetime import date, timedelta

import pytest

from app.main import app
from tests.conftest import count

P = "/api/v1/projects"


def unit(n: int, area: str = "38.50", building: str = "1栋", **kw) -> dict:
    return {"building": building, "floor": n // 100 or 1, "number": f"{n:04d}",
            "building_area_m2": area, "kind": "residential", "unit_type": "一室户"} | kw


@pytest.fixture
def certified(cast) -> int:
    project_id = cast.file()
    cast.to_state(project_id, "certified")
    return project_id


def test_batch_registered_and_compared_with_the_certificate(cast, certified) -> None:
    body = cast.post("developer", f"{P}/{certified}/units",
                     {"units": [unit(1), unit(2), unit(3, "65.00", unit_type="两室户")]}, expect=201)
    assert body["added"] == 3 and body["units"] == 3
    assert body["certificate_unit_count"] == 180 and body["count_difference"] == -177
    assert body["building_area_m2"] == "142.00"
    assert body["area_difference_m2"] == "-9658.00" and body["matches_certificate"] is False
    page = cast.get("developer", f"{P}/{certified}/units?limit=2")
    assert [u["number"] for u in page["items"]] == ["0001", "0002"] and page["next_cursor"]
    rest = cast.get("developer", f"{P}/{certified}/units?limit=2&cursor={page['next_cursor']}")
    assert [u["number"] for u in rest["items"]] == ["0003"]


def refused_batch(cast, session, project_id, units, status=422) -> dict:
    before = (count(session, "unit"), count(session, "audit_event"))
    response = cast.client.post(f"{P}/{project_id}/units", json={"units": units},
                                headers=cast.as_("developer"))
    assert response.status_code == status, response.text
    assert (count(session, "unit"), count(session, "audit_event")) == before
    return response.json()


def test_a_91_m2_unit_refuses_the_whole_batch_naming_the_row(cast, session, certified) -> None:
    batch = [unit(n) for n in range(1, 11)]
    batch[6] = unit(7, "91.00")
    problem = refused_batch(cast, session, certified, batch)
    violation = problem["violations"][0]
    assert violation["article"] == "第七条" and violation["field"] == "units[6].building_area_m2"
    assert "第 7 行" in violation["message"]


def test_exactly_90_m2_is_accepted_and_90_01_refused(cast, session, certified) -> None:
    cast.post("developer", f"{P}/{certified}/units", {"units": [unit(1, "90.00")]}, expect=201)
    refused_batch(cast, session, certified, [unit(2, "90.01")])


def test_duplicates_and_unknown_unit_types_are_named(cast, session, certified) -> None:
    problem = refused_batch(cast, session, certified, [unit(1), unit(2), unit(1)])
    assert problem["errors"][0]["field"] == "units[2].number" and "第 1 行" in problem["detail"]
    cast.post("developer", f"{P}/{certified}/units", {"units": [unit(1)]}, expect=201)
    problem = refused_batch(cast, session, certified, [unit(1)])
    assert "已录入" in problem["detail"]
    problem = refused_batch(cast, session, certified, [unit(5, unit_type="别墅")])
    assert problem["errors"][0]["field"] == "units[0].unit_type"


def test_units_only_for_certified_projects_of_my_organisation(cast, session, make_user,
                                                              login) -> None:
    draft = cast.file()
    refused_batch(cast, session, draft, [unit(1)], status=409)
    certified = cast.file()
    cast.to_state(certified, "certified")
    response = cast.client.post(f"{P}/{certified}/units", json={"units": [unit(1)]},
                                headers=login(make_user("developer")))
    assert response.status_code == 404


def test_ten_thousand_units_in_one_request(cast, certified) -> None:
    batch = [unit(n, building=f"{n // 1000 + 1}栋") for n in range(10_000)]
    body = cast.post("developer", f"{P}/{certified}/units", {"units": batch}, expect=201)
    assert body["added"] == 10_000 and body["units"] == 10_000


def test_the_platform_offers_no_sale_or_split_of_units() -> None:
    paths = " ".join(app.openapi()["paths"]).lower()
    assert not any(word in paths for word in ("sale", "sell", "split", "divide"))


def test_listing_due_15_days_after_completion_and_overdue_after(cast, today, certified) -> None:
    done = date(2025, 6, 3)
    response = cast.client.post(f"{P}/{certified}/completion",
                                json={"completed_on": (done + timedelta(days=1)).isoformat()},
                                headers=cast.as_("developer"))
    assert response.status_code == 422  # in the future
    listing = cast.post("developer", f"{P}/{certified}/completion",
                        {"completed_on": done.isoformat()})
    assert listing["due_on"] == "2025-06-18" and listing["overdue"] is False
    conflict = cast.client.post(f"{P}/{certified}/listing", headers=cast.as_("developer"))
    assert conflict.status_code == 409 and "尚未录入" in conflict.json()["detail"]
    cast.post("developer", f"{P}/{certified}/units", {"units": [unit(1), unit(2)]}, expect=201)
    today(date(2025, 6, 18))
    assert cast.get("developer", f"{P}/{certified}/listing")["overdue"] is False
    today(date(2025, 6, 19))
    assert cast.get("zhujian", f"{P}/{certified}/listing")["overdue"] is True
    queue = cast.get("zhujian", "/api/v1/listing-queue")
    assert queue[0]["project_id"] == certified and queue[0]["overdue"] is True
    listed = cast.post("developer", f"{P}/{certified}/listing")
    assert listed["listed_on"] == "2025-06-19" and listed["on_time"] is False


def test_zhujian_verifies_the_listing_and_each_unit_gets_a_code(cast, certified) -> None:
    cast.post("developer", f"{P}/{certified}/completion", {"completed_on": "2025-06-01"})
    cast.post("developer", f"{P}/{certified}/units", {"units": [unit(1), unit(2)]}, expect=201)
    cast.post("developer", f"{P}/{certified}/listing")
    assert cast.client.post(f"{P}/{certified}/listing/verify",
                            headers=cast.as_("fagai")).status_code == 403
    assert cast.client.post(f"{P}/{certified}/listing/verify",
                            headers=cast.as_("developer")).status_code == 403
    body = cast.post("zhujian", f"{P}/{certified}/listing/verify")
    assert body["newly_published"] == 2 and body["published"] == 2 and body["on_time"] is True
    units = cast.get("developer", f"{P}/{certified}/units")["items"]
    codes = {u["verification_code"] for u in units}
    assert len(codes) == 2 and all(c and len(c) == 10 for c in codes)
    assert {u["status"] for u in units} == {"published"}
    public = cast.client.get(f"/api/v1/listings/{units[0]['verification_code']}").json()
    assert public["status_label"] == "已发布" and public["project_name"] == "昌江区青年人才公寓"
    assert cast.client.get("/api/v1/listings/NOSUCHCODE").status_code == 404
    again = cast.client.post(f"{P}/{certified}/listing/verify", headers=cast.as_("zhujian"))
    assert again.status_code == 409
