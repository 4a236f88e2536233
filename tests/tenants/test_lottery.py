"""Fair allocation (第三十一条): priority groups first, a committed seed, public verification."""

import hashlib

from tests.leases.conftest import lease_body
from tests.tenants.conftest import apply, approve

P = "/api/v1/projects"


def test_lottery_when_applicants_outnumber_units(city, tenant, make_org, session) -> None:
    park = make_org(name="陶瓷工业园某企业")
    group = city.cast.post("developer", f"{P}/{city.project_id}/priority-groups", {
        "name": "陶瓷工业园区企业员工", "kind": "park", "rank": 0, "organization_ids": [park.id]},
        expect=201)
    assert group["rank"] == 0
    people = [tenant(name=f"申请人{i}") for i in range(4)] + [tenant(employer_id=park.id, name="园区工")]
    applications = [apply(city, p)["id"] for p in people]
    for application in applications:
        approve(city, application)
    # 5 approved, 3 units: no lease before the draw
    early = city.client.post("/api/v1/leases", json=lease_body(city, applications[0]),
                             headers=city.cast.headers["developer"])
    assert early.status_code == 409 and "摇号" in early.json()["detail"]
    lottery = city.cast.post("office", f"{P}/{city.project_id}/lotteries", expect=201)
    assert lottery["seed"] is None and lottery["units_available"] == 3
    assert sorted(int(a) for a, _ in lottery["applicants"]) == sorted(applications)
    public = city.client.get(f"/api/v1/lotteries/{lottery['id']}").json()
    assert public["commitment"] == lottery["commitment"] and public["seed"] is None
    drawn = city.cast.post("office", f"/api/v1/lotteries/{lottery['id']}/draw")
    assert hashlib.sha256(drawn["seed"].encode()).hexdigest() == lottery["commitment"]
    assert drawn["order"][0] == str(applications[-1])  # the priority group is drawn first
    ok = city.client.get(f"/api/v1/lotteries/{lottery['id']}/verify", params={"seed": drawn["seed"]})
    assert ok.status_code == 200 and ok.json()["ok"] is True
    wrong = city.client.get(f"/api/v1/lotteries/{lottery['id']}/verify", params={"seed": "0" * 64})
    assert wrong.status_code == 422
    assert wrong.json()["violations"][0]["article"] == "第三十一条"
    # leases follow the drawn order
    second = int(drawn["order"][1])
    out_of_order = city.client.post("/api/v1/leases", json=lease_body(city, second),
                                    headers=city.cast.headers["developer"])
    assert out_of_order.status_code == 409 and "顺序" in out_of_order.json()["detail"]
    first = int(drawn["order"][0])
    city.cast.post("developer", "/api/v1/leases", lease_body(city, first), expect=201)
    city.cast.post("developer", "/api/v1/leases", lease_body(city, second, unit=1), expect=201)
    again = city.client.post(f"/api/v1/lotteries/{lottery['id']}/draw",
                             headers=city.cast.headers["office"])
    assert again.status_code == 409


def test_no_lottery_needed_when_units_suffice(city, tenant) -> None:
    approve(city, apply(city, tenant())["id"])
    response = city.client.post(f"{P}/{city.project_id}/lotteries",
                                headers=city.cast.headers["office"])
    assert response.status_code == 409 and "无需摇号" in response.json()["detail"]


def test_verify_before_the_draw_is_a_conflict(city, tenant) -> None:
    for i in range(4):
        approve(city, apply(city, tenant(name=f"甲{i}"))["id"])
    lottery = city.cast.post("office", f"{P}/{city.project_id}/lotteries", expect=201)
    early = city.client.get(f"/api/v1/lotteries/{lottery['id']}/verify", params={"seed": "x"})
    assert early.status_code == 409
