from datetime import date

import pytest

from rules.art43_44_exit import (
    check_exit_request,
    check_operation_start,
    exit_allowed_from,
    exit_decision_clock,
)
from rules.calendar import builtin_calendar
from rules.decision import Decision
from rules.params import ParameterNotInForce, value_at
from rules.project_facts import ConstructionMethod

D = date
CAL = builtin_calendar()
STARTED = D(2018, 3, 1)
FIRST = D(2026, 3, 1)


def request(method: ConstructionMethod = ConstructionMethod.conversion, started: date | None = STARTED,
            on: date = D(2026, 4, 1), notice_from: date | None = D(2026, 3, 1),
            notice_to: date | None = D(2026, 3, 31), objections: int = 0, leases: int = 0) -> Decision:
    return check_exit_request(method, started, on, notice_from, notice_to, objections, leases)


@pytest.mark.parametrize(("started", "first"), [
    (D(2018, 3, 1), D(2026, 3, 1)),
    (D(2016, 2, 29), D(2024, 2, 29)),    # 29 February to 29 February (2024 is a leap year)
    (D(2017, 2, 28), D(2025, 2, 28)),
    (D(2022, 5, 6), D(2030, 5, 6)),
    (D(2019, 12, 31), D(2027, 12, 31)),
])
def test_exit_allowed_from(started: date, first: date) -> None:
    assert value_at("exit_min_operation_years", D(2024, 6, 1)) == 8
    assert exit_allowed_from(started, D(2024, 6, 1)) == first


def test_a_complete_request_passes_with_every_condition_as_evidence() -> None:
    decision = request()
    assert decision.ok
    assert [(f.article, f.code) for f in decision.findings] == [
        ("第四十三条", "exit_method_allowed"),
        ("第四十三条", "operation_term_met"),
        ("第四十四条", "exit_notice_finished"),
        ("第四十四条", "exit_no_objections"),
        ("第四十四条", "leases_wound_up"),
    ]
    assert decision.articles == ("第四十三条", "第四十四条")


@pytest.mark.parametrize(("on", "ok"), [
    (D(2026, 2, 28), False),   # 7 years 364 days
    (D(2026, 3, 1), True),     # 8 full years
    (D(2026, 3, 2), True),
])
def test_eight_full_years(on: date, ok: bool) -> None:
    decision = request(on=on, notice_from=D(2026, 2, 1), notice_to=D(2026, 2, 28))
    assert decision.ok is ok
    finding = decision.findings[1]
    assert finding.article == "第四十三条"
    assert finding.code == ("operation_term_met" if ok else "operation_term_not_met")
    if not ok:
        assert finding.field == "request_on"
        assert "2018-03-01" in finding.message and "2026-03-01" in finding.message


@pytest.mark.parametrize("method", [m for m in ConstructionMethod if m is not ConstructionMethod.conversion])
def test_new_build_and_supporting_projects_may_not_exit(method: ConstructionMethod) -> None:
    decision = request(method=method)
    (finding,) = decision.violations
    assert (finding.article, finding.code, finding.field) == (
        "第四十三条", "exit_not_allowed_for_new_build", "construction_method")
    assert method.label in finding.message


def test_operation_not_started() -> None:
    (finding,) = request(started=None).violations
    assert (finding.article, finding.code, finding.field) == (
        "第四十三条", "operation_not_started", "operation_started_on")


@pytest.mark.parametrize(("notice_from", "notice_to", "code", "field"), [
    (None, None, "exit_notice_missing", "notice_from"),
    (D(2026, 3, 1), None, "exit_notice_missing", "notice_to"),
    (None, D(2026, 3, 31), "exit_notice_missing", "notice_from"),
    (D(2026, 3, 20), D(2026, 3, 19), "exit_notice_period_invalid", "notice_to"),
    (D(2026, 3, 20), D(2026, 4, 2), "exit_notice_not_finished", "notice_to"),    # ends after the request
    (D(2026, 4, 2), D(2026, 4, 20), "exit_notice_not_finished", "notice_to"),    # starts after it
])
def test_notice_violations(notice_from: date | None, notice_to: date | None, code: str, field: str) -> None:
    (finding,) = request(notice_from=notice_from, notice_to=notice_to).violations
    assert (finding.article, finding.code, finding.field) == ("第四十四条", code, field)


@pytest.mark.parametrize(("notice_from", "notice_to"), [
    (D(2026, 3, 20), D(2026, 4, 1)),   # ends on the request day
    (D(2026, 4, 1), D(2026, 4, 1)),    # a one-day notice on the request day
    (D(2025, 1, 1), D(2025, 1, 31)),   # published long before
])
def test_notice_boundaries_pass(notice_from: date, notice_to: date) -> None:
    decision = request(notice_from=notice_from, notice_to=notice_to)
    assert decision.ok
    assert decision.findings[2].code == "exit_notice_finished"


@pytest.mark.parametrize(("objections", "leases", "violations"), [
    (1, 0, [("exit_objections", "objections")]),
    (0, 3, [("leases_not_wound_up", None)]),
    (2, 1, [("exit_objections", "objections"), ("leases_not_wound_up", None)]),
])
def test_objections_and_leases(objections: int, leases: int,
                               violations: list[tuple[str, str | None]]) -> None:
    decision = request(objections=objections, leases=leases)
    assert [(f.code, f.field) for f in decision.violations] == violations
    assert all(f.article == "第四十四条" for f in decision.violations)
    if leases:
        assert f"{leases} 份租赁合同" in decision.violations[-1].message


def test_every_condition_is_reported_together() -> None:
    decision = request(method=ConstructionMethod.new_state_land, on=D(2026, 2, 28), notice_from=D(2026, 3, 1),
                       notice_to=D(2026, 3, 31), objections=4, leases=12)
    assert [(f.article, f.code) for f in decision.violations] == [
        ("第四十三条", "exit_not_allowed_for_new_build"),
        ("第四十三条", "operation_term_not_met"),
        ("第四十四条", "exit_notice_not_finished"),
        ("第四十四条", "exit_objections"),
        ("第四十四条", "leases_not_wound_up"),
    ]
    assert "4 件异议" in decision.violations[3].message
    assert "12 份" in decision.violations[4].message


@pytest.mark.parametrize(("objections", "leases"), [(-1, 0), (0, -1)])
def test_negative_counts_are_refused(objections: int, leases: int) -> None:
    with pytest.raises(ValueError):
        request(objections=objections, leases=leases)


# --- the 3-working-day consent clock (第四十四条) --------------------------------------------------

REQUESTED = D(2024, 9, 27)   # a Friday; Sunday 9/29 worked, 10/1–10/7 off


@pytest.mark.parametrize(("today", "elapsed", "due_soon", "overdue"), [
    (D(2024, 9, 27), 0, False, False),   # the request day never counts
    (D(2024, 9, 29), 1, False, False),   # make-up Sunday
    (D(2024, 9, 30), 2, True, False),    # 1 working day left
    (D(2024, 10, 7), 2, True, False),    # still 1 left over the holiday
    (D(2024, 10, 8), 3, True, False),    # due today
    (D(2024, 10, 9), 4, False, True),
])
def test_exit_decision_clock(today: date, elapsed: int, due_soon: bool, overdue: bool) -> None:
    state = exit_decision_clock(CAL, REQUESTED, today)
    assert (state.limit, state.deadline) == (3, D(2024, 10, 8))
    assert (state.working_days_elapsed, state.working_days_remaining) == (elapsed, 3 - elapsed)
    assert (state.due_soon, state.overdue, state.on_time) == (due_soon, overdue, None)


@pytest.mark.parametrize(("decided_on", "on_time"), [(D(2024, 10, 8), True), (D(2024, 10, 9), False)])
def test_exit_decision_clock_decided(decided_on: date, on_time: bool) -> None:
    state = exit_decision_clock(CAL, REQUESTED, D(2024, 10, 31), decided_on)
    assert state.on_time is on_time and state.decided_on == decided_on and not state.due_soon


def test_exit_decision_clock_before_the_regulation() -> None:
    with pytest.raises(ParameterNotInForce):
        exit_decision_clock(CAL, D(2022, 5, 5), D(2022, 5, 10))


# --- the day operation starts: between the certificate and today (第四十三条) --------------------

CERTIFIED = D(2025, 6, 3)


@pytest.mark.parametrize(("started", "certified", "today", "ok", "code"), [
    (CERTIFIED, CERTIFIED, CERTIFIED, True, "operation_start_valid"),   # the day of the certificate
    (D(2025, 6, 2), CERTIFIED, CERTIFIED, False, "operation_start_before_certificate"),
    (D(1, 1, 1), CERTIFIED, CERTIFIED, False, "operation_start_before_certificate"),  # the probe's date
    (D(2016, 1, 1), CERTIFIED, CERTIFIED, False, "operation_start_before_certificate"),
    (D(2025, 6, 4), CERTIFIED, CERTIFIED, False, "operation_start_in_future"),
    (D(2025, 6, 4), CERTIFIED, D(2025, 6, 4), True, "operation_start_valid"),
    (D(2022, 5, 6), None, CERTIFIED, True, "operation_start_valid"),  # no certificate: the regulation
    (D(2022, 5, 5), None, CERTIFIED, False, "operation_start_before_certificate"),
])
def test_operation_start_lies_between_the_certificate_and_today(started: date, certified: date | None,
                                                                today: date, ok: bool, code: str) -> None:
    decision = check_operation_start(started, certified, today)
    (finding,) = decision.findings
    assert (decision.ok, finding.article, finding.code, finding.field) == (ok, "第四十三条", code,
                                                                           "started_on")


def test_a_start_the_rule_accepts_never_lets_a_project_exit_before_8_years_after_its_certificate() -> None:
    """The probe: started 0001-01-01 gave exit_allowed_from 0009-01-01 for a project certified
    today. Every start the rule accepts gives a first exit day 8 years after the certificate."""
    assert not check_operation_start(D(1, 1, 1), CERTIFIED, CERTIFIED).ok
    assert check_operation_start(CERTIFIED, CERTIFIED, CERTIFIED).ok
    assert exit_allowed_from(CERTIFIED, CERTIFIED) == D(2033, 6, 3)


@pytest.mark.parametrize(("notice_from", "ok"), [
    (STARTED, True),                      # from the day operation started
    (D(2018, 2, 28), False),              # before it: not a notice of the operating project
])
def test_the_exit_notice_starts_no_earlier_than_the_operation(notice_from: date, ok: bool) -> None:
    decision = request(notice_from=notice_from)
    notice = decision.findings[2]
    assert notice.article == "第四十四条" and decision.ok is ok
    assert notice.code == ("exit_notice_finished" if ok else "exit_notice_before_operation")
