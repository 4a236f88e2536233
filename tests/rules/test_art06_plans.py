from datetime import date
from decimal import Decimal

import pytest

from rules.art06_plans import elapsed_share, line_progress, share

D = date
START, DUE = D(2026, 1, 1), D(2026, 12, 31)


@pytest.mark.parametrize(("target", "certified", "today", "late", "behind", "code"), [
    (100, 100, D(2027, 1, 5), False, False, "plan_line_on_track"),   # met, after the period
    (100, 99, D(2027, 1, 1), True, False, "plan_line_late"),         # the day after the period
    (100, 99, D(2026, 12, 31), False, False, "plan_line_on_track"),  # the period's last day
    (100, 10, D(2026, 9, 1), False, True, "plan_line_behind"),       # 67% elapsed, 10% certified
    (100, 45, D(2026, 9, 1), False, False, "plan_line_on_track"),    # within the 25% tolerance
    (0, 0, D(2027, 2, 1), False, False, "plan_line_on_track"),       # no target: nothing late
])
def test_late_and_lagging_lines(target: int, certified: int, today: date, late: bool, behind: bool,
                                code: str) -> None:
    state, decision = line_progress(target, certified, START, DUE, today)
    assert (state.late, state.behind) == (late, behind)
    assert decision.findings[0].code == code and decision.findings[0].article == "第六条"
    assert decision.ok == (not late and not behind)


def test_shares() -> None:
    assert share(180, 200) == Decimal("0.9000") and share(1, 0) is None
    assert elapsed_share(START, DUE, D(2025, 12, 1)) == 0 and elapsed_share(START, DUE, D(2027, 1, 1)) == 1
