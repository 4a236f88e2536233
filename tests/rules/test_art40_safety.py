"""第四十条: periodic fire-safety checks, 住建's inspections and emergency plans, as tables of cases
(rules/art40_safety.py)."""

from __future__ import annotations

from datetime import date

import pytest

from rules.art40_safety import (
    FireCheckItem,
    check_inspection,
    check_plan,
    check_safety_check,
    fire_check_due,
    fire_check_state,
    plan_lapsed,
    plan_review_limit,
    rectification_overdue,
)

D = date
ALL_OK = {i.value: True for i in FireCheckItem}


@pytest.mark.parametrize(("last", "since", "today", "due", "overdue"), [
    (None, None, D(2025, 6, 3), None, False),  # not in use yet: nothing due
    (None, D(2025, 6, 3), D(2025, 7, 3), D(2025, 7, 3), False),  # the due day itself is in time
    (None, D(2025, 6, 3), D(2025, 7, 4), D(2025, 7, 3), True),
    (D(2025, 1, 31), D(2024, 1, 1), D(2025, 2, 28), D(2025, 2, 28), False),  # month end clamped
    (D(2025, 1, 31), D(2024, 1, 1), D(2025, 3, 1), D(2025, 2, 28), True),
    (D(2025, 6, 20), D(2025, 6, 3), D(2025, 7, 10), D(2025, 7, 20), False),  # the last check counts
])
def test_the_periodic_check_is_due_an_interval_after_the_last(last: date | None, since: date | None,
                                                              today: date, due: date | None,
                                                              overdue: bool) -> None:
    state = fire_check_state(last, since, today)
    assert (state.due_on, state.overdue) == (due, overdue)


def test_the_interval_is_the_city_s_parameter(dated) -> None:
    dated("fire_check_interval_months", ("2022-05-06", 1), ("2025-01-01", 3))
    assert fire_check_due(D(2024, 12, 15), None) == D(2025, 1, 15)
    assert fire_check_due(D(2025, 1, 15), None) == D(2025, 4, 15)


@pytest.mark.parametrize(("items", "findings", "codes"), [
    (ALL_OK, "", ["fire_check_recorded"]),
    (ALL_OK | {"fire_lanes": False}, "", ["findings_required"]),
    (ALL_OK | {"fire_lanes": False}, "消防车通道被占，已清理", ["fire_check_recorded"]),
    ({k: v for k, v in ALL_OK.items() if k != "safety_exits"}, "", ["check_items_missing"]),
])
def test_a_check_records_the_five_items(items: dict[str, bool], findings: str, codes: list[str]) -> None:
    decision = check_safety_check(D(2025, 6, 3), D(2025, 6, 3), items, findings)
    assert [f.code for f in decision.findings] == codes
    assert set(decision.articles) == {"第四十条"}


def test_a_check_is_not_dated_after_today() -> None:
    decision = check_safety_check(D(2025, 6, 4), D(2025, 6, 3), ALL_OK, "")
    assert [f.code for f in decision.violations] == ["check_date_in_future"]


@pytest.mark.parametrize(("inspected", "rectify_by", "ordered", "codes"), [
    (D(2025, 6, 3), None, False, ["inspection_recorded"]),
    (D(2025, 6, 3), D(2025, 6, 18), True, ["inspection_recorded"]),
    (D(2025, 6, 3), None, True, ["rectify_by_required"]),
    (D(2025, 6, 3), D(2025, 6, 3), True, ["rectify_by_too_early"]),
    (D(2025, 6, 3), D(2025, 6, 18), False, ["rectify_by_without_order"]),
    (D(2025, 6, 4), None, False, ["inspection_date_in_future"]),
])
def test_an_inspection_s_deadline(inspected: date, rectify_by: date | None, ordered: bool,
                                  codes: list[str]) -> None:
    assert [f.code for f in check_inspection(inspected, D(2025, 6, 3), rectify_by, ordered).findings] == codes


@pytest.mark.parametrize(("rectify_by", "rectified_on", "today", "late"), [
    (D(2025, 6, 18), None, D(2025, 6, 18), False),
    (D(2025, 6, 18), None, D(2025, 6, 19), True),
    (D(2025, 6, 18), D(2025, 6, 17), D(2025, 7, 1), False),
    (None, None, D(2025, 7, 1), False),
])
def test_rectification_overdue(rectify_by: date | None, rectified_on: date | None, today: date,
                               late: bool) -> None:
    assert rectification_overdue(rectify_by, rectified_on, today) is late


@pytest.mark.parametrize(("review_on", "code"), [
    (D(2025, 6, 3), "review_date_not_after_filing"),
    (D(2025, 6, 4), "plan_on_file"),
    (D(2026, 6, 3), "plan_on_file"),  # 12 months, the limit itself
    (D(2026, 6, 4), "review_interval_too_long"),
])
def test_a_plan_s_review_date(review_on: date, code: str) -> None:
    assert plan_review_limit(D(2025, 6, 3)) == D(2026, 6, 3)
    assert [f.code for f in check_plan(D(2025, 6, 3), review_on).findings] == [code]


def test_a_plan_lapses_the_day_after_its_review_date() -> None:
    assert not plan_lapsed(D(2025, 12, 31), D(2025, 12, 31))
    assert plan_lapsed(D(2025, 12, 31), D(2026, 1, 1))
