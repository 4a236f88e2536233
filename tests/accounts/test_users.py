"""Staff accounts created by the administrator; role binding and bad input."""

from tests.conftest import count

URL = "/api/v1/users"


def test_admin_creates_a_department_reviewer(client, make_user, login, session) -> None:
    admin = make_user("admin")
    depts = client.get("/api/v1/departments", headers=login(admin)).json()
    fagai = next(d for d in depts if d["code"] == "fagai")
    response = client.post(URL, headers=login(admin), json={
        "username": "fagai-reviewer", "password": "reviewer-pass-1", "role": "department",
        "department_id": fagai["id"], "full_name": "发改 审查员"})
    assert response.status_code == 201, response.text
    assert response.json()["department"]["name"] == "市发改委"


def test_unknown_role_is_refused_in_chinese(client, make_user, login, session) -> None:
    admin = make_user("admin")
    before = count(session, "user_account")
    response = client.post(URL, headers=login(admin), json={
        "username": "someone", "password": "some-password", "role": "mayor"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "role" and error["message"].startswith("取值应为以下之一")
    assert count(session, "user_account") == before


def test_developer_account_needs_an_organization(client, make_user, login) -> None:
    admin = make_user("admin")
    response = client.post(URL, headers=login(admin), json={
        "username": "dev-without-org", "password": "some-password", "role": "developer"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organization_id"


def test_duplicate_username(client, make_user, login) -> None:
    admin = make_user("admin", username="boss")
    response = client.post(URL, headers=login(admin), json={
        "username": "boss", "password": "some-password", "role": "auditor"})
    assert response.status_code == 409


def test_users_are_visible_to_themselves_and_auditors_only(client, make_user, login) -> None:
    a, b, auditor = make_user("tenant"), make_user("tenant"), make_user("auditor")
    assert client.get(f"{URL}/{a.id}", headers=login(a)).status_code == 200
    assert client.get(f"{URL}/{b.id}", headers=login(a)).status_code == 404
    seen = client.get(f"{URL}/{a.id}", headers=login(auditor)).json()
    assert seen["id_number_masked"].count("*") == 8 and "id_number" not in seen


def test_only_admin_lists_users(client, make_user, login) -> None:
    assert client.get(URL, headers=login(make_user("office"))).status_code == 403
    assert client.get(URL, headers=login(make_user("admin"))).status_code == 200
