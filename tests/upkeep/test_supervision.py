"""住建's supervision figures (第三十九、四十条): per project and per operator, open and overdue
repairs, the median completion time, the reopen rate — the worst first — and the dashboard's
upkeep panel."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.tenants.conftest import operate
from tests.upkeep.conftest import API, Home, make_home


def done(home: Home, rid: int) -> None:
    for action, body in (("accept", {}), ("assign", {"worker": "王师傅"}), ("complete", {"note": "好了"})):
        home.step(rid, action, body)


@pytest.fixture
def two(cast, tenant, today) -> tuple[Home, Home]:
    """Two projects of the same operator, a tenant in each."""
    return make_home(operate(cast), tenant(name="甲")), make_home(operate(cast), tenant(name="乙"))


def rows(home: Home, what: str = "projects", who: str = "zhujian") -> list[dict]:
    response = home.client.get(f"{API}/upkeep/supervision/{what}", headers=home.city.cast.as_(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_figures_of_each_project_and_the_worst_first(two: tuple[Home, Home], today, monkeypatch) -> None:
    calm, busy = two
    # calm: one repair done in 48 hours and confirmed
    from app.core import clock

    real_now = clock.now
    when = [datetime(2025, 6, 3, 2, 0, tzinfo=UTC)]
    monkeypatch.setattr(clock, "now", lambda: when[0])
    first = calm.report()["id"]
    calm.step(first, "accept")
    calm.step(first, "assign", {"worker": "王师傅"})
    when[0] = datetime(2025, 6, 5, 2, 0, tzinfo=UTC)
    calm.step(first, "complete", {"note": "好了"})  # 48 hours after the report
    monkeypatch.setattr(clock, "now", real_now)
    calm.step(first, "confirm", who="tenant")
    # busy: one done and reopened, two open — one urgent that will be overdue
    reopened = busy.report()["id"]
    done(busy, reopened)
    busy.step(reopened, "reopen", {"reason": "没修好"}, who="tenant")
    busy.report(urgency="urgent", category="elevator", description="电梯停运")
    busy.report()
    today(date(2025, 6, 10))  # the urgent one is past its 3 days

    found = {r["project_id"]: r for r in rows(calm)}
    a, b = found[calm.city.project_id], found[busy.city.project_id]
    assert (a["repairs"], a["open"], a["overdue"], a["completed"]) == (1, 0, 0, 1)
    assert a["median_completion_hours"] == 48.0 and a["reopen_rate"] == 0.0
    # overdue: the urgent one past its completion deadline, the normal one never accepted in time
    assert (b["repairs"], b["open"], b["overdue"], b["completed"]) == (3, 3, 2, 0)
    assert b["median_completion_hours"] is None and b["reopen_rate"] == 1.0
    order = [r["project_id"] for r in rows(calm)]
    assert order.index(busy.city.project_id) < order.index(calm.city.project_id)  # the worst first

    own = calm.city.cast.developer.organization_id
    [operator] = [o for o in rows(calm, "operators") if o["organization_id"] == own]
    assert (operator["projects"], operator["repairs"], operator["open"], operator["overdue"]) == (2, 4, 3, 2)
    assert operator["median_completion_hours"] == 48.0 and operator["reopen_rate"] == 0.5


def test_the_dashboard_shows_the_city_s_upkeep(two: tuple[Home, Home], today) -> None:
    _calm, busy = two
    busy.report(urgency="urgent", category="gas", description="燃气味")
    today(date(2025, 6, 10))
    board = busy.client.get(f"{API}/dashboard", headers=busy.city.cast.as_("office")).json()["upkeep"]
    assert board["open"] == 1 and board["overdue"] == 1 and board["projects"] >= 2
    assert board["worst"][0]["project_id"] == busy.city.project_id


def test_an_operator_sees_its_own_projects_only(two: tuple[Home, Home], make_user, login) -> None:
    calm, _ = two
    other = login(make_user("developer"))
    assert calm.client.get(f"{API}/upkeep/supervision/projects", headers=other).json() == []
    own = calm.client.get(f"{API}/upkeep/supervision/projects", headers=calm.operator()).json()
    assert len(own) == 2
    for who in ("leader", "office", "admin"):
        assert len(rows(calm, who=who)) >= 2
    assert calm.client.get(f"{API}/upkeep/supervision/projects",
                           headers=calm.person.headers).status_code == 403
    assert calm.client.get(f"{API}/upkeep/supervision/projects",
                           headers=calm.city.cast.as_("fagai")).status_code == 403
