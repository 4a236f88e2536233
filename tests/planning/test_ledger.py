"""The fund ledger through the API: receipt, allocation, payment of the one-time subsidy after the
listing (第十二条), refunds (第十三、四十四条), reversing entries, balances never negative."""

from __future__ import annotations

from tests.planning.conftest import API, fund_body, subsidy


def test_a_fund_from_receipt_to_refund(city) -> None:
    cast = city.cast
    fund = cast.post("office", f"{API}/funds", fund_body(), expect=201)
    assert fund["received_fen"] == 100_000_000 and fund["balance_fen"] == 100_000_000
    assert fund["source_label"] == "中央补助资金"
    entries = f"{API}/funds/{fund['id']}/entries"
    pid = city.project_id
    allocated = cast.post("office", entries, {"kind": "allocation", "project_id": pid,
                                              "amount_fen": 40_000_000, "on": "2025-06-03"}, expect=201)
    assert allocated["kind_label"] == "分配到项目"
    sid = subsidy(city)
    paid = cast.post("office", entries, {"kind": "payment", "subsidy_id": sid, "on": "2025-06-03"},
                     expect=201)
    assert paid["amount_fen"] == 30_000_000 and paid["project_id"] == pid
    # the operation domain's subsidy is paid by it (第十二条), exactly once
    listed = cast.get("office", f"{API}/projects/{pid}/subsidies")
    assert listed[0]["paid_on"] == "2025-06-03"
    again = cast.client.post(entries, json={"kind": "payment", "subsidy_id": sid, "on": "2025-06-03"},
                             headers=cast.as_("office"))
    assert again.status_code == 422 and "一次性拨付" in again.text
    cast.post("office", entries, {"kind": "refund_due", "project_id": pid, "amount_fen": 30_000_000,
                                  "reason": "exit", "on": "2025-06-03"}, expect=201)
    cast.post("office", entries, {"kind": "refund_received", "project_id": pid, "amount_fen": 10_000_000,
                                  "on": "2025-06-03"}, expect=201)
    rec = cast.get("office", f"{API}/funds/{fund['id']}")
    f = rec["fund"]
    assert (f["received_fen"], f["allocated_fen"], f["paid_fen"], f["refund_due_fen"], f["refunded_fen"]) == (
        100_000_000, 40_000_000, 30_000_000, 30_000_000, 10_000_000)
    assert f["balance_fen"] == 100_000_000 - 30_000_000 + 10_000_000
    assert rec["consistent"] and rec["projects"][0]["project_id"] == pid
    # the auditor and the leader read it; a developer may not
    cast.get("leader", f"{API}/funds/{fund['id']}")
    assert cast.client.get(f"{API}/funds/{fund['id']}", headers=cast.as_("developer")).status_code == 403


def test_no_balance_goes_negative(city) -> None:
    cast = city.cast
    fund = cast.post("office", f"{API}/funds", fund_body(amount_fen=1_000), expect=201)
    entries = f"{API}/funds/{fund['id']}/entries"
    too_much = cast.client.post(entries, headers=cast.as_("office"), json={
        "kind": "allocation", "project_id": city.project_id, "amount_fen": 1_001, "on": "2025-06-03"})
    assert too_much.status_code == 422
    assert too_much.json()["violations"][0]["code"] == "fund_overallocated"
    refund = cast.client.post(entries, headers=cast.as_("office"), json={
        "kind": "refund_received", "project_id": city.project_id, "amount_fen": 1, "on": "2025-06-03"})
    assert refund.status_code == 422 and refund.json()["violations"][0]["article"] == "第四十四条"
    # a payment needs an allocation covering it
    sid = subsidy(city, "20.00")
    unfunded = cast.client.post(entries, headers=cast.as_("office"), json={
        "kind": "payment", "subsidy_id": sid, "on": "2025-06-03"})
    assert unfunded.status_code == 422 and "分配额" in unfunded.text
    # nothing was written by the refusals
    assert cast.get("office", f"{API}/projects/{city.project_id}/subsidies")[0]["paid_on"] is None
    assert len(cast.get("office", entries)) == 1


def test_corrections_are_reversing_entries(city) -> None:
    cast = city.cast
    fund = cast.post("office", f"{API}/funds", fund_body(), expect=201)
    entries = f"{API}/funds/{fund['id']}/entries"
    alloc = cast.post("office", entries, {"kind": "allocation", "project_id": city.project_id,
                                          "amount_fen": 5_000, "on": "2025-06-01"}, expect=201)
    receipt = cast.get("office", entries)[-1]
    assert receipt["kind"] == "receipt"
    # the receipt cannot be reversed while part of it is allocated
    refused = cast.client.post(f"{API}/fund-entries/{receipt['id']}/reverse", headers=cast.as_("office"),
                               json={"on": "2025-06-02", "note": "文号登记错误"})
    assert refused.status_code == 422
    undo = cast.post("office", f"{API}/fund-entries/{alloc['id']}/reverse",
                     {"on": "2025-06-02", "note": "分配项目有误"}, expect=201)
    assert undo["amount_fen"] == -5_000 and undo["reverses_id"] == alloc["id"]
    listed = {e["id"]: e for e in cast.get("office", entries)}
    assert listed[alloc["id"]]["reversed"] and listed[alloc["id"]]["amount_fen"] == 5_000  # unchanged
    twice = cast.client.post(f"{API}/fund-entries/{alloc['id']}/reverse", headers=cast.as_("office"),
                             json={"on": "2025-06-02", "note": "再次冲正"})
    assert twice.status_code == 409
    assert cast.get("office", f"{API}/funds/{fund['id']}")["fund"]["allocated_fen"] == 0


def test_bad_input_is_a_422_naming_the_field(city) -> None:
    cast = city.cast
    r = cast.client.post(f"{API}/funds", headers=cast.as_("office"), json=fund_body(amount_fen=12.5))
    assert r.status_code == 422 and "amount_fen" in r.text
    r = cast.client.post(f"{API}/funds", headers=cast.as_("office"), json=fund_body(received_on="2030-01-01"))
    assert r.status_code == 422 and "received_on" in r.text
    r = cast.client.post(f"{API}/funds", headers=cast.as_("developer"), json=fund_body())
    assert r.status_code == 403
