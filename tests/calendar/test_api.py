"""Working-day API: the issue's example, bad input, missing years, administrator years."""

from datetime import date

from rules.calendar import builtin_years
from tests.conftest import count

ADD = "/api/v1/calendar/add-working-days"


def test_add_working_days_example(client) -> None:
    response = client.get(ADD, params={"start": "2022-04-29", "days": 10})
    assert response.status_code == 200
    assert response.json() == {"start": "2022-04-29", "days": 10, "date": "2022-05-17"}


def test_malformed_date_is_a_chinese_problem(client) -> None:
    response = client.get(ADD, params={"start": "2022-13-45", "days": 10})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    error = response.json()["errors"][0]
    assert error == {"field": "start", "location": "query", "message": "日期格式应为 YYYY-MM-DD"}


def test_days_must_be_positive(client) -> None:
    response = client.get(ADD, params={"start": "2022-04-29", "days": 0})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "days"


def test_a_year_without_a_notice_is_422_naming_the_year(client) -> None:
    last = max(builtin_years())
    response = client.get(ADD, params={"start": f"{last}-12-20", "days": 30})
    assert response.status_code == 422
    problem = response.json()
    assert problem["year"] == last + 1 and str(last + 1) in problem["detail"]
    assert problem["type"].endswith("calendar-year-missing")
    assert client.get(f"/api/v1/calendar/{last + 1}").json()["year"] == last + 1


def test_get_a_builtin_year(client) -> None:
    body = client.get("/api/v1/calendar/2022").json()
    assert body["source"] == "chinesecalendar"
    assert "2022-05-07" in body["makeup_workdays"] and "2022-05-04" in body["holidays"]
    # 260 weekdays − 18 weekday holidays + 7 make-up weekend days
    assert body["working_days"] == 249


def notice_for(year: int) -> dict[str, object]:
    """A fictional notice for ``year``: 1–3 January off, the next Saturday worked."""
    first_saturday = next(date(year, 1, d) for d in range(4, 11) if date(year, 1, d).weekday() == 5)
    return {"holidays": [f"{year}-01-0{d}" for d in (1, 2, 3)],
            "makeup_workdays": [first_saturday.isoformat()], "notice": f"测试用通知〔{year}〕1号"}


def test_admin_adds_a_year_and_deadlines_cross_into_it(client, make_user, login, session) -> None:
    last = max(builtin_years())
    year = last + 1
    data = notice_for(year)
    headers = login(make_user("admin"))
    before = count(session, "audit_event")
    response = client.put(f"/api/v1/calendar/{year}", json=data, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "admin"
    assert count(session, "audit_event") == before + 1
    got = client.get(ADD, params={"start": f"{year}-01-01", "days": 1}).json()["date"]
    expected = min(date(year, 1, d) for d in range(4, 11)
                   if date(year, 1, d).weekday() < 5 or date(year, 1, d).isoformat()
                   in data["makeup_workdays"])
    assert got == expected.isoformat()
    # A deadline that starts in the last built-in year now crosses into the added one.
    assert client.get(ADD, params={"start": f"{last}-12-31", "days": 5}).status_code == 200


def test_only_admin_changes_the_calendar(client, make_user, login) -> None:
    response = client.put("/api/v1/calendar/2099", json=notice_for(2099),
                          headers=login(make_user("office")))
    assert response.status_code == 403


def test_inconsistent_year_is_refused(client, make_user, login, session) -> None:
    before = count(session, "calendar_year")
    response = client.put("/api/v1/calendar/2099", headers=login(make_user("admin")), json={
        "holidays": ["2098-12-31"], "makeup_workdays": [], "notice": "测试通知〔2099〕1号"})
    assert response.status_code == 422 and "不在 2099 年内" in response.json()["detail"]
    assert count(session, "calendar_year") == before
