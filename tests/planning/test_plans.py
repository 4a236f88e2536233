"""Plans (第六条): 住建 drafts, publishes and adjusts (a new version, the original kept), audited;
progress from the platform's records; the public summary."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.planning.conftest import API, plan_body


def test_a_plan_is_drafted_published_and_adjusted_keeping_the_original(city, session) -> None:
    cast = city.cast
    plan = cast.post("zhujian", f"{API}/plans", plan_body([city.project_id]), expect=201)
    assert plan["status"] == "draft" and plan["version"] == 1 and plan["allowed_actions"] == [
        "edit_lines", "publish"]
    assert plan["lines"][0]["project_ids"] == [city.project_id]
    assert plan["lines"][0]["sourcing_channel_label"].startswith("（四）")
    published = cast.post("zhujian", f"{API}/plans/{plan['id']}/publish")
    assert published["status"] == "published" and published["published_on"] == "2025-06-03"
    refused = cast.client.put(f"{API}/plans/{plan['id']}/lines", headers=cast.as_("zhujian"),
                              json={"lines": []})
    assert refused.status_code == 409  # a published version is never edited
    new = cast.post("zhujian", f"{API}/plans/{plan['id']}/adjust", {"reason": "年中调整目标"}, expect=201)
    assert (new["version"], new["previous_id"], new["series_id"], new["status"]) == (2, plan["id"],
                                                                                     plan["id"],
                                                                                    "draft")
    lines = [dict(line, target_units=250) for line in plan_body([city.project_id])["lines"][:1]]
    cast.client.put(f"{API}/plans/{new['id']}/lines", headers=cast.as_("zhujian"), json={"lines": lines})
    cast.post("zhujian", f"{API}/plans/{new['id']}/publish")
    old = cast.get("office", f"{API}/plans/{plan['id']}")
    assert old["status"] == "adjusted" and old["lines"][0]["target_units"] == 200  # the original kept
    assert cast.get("office", f"{API}/plans/{new['id']}")["lines"][0]["target_units"] == 250
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "plan")))
    assert {"plan.create", "plan.publish", "plan.adjust", "plan.edit_lines"} <= actions
    # the public page of published plans, without login
    public = cast.client.get(f"{API}/public/plans")
    assert public.status_code == 200
    assert [p["plan_id"] for p in public.json()] == [new["id"]]


def test_only_zhujian_compiles_plans(city) -> None:
    cast = city.cast
    assert cast.client.post(f"{API}/plans", headers=cast.as_("fagai"),
                            json=plan_body([])).status_code == 403
    assert cast.client.post(f"{API}/plans", headers=cast.as_("office"), json=plan_body([])).status_code == 403
    assert cast.client.get(f"{API}/plans", headers=cast.as_("developer")).status_code == 403
    assert cast.client.get(f"{API}/plans", headers=cast.as_("fagai")).status_code == 403
    bad = cast.client.post(f"{API}/plans", headers=cast.as_("zhujian"),
                           json=plan_body([], start_year=2025, end_year=2026))
    assert bad.status_code == 422 and "end_year" in bad.text
    unknown = cast.client.post(f"{API}/plans", headers=cast.as_("zhujian"), json=plan_body([999999]))
    assert unknown.status_code == 422 and "project_ids" in unknown.text
    outside = cast.client.post(f"{API}/plans", headers=cast.as_("zhujian"), json=plan_body([], lines=[
        {"district": "乐平市", "target_units": 1, "target_area_m2": "1"}]))
    assert outside.status_code == 422


def test_progress_is_computed_from_the_platforms_records(city, tenant, today) -> None:
    from datetime import date

    from tests.leases.conftest import apply, approve, in_force, lease_body

    cast = city.cast
    pid = city.project_id
    plan = cast.post("zhujian", f"{API}/plans", plan_body([pid]), expect=201)
    first = cast.get("zhujian", f"{API}/plans/{plan['id']}/progress")["lines"][0]
    # certified 180 units (the application's), completed, 3 units published, none let, no start yet
    assert first["certified"]["units"] == 180 and first["certified"]["units_share"] == "0.9000"
    assert first["started"]["units"] == 0 and first["completed"]["units"] == 180
    assert first["published"]["units"] == 3 and first["let"]["units"] == 0
    assert not first["late"]
    # the developer records the construction start (第二十四条) of a second certified project: not
    # before its certificate (2025-06-03), not in the future, not after its completion acceptance
    other = cast.file()
    cast.to_state(other, "certified")
    cast.client.put(f"{API}/plans/{plan['id']}/lines", headers=cast.as_("zhujian"),
                    json={"lines": [dict(plan_body([pid, other])["lines"][0])]})
    today(date(2025, 6, 10))

    def start(day: str):  # type: ignore[no-untyped-def]
        return cast.client.post(f"{API}/projects/{other}/construction-start", headers=cast.as_("developer"),
                                json={"started_on": day})

    early = start("2025-06-02")
    assert early.status_code == 422 and early.json()["violations"][0]["article"] == "第二十四条"
    assert start("2025-06-11").status_code == 422
    assert start("2025-06-05").json()["construction_started_on"] == "2025-06-05"
    cast.post("developer", f"{API}/projects/{other}/completion", {"completed_on": "2025-06-08"})
    assert start("2025-06-09").json()["violations"][0]["code"] == "start_after_completion"
    assert cast.client.post(f"{API}/projects/{other}/construction-start", headers=cast.as_("office"),
                            json={"started_on": "2025-06-05"}).status_code == 403
    # a tenant moves in: one unit let under a lease in force
    person = tenant()
    application = apply(city, person)
    approve(city, application["id"])
    lease = cast.client.post(f"{API}/leases", headers=cast.as_("developer"),
                             json=lease_body(city, application["id"]))
    assert lease.status_code == 201, lease.text
    waiting = cast.get("zhujian", f"{API}/plans/{plan['id']}/progress")["lines"][0]
    assert waiting["let"]["units"] == 0  # 待签约: not in force until the contract is signed (issue 16)
    in_force(cast.client, lease.json(), person.headers, cast.as_("developer"))
    assert cast.get("zhujian", f"{API}/plans/{plan['id']}/progress")["lines"][0]["let"]["units"] == 0
    today(date(2025, 7, 2))  # the lease has begun (2025-07-01)
    line = cast.get("zhujian", f"{API}/plans/{plan['id']}/progress")["lines"][0]
    assert line["certified"]["units"] == 360 and line["started"]["units"] == 180
    assert line["completed"]["units"] == 360 and line["let"]["units"] == 1
    assert line["let"]["area_m2"] == "38.50"
    # the plan's year is over with 180 of 200 certified: late; the 珠山区 line with no project too
    today(date(2026, 1, 5))
    lines = cast.get("zhujian", f"{API}/plans/{plan['id']}/progress")["lines"]
    assert [x["late"] for x in lines] == [False]  # 360 of 200 certified: met
    cast.client.put(f"{API}/plans/{plan['id']}/lines", headers=cast.as_("zhujian"),
                    json={"lines": plan_body([pid])["lines"]})
    lines = cast.get("zhujian", f"{API}/plans/{plan['id']}/progress")["lines"]
    assert [x["late"] for x in lines] == [True, True]  # 180 of 200; 0 of 100
    assert lines[0]["findings"][0]["code"] == "plan_line_late"
