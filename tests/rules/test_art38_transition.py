from datetime import date
from decimal import Decimal

import pytest

from rules.art38_transition import (
    TransitionState,
    check_acquisition,
    check_extension,
    lease_end_after_transition,
    transition,
    transition_rent,
)
from rules.params import ParameterNotInForce

D, M = date, Decimal
ON = D(2025, 2, 10)
ART = "第三十八条"


@pytest.mark.parametrize(("acquired", "ends", "market_from"), [
    (D(2025, 1, 15), D(2026, 1, 14), D(2025, 2, 1)),
    (D(2025, 1, 1), D(2025, 12, 31), D(2025, 2, 1)),    # acquired on the 1st: market rent from the next 1st
    (D(2025, 1, 31), D(2026, 1, 30), D(2025, 2, 1)),
    (D(2024, 2, 29), D(2025, 2, 27), D(2024, 3, 1)),    # 2025-02-28 (clamped) − 1 day
    (D(2025, 12, 20), D(2026, 12, 19), D(2026, 1, 1)),  # December → January
])
def test_transition_dates(acquired: date, ends: date, market_from: date) -> None:
    state = transition(acquired, ON)
    assert state == TransitionState(acquired_on=acquired, starts_on=acquired, ends_on=ends,
                                    market_rent_from=market_from, extended_to=None)
    assert state.current_end == ends


def test_an_approved_extension_moves_the_current_end() -> None:
    state = transition(D(2025, 1, 15), ON, extended_to=D(2026, 7, 14))
    assert (state.ends_on, state.extended_to, state.current_end) == (D(2026, 1, 14), D(2026, 7, 14),
                                                                     D(2026, 7, 14))


@pytest.mark.parametrize("extended_to", [D(2026, 1, 14), D(2025, 6, 1)])
def test_an_extension_not_after_the_end_is_not_an_extension(extended_to: date) -> None:
    with pytest.raises(ValueError):
        transition(D(2025, 1, 15), ON, extended_to=extended_to)


@pytest.mark.parametrize(("area", "market", "rent"), [
    ("50", "30.00", "1500.00"),
    ("45.5", "28.37", "1290.84"),     # 1,290.835 rounds half up
    ("45.5", "28.31", "1288.11"),     # 1,288.105 → 1,288.11
    ("33.33", "30.01", "1000.23"),    # 1,000.2333 → 1,000.23
])
def test_transition_rent_is_rounded_to_the_fen_half_up(area: str, market: str, rent: str) -> None:
    result = transition_rent(M(area), M(market))
    assert result == M(rent)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(("area", "market"), [("0", "30"), ("50", "0"), ("-1", "30"), ("NaN", "30")])
def test_transition_rent_needs_positive_inputs(area: str, market: str) -> None:
    with pytest.raises(ValueError):
        transition_rent(M(area), M(market))


@pytest.mark.parametrize(("extended_to", "new_end", "on", "violations"), [
    (None, D(2026, 7, 14), D(2026, 1, 10), []),
    (None, D(2026, 1, 15), D(2026, 1, 14), []),                                     # one day later, last day
    (None, D(2026, 1, 14), D(2026, 1, 10), [("extension_not_later", "new_end")]),   # the same end
    (None, D(2025, 12, 31), D(2026, 1, 10), [("extension_not_later", "new_end")]),
    (D(2026, 7, 14), D(2026, 7, 14), D(2026, 3, 1), [("extension_not_later", "new_end")]),  # vs the extension
    (D(2026, 7, 14), D(2026, 12, 31), D(2026, 3, 1), []),
    (None, D(2026, 7, 14), D(2026, 1, 15), [("extension_requested_after_end", "requested_on")]),
])
def test_check_extension(extended_to: date | None, new_end: date, on: date,
                         violations: list[tuple[str, str]]) -> None:
    state = transition(D(2025, 1, 15), ON, extended_to=extended_to)
    decision = check_extension(state, new_end, on)
    assert [(f.code, f.field) for f in decision.violations] == violations
    assert decision.ok is (not violations)
    assert decision.articles == (ART,)
    if decision.ok:
        assert "审核同意" in decision.findings[-1].message


@pytest.mark.parametrize(("extended_to", "lease_end", "ends"), [
    (None, D(2027, 6, 30), D(2026, 1, 14)),            # the transition ends first
    (None, D(2025, 12, 31), D(2025, 12, 31)),          # the lease ends first
    (D(2026, 7, 14), D(2027, 6, 30), D(2026, 7, 14)),  # the extension ends first
    (D(2026, 7, 14), D(2026, 3, 31), D(2026, 3, 31)),
])
def test_lease_end_after_transition(extended_to: date | None, lease_end: date, ends: date) -> None:
    state = transition(D(2025, 1, 15), ON, extended_to=extended_to)
    assert lease_end_after_transition(state, lease_end) == ends


def test_no_transition_before_the_regulation() -> None:
    with pytest.raises(ParameterNotInForce):
        transition(D(2022, 1, 15), D(2022, 5, 5))


# --- the acquisition date reported: in the tenancy, not in the future -------------------------

TENANCY = D(2025, 7, 1)


@pytest.mark.parametrize(("acquired", "today", "violations"), [
    (D(2025, 7, 1), D(2025, 8, 1), []),                                     # the day the tenancy began
    (D(2025, 8, 1), D(2025, 8, 1), []),                                     # today
    (D(2025, 8, 2), D(2025, 8, 1), [(ART, "home_acquired_in_future")]),
    (D(2025, 6, 30), D(2025, 8, 1), [(ART, "home_acquired_before_tenancy"),
                                     ("第三十二条", "owned_home_when_tenancy_began")]),
    (D(1, 1, 1), D(2025, 8, 1), [(ART, "home_acquired_before_tenancy"),
                                 ("第三十二条", "owned_home_when_tenancy_began")]),
])
def test_check_acquisition(acquired: date, today: date, violations: list[tuple[str, str]]) -> None:
    decision = check_acquisition(acquired, TENANCY, today)
    assert [(f.article, f.code) for f in decision.violations] == violations
    assert decision.ok is (not violations)
    assert all(f.field == "acquired_on" for f in decision.findings)


@pytest.mark.parametrize(("new_end", "ok"), [
    (D(2027, 1, 14), True),     # 12 months past the end of the transition (2026-01-14)
    (D(2027, 1, 15), False),    # one day more
    (D(9999, 12, 31), False),
])
def test_an_extension_reaches_at_most_the_transition_months_further(new_end: date, ok: bool) -> None:
    decision = check_extension(transition(D(2025, 1, 15), ON), new_end, D(2025, 6, 1))
    assert decision.ok is ok
    if not ok:
        assert [(f.code, f.field) for f in decision.violations] == [("extension_too_long", "new_end")]
        assert "2027-01-14" in decision.violations[0].message
