"""第三十九条: upkeep is the operator's cost. Billing the tenant is refused with the article in
``violations``, unless the operator records damage the tenant caused with a reason; that is a
separate item the tenant accepts or disputes, and 住建 sees the disputes."""

from __future__ import annotations

from tests.upkeep.conftest import API, Home


def _in_progress(home: Home) -> int:
    rid = home.report(category="doors_windows", description="门锁坏了")["id"]
    home.step(rid, "accept")
    home.step(rid, "assign", {"worker": "李师傅"})
    return rid


def charge(home: Home, rid: int, body: dict, expect: int = 201) -> dict:
    response = home.client.post(f"{API}/repairs/{rid}/charges", json=body, headers=home.operator())
    assert response.status_code == expect, response.text
    return response.json()


def test_billing_the_tenant_for_upkeep_is_refused_citing_article_39(home: Home, session) -> None:
    rid = _in_progress(home)
    from tests.conftest import count

    before = count(session, "repair_charge")
    refused = charge(home, rid, {"amount_yuan": "120.00", "tenant_caused": False, "reason": "换锁芯"}, 422)
    assert [v["article"] for v in refused["violations"]] == ["第三十九条"]
    assert refused["violations"][0]["code"] == "upkeep_at_operator_cost"
    assert count(session, "repair_charge") == before
    no_reason = charge(home, rid, {"amount_yuan": "120.00", "tenant_caused": True, "reason": "  "}, 422)
    assert no_reason["violations"][0]["code"] == "damage_reason_required"
    assert no_reason["violations"][0]["article"] == "第三十九条"


def test_a_charge_must_be_said_plainly(home: Home) -> None:
    rid = _in_progress(home)
    for body in ({"amount_yuan": "120.00", "tenant_caused": "yes", "reason": "x"},  # not a boolean
                 {"amount_yuan": "0", "tenant_caused": True, "reason": "x"},
                 {"amount_yuan": "120.00", "tenant_caused": True, "reason": "x", "fee": "1"}):
        charge(home, rid, body, 422)


def test_damage_the_tenant_caused_is_a_separate_item_the_tenant_disputes(home: Home) -> None:
    rid = _in_progress(home)
    made = charge(home, rid, {"amount_yuan": "150.00", "tenant_caused": True,
                              "reason": "门锁被硬物撬坏，非正常损耗"})
    assert made["status"] == "proposed" and made["allowed_actions"] == ["withdraw"]
    repair = home.client.get(f"{API}/repairs/{rid}", headers=home.person.headers).json()
    assert repair["status"] == "in_progress"  # the repair goes on at the operator's cost
    [seen] = repair["charges"]
    assert seen["allowed_actions"] == ["accept", "dispute"]
    # one open claim at a time
    charge(home, rid, {"amount_yuan": "10.00", "tenant_caused": True, "reason": "又一笔"}, 409)
    disputed = home.client.post(f"{API}/repair-charges/{made['id']}/dispute", headers=home.person.headers,
                                json={"reason": "锁是自然老化损坏，不是我撬的"})
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    assert home.client.post(f"{API}/repair-charges/{made['id']}/accept", headers=home.person.headers,
                            json={}).status_code == 409
    figures = home.client.get(f"{API}/upkeep/supervision/projects",
                              headers=home.city.cast.as_("zhujian")).json()
    assert {r["project_id"]: r["disputed_charges"] for r in figures}[home.city.project_id] == 1
    withdrawn = home.client.post(f"{API}/repair-charges/{made['id']}/withdraw", headers=home.operator(),
                                 json={"reason": "经核实为自然损耗"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    history = home.client.get(f"{API}/repairs/{rid}/history", headers=home.person.headers).json()
    assert [e["action"] for e in history][-3:] == ["charge_proposed", "charge_disputed", "charge_withdrawn"]


def test_the_tenant_may_accept_a_charge(home: Home) -> None:
    rid = _in_progress(home)
    made = charge(home, rid, {"amount_yuan": "80.00", "tenant_caused": True, "reason": "玻璃被球砸碎"})
    accepted = home.client.post(f"{API}/repair-charges/{made['id']}/accept", headers=home.person.headers,
                                json={})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert home.client.post(f"{API}/repair-charges/{made['id']}/withdraw", headers=home.operator(),
                            json={}).status_code == 409


def test_no_charge_before_the_repair_is_accepted(home: Home) -> None:
    rid = home.report()["id"]
    refused = charge(home, rid, {"amount_yuan": "80.00", "tenant_caused": True, "reason": "损坏"}, 409)
    assert "已提交" in refused["detail"]


def test_only_the_parties_answer_a_charge(home: Home, tenant) -> None:
    rid = _in_progress(home)
    made = charge(home, rid, {"amount_yuan": "80.00", "tenant_caused": True, "reason": "损坏"})
    stranger = tenant(name="路人")
    assert home.client.post(f"{API}/repair-charges/{made['id']}/dispute", headers=stranger.headers,
                            json={"reason": "x"}).status_code == 404
    assert home.client.post(f"{API}/repair-charges/{made['id']}/dispute", headers=home.operator(),
                            json={"reason": "x"}).status_code == 403
