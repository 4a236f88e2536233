"""Properties of the rules over every date and amount a request can bring (issue 14).

The API accepts dates from ``app.core.schemas.EARLIEST_DAY`` to ``LATEST_DAY`` (1900–2199) and
amounts of at most 12 digits with 2 decimals; for every such value a rule answers with its
decision (or its dates), never with an exception the API would turn into a 500. The only
exceptions a rule may raise here are the two the API answers 422 with: a parameter not yet in
force on that day (``ParameterNotInForce``, 第五十条) and a year no holiday notice covers
(``CalendarYearMissing``). The month arithmetic of ``rules.dates`` is checked over Python's whole
date range: outside it, it raises its documented ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.schemas import EARLIEST_DAY, LATEST_DAY
from rules.art12_13_subsidy import check_subsidy_grant, check_subsidy_payment
from rules.art26_30_listing import listing_due_on, listing_state
from rules.art35_43_lease import (
    LeaseTerms,
    check_lease_terms,
    renewal_terms,
    renewal_window_ok,
    term_months,
)
from rules.art36_37_rent import (
    AppraisalFacts,
    ProposedRate,
    appraisal_valid_until,
    check_appraisal,
    check_lease_rent,
    check_rent_standard,
    highest_rate_in_fen,
    oldest_valid_appraisal,
    reappraisal_due,
    rent_cap_rate,
)
from rules.art38_transition import check_extension, transition, transition_rent
from rules.art40_41_violations import rectification_deadline
from rules.art43_44_exit import check_exit_request, exit_allowed_from
from rules.calendar import CalendarYearMissing
from rules.dates import add_months, add_years, months_between
from rules.decision import Decision
from rules.params import ParameterNotInForce
from rules.project_facts import ConstructionMethod

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
DAYS = st.dates(EARLIEST_DAY, LATEST_DAY)
ANY_DAY = st.dates()  # 0001-01-01 … 9999-12-31
CENT = Decimal("0.01")
# what a body's amounts can be: up to 12 digits, 2 decimals (negative and zero included)
AMOUNTS = st.decimals(min_value=Decimal("-9999999999.99"), max_value=Decimal("9999999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)
POSITIVE = st.decimals(min_value=CENT, max_value=Decimal("999999.99"), places=2)
AREAS = st.decimals(min_value=CENT, max_value=Decimal("999999.99"), places=2)
MONTHS = st.integers(min_value=-2400, max_value=2400)
ANSWERED_422 = (ParameterNotInForce, CalendarYearMissing)


def answers(call: Callable[[], Any]) -> Any:
    """The rule's answer, or None when it refuses with a parameter or calendar not in force."""
    try:
        return call()
    except ANSWERED_422:
        return None


# ---- rules.dates over Python's whole range -----------------------------------------------------

@PROPERTY
@given(ANY_DAY, MONTHS)
def test_add_months_lands_in_the_month_asked_or_says_it_cannot(day: date, months: int) -> None:
    index = day.year * 12 + day.month - 1 + months
    if not 12 <= index <= 9999 * 12 + 11:
        try:
            add_months(day, months)
        except ValueError:
            return
        raise AssertionError("a month outside 0001–9999 must raise ValueError")
    moved = add_months(day, months)
    assert moved.year * 12 + moved.month - 1 == index
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


@PROPERTY
@given(ANY_DAY, st.integers(min_value=-100, max_value=100))
def test_add_years_is_twelve_months(day: date, years: int) -> None:
    try:
        expected = add_months(day, 12 * years)
    except ValueError:
        return
    assert add_years(day, years) == expected


@PROPERTY
@given(ANY_DAY, ANY_DAY)
def test_months_between_is_the_whole_months(a: date, b: date) -> None:
    months = months_between(a, b)
    assert months_between(b, a) == -months
    start, end = (a, b) if a <= b else (b, a)
    whole = abs(months)
    assert add_months(start, whole) <= end
    with suppress(ValueError):  # one more month leaving the calendar cannot be inside it either
        assert add_months(start, whole + 1) > end


# ---- leases: terms, renewal (第三十五条, 第三十七条, 第四十三条) ------------------------------------

@PROPERTY
@given(DAYS, DAYS)
def test_term_months_counts_both_days(start: date, end: date) -> None:
    if end < start:
        start, end = end, start
    assert term_months(start, end) == months_between(start, end + timedelta(days=1))


@PROPERTY
@given(DAYS, DAYS, DAYS, AMOUNTS, AREAS, st.none() | POSITIVE, AMOUNTS, AMOUNTS, AMOUNTS)
def test_lease_terms_always_decide(start: date, end: date, on: date, rent: Decimal, area: Decimal,
                                   rate: Decimal | None, prepaid: Decimal, deposit: Decimal,
                                   fees: Decimal) -> None:
    terms = LeaseTerms(start_on=start, end_on=end, monthly_rent=rent, building_area_m2=area,
                       filed_rate_per_m2=rate, prepaid_rent=prepaid, deposit=deposit, other_fees=fees)
    decision = answers(lambda: check_lease_terms(terms, on))
    assert decision is None or isinstance(decision, Decision)
    if decision is not None and not decision.ok:
        assert decision.violations and all(f.article for f in decision.violations)


@PROPERTY
@given(DAYS, DAYS, st.integers(min_value=1, max_value=120))
def test_renewal_window_and_terms(end: date, on: date, months: int) -> None:
    decision = answers(lambda: renewal_window_ok(end, on))
    assert decision is None or isinstance(decision, Decision)
    start, last = renewal_terms(end, months)
    assert start == end + timedelta(days=1) and last >= start
    assert term_months(start, last) == months


# ---- rents (第三十六条, 第三十七条) ------------------------------------------------------------

@PROPERTY
@given(POSITIVE, DAYS)
def test_the_cap_in_fen_is_the_highest_rate_not_above_the_cap(market: Decimal, on: date) -> None:
    cap = answers(lambda: rent_cap_rate(market, on))
    if cap is None:
        return
    highest = highest_rate_in_fen(cap)
    assert highest <= cap < highest + CENT


@PROPERTY
@given(DAYS, DAYS, AMOUNTS, st.dictionaries(st.sampled_from(["一室户", "两室户", " "]), AMOUNTS,
                                             max_size=2))
def test_appraisals_always_decide(appraised_on: date, today: date, market: Decimal,
                                  per_type: dict[str, Decimal]) -> None:
    decision = answers(lambda: check_appraisal(appraised_on, market, per_type, today))
    assert decision is None or isinstance(decision, Decision)
    until = answers(lambda: appraisal_valid_until(appraised_on, today))
    assert until is None or until > appraised_on
    assert answers(lambda: reappraisal_due(appraised_on, today)) in (None, True, False)


@PROPERTY
@given(DAYS)
def test_the_oldest_valid_appraisal_is_in_force_and_the_day_before_is_not(on: date) -> None:
    oldest = answers(lambda: oldest_valid_appraisal(on))
    if oldest is None:
        return
    assert reappraisal_due(oldest, on) is False
    assert reappraisal_due(oldest - timedelta(days=1), on) is True


@PROPERTY
@given(st.lists(st.tuples(st.none() | st.sampled_from(["一室户", "两室户"]), AMOUNTS), max_size=3),
       DAYS, POSITIVE, DAYS)
def test_rent_standards_always_decide(rates: list[tuple[str | None, Decimal]], appraised_on: date,
                                      market: Decimal, on: date) -> None:
    appraisal = AppraisalFacts(appraised_on, market, {"一室户": market})
    proposed = [ProposedRate(unit_type, rate) for unit_type, rate in rates]
    decision = answers(lambda: check_rent_standard(proposed, appraisal, on))
    assert decision is None or isinstance(decision, Decision)


@PROPERTY
@given(AMOUNTS, AREAS, POSITIVE, DAYS)
def test_lease_rents_always_decide(rent: Decimal, area: Decimal, rate: Decimal, on: date) -> None:
    decision = check_lease_rent(rent, area, rate, on)
    assert decision.ok == (Decimal(0) < rent <= area * rate)


# ---- the transition, violations, exit, listing, subsidies ----------------------------------------

@PROPERTY
@given(DAYS, DAYS, DAYS, AREAS, POSITIVE)
def test_transitions_and_their_extensions(acquired_on: date, on: date, new_end: date, area: Decimal,
                                          market: Decimal) -> None:
    state = answers(lambda: transition(acquired_on, on))
    if state is not None:
        assert acquired_on <= state.ends_on and state.market_rent_from > acquired_on
        decision = answers(lambda: check_extension(state, new_end, on))
        assert decision is None or isinstance(decision, Decision)
    assert transition_rent(area, market) == (area * market).quantize(CENT, rounding=ROUND_HALF_UP)


@PROPERTY
@given(DAYS, st.integers(min_value=1, max_value=365))
def test_rectification_deadlines(recorded_on: date, days: int) -> None:
    assert rectification_deadline(recorded_on, days) == recorded_on + timedelta(days=days)


@PROPERTY
@given(st.sampled_from(list(ConstructionMethod)), st.none() | DAYS, DAYS, st.none() | DAYS,
       st.none() | DAYS, st.integers(min_value=0, max_value=100_000), st.integers(0, 100))
def test_exit_requests_always_decide(method: ConstructionMethod, started_on: date | None,
                                     request_on: date, notice_from: date | None,
                                     notice_to: date | None, objections: int, leases: int) -> None:
    decision = answers(lambda: check_exit_request(method, started_on, request_on, notice_from,
                                                  notice_to, objections, leases))
    assert decision is None or isinstance(decision, Decision)
    if started_on is not None:
        allowed = answers(lambda: exit_allowed_from(started_on, request_on))
        assert allowed is None or allowed > started_on


@PROPERTY
@given(DAYS, DAYS, st.integers(min_value=0, max_value=400))
def test_listing_periods(completed_on: date, today: date, listed_after: int) -> None:
    due = answers(lambda: listing_due_on(completed_on))
    if due is None:
        return
    assert due >= completed_on
    listed_on = min(completed_on + timedelta(days=listed_after), today)
    state = listing_state(completed_on, listed_on, today)
    assert state.on_time == (listed_on <= due)


@PROPERTY
@given(DAYS, st.none() | DAYS, DAYS, st.none() | DAYS, st.none() | DAYS)
def test_subsidies_always_decide(granted_on: date, certified_on: date | None, today: date,
                                 verified_on: date | None, paid_before: date | None) -> None:
    for decide in (lambda: check_subsidy_grant(granted_on, certified_on, today),
                   lambda: check_subsidy_payment(verified_on, paid_before, granted_on, today)):
        decision = answers(decide)
        assert decision is None or isinstance(decision, Decision)
