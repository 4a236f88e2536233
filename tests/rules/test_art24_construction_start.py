from datetime import date

import pytest

from rules.art24_construction_start import check_construction_start

D = date


@pytest.mark.parametrize(("started", "certified", "completed", "code"), [
    (D(2026, 3, 1), D(2026, 3, 1), None, "start_valid"),             # the certificate's day
    (D(2026, 2, 28), D(2026, 3, 1), None, "start_before_certificate"),
    (D(2026, 6, 2), D(2026, 3, 1), None, "start_in_future"),
    (D(2026, 5, 1), D(2026, 3, 1), D(2026, 5, 1), "start_valid"),    # the completion's day
    (D(2026, 5, 2), D(2026, 3, 1), D(2026, 5, 1), "start_after_completion"),
])
def test_construction_start_bounds(started: date, certified: date, completed: date | None, code: str) -> None:
    decision = check_construction_start(started, certified, completed, D(2026, 6, 1))
    assert decision.findings[0].code == code and decision.ok == (code == "start_valid")
