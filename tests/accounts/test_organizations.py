"""Organisations (GB 32100) and object scoping: another organisation's record answers 404."""

from tests.conftest import count, fake_uscc

URL = "/api/v1/organizations"


def test_admin_registers_an_organization(client, make_user, login, session) -> None:
    admin = make_user("admin")
    uscc = fake_uscc()
    response = client.post(URL, json={"name": "景德镇某租赁公司", "uscc": uscc.lower()},
                           headers=login(admin))
    assert response.status_code == 201, response.text
    assert response.json()["uscc"] == uscc


def test_bad_uscc_check_character(client, make_user, login, session) -> None:
    admin = make_user("admin")
    good = fake_uscc()
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    before = count(session, "organization")
    response = client.post(URL, json={"name": "某公司", "uscc": bad}, headers=login(admin))
    assert response.status_code == 422
    problem = response.json()
    assert problem["violations"][0]["article"] == "GB 32100-2015"
    assert problem["violations"][0]["field"] == "uscc"
    assert "校验位" in problem["detail"]
    assert count(session, "organization") == before


def test_duplicate_uscc_is_a_conflict(client, make_user, make_org, login) -> None:
    admin, org = make_user("admin"), make_org()
    response = client.post(URL, json={"name": "另一家公司", "uscc": org.uscc}, headers=login(admin))
    assert response.status_code == 409 and "已登记" in response.json()["detail"]


def test_only_admin_registers_organizations(client, make_user, login) -> None:
    dev = make_user("developer")
    response = client.post(URL, json={"name": "某公司", "uscc": fake_uscc()}, headers=login(dev))
    assert response.status_code == 403


def test_developer_sees_only_its_own_organization(client, make_user, make_org, login) -> None:
    dev = make_user("developer")
    other = make_org()
    headers = login(dev)
    assert client.get(f"{URL}/{dev.organization_id}", headers=headers).status_code == 200
    foreign = client.get(f"{URL}/{other.id}", headers=headers)
    missing = client.get(f"{URL}/999999", headers=headers)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    listed = client.get(URL, headers=headers).json()
    assert [o["id"] for o in listed] == [dev.organization_id]


def test_office_sees_every_organization(client, make_user, make_org, login) -> None:
    office, org = make_user("office"), make_org()
    assert client.get(f"{URL}/{org.id}", headers=login(office)).status_code == 200


def test_departments_are_seeded_from_annex_1(client, make_user, login) -> None:
    names = {d["name"] for d in client.get("/api/v1/departments",
                                           headers=login(make_user("developer"))).json()}
    assert {"市住建局", "市发改委", "市财政局", "市自然资源规划局", "市人防办", "市应急局",
            "市税务局", "市水务公司", "市供电公司", "华润燃气有限公司"} <= names
