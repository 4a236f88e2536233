from datetime import date, timedelta

import pytest

from rules.dates import add_months, add_years, months_between

D = date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2024, 1, 15), 1, D(2024, 2, 15)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),     # leap year: clamped to 29 February
    (D(2023, 1, 31), 1, D(2023, 2, 28)),     # common year: clamped to 28 February
    (D(2024, 3, 31), 1, D(2024, 4, 30)),
    (D(2024, 1, 31), 2, D(2024, 3, 31)),     # no carry-over of the clamp
    (D(2024, 11, 30), 3, D(2025, 2, 28)),    # across a year end
    (D(2024, 12, 31), 1, D(2025, 1, 31)),
    (D(2024, 5, 6), 0, D(2024, 5, 6)),
    (D(2024, 3, 31), -1, D(2024, 2, 29)),    # negative months clamp too
    (D(2025, 1, 15), -1, D(2024, 12, 15)),
    (D(2025, 3, 1), -14, D(2024, 1, 1)),
    (D(2022, 5, 6), 60, D(2027, 5, 6)),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("day", "years", "expected"), [
    (D(2024, 2, 29), 2, D(2026, 2, 28)),
    (D(2024, 2, 29), 4, D(2028, 2, 29)),
    (D(2024, 2, 29), -1, D(2023, 2, 28)),
    (D(2018, 3, 1), 8, D(2026, 3, 1)),
    (D(2022, 6, 1), 2, D(2024, 6, 1)),
    (D(2023, 2, 28), 1, D(2024, 2, 28)),     # 28 February stays 28 February in a leap year
])
def test_add_years(day: date, years: int, expected: date) -> None:
    assert add_years(day, years) == expected


@pytest.mark.parametrize(("start", "end", "months"), [
    (D(2025, 1, 15), D(2025, 7, 14), 5),
    (D(2025, 1, 15), D(2025, 7, 15), 6),
    (D(2025, 1, 15), D(2025, 1, 15), 0),
    (D(2025, 1, 15), D(2025, 2, 14), 0),
    (D(2025, 1, 15), D(2025, 2, 15), 1),
    (D(2025, 1, 31), D(2025, 2, 27), 0),
    (D(2025, 1, 31), D(2025, 2, 28), 1),     # add_months(1/31, 1) is 2/28
    (D(2024, 1, 31), D(2024, 2, 28), 0),
    (D(2024, 1, 31), D(2024, 2, 29), 1),
    (D(2024, 12, 20), D(2025, 1, 19), 0),
    (D(2024, 12, 20), D(2026, 12, 20), 24),
    # End before start: negative, the mirror of the forward count.
    (D(2025, 7, 15), D(2025, 1, 15), -6),
    (D(2025, 7, 14), D(2025, 1, 15), -5),
    (D(2025, 2, 28), D(2025, 1, 31), -1),
])
def test_months_between(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months
    assert months_between(end, start) == -months


def test_months_between_inverts_add_months() -> None:
    start = D(2023, 1, 1)
    for offset in range(0, 800, 7):
        day = start + timedelta(days=offset)
        for n in (0, 1, 6, 11, 12, 25):
            later = add_months(day, n)
            assert months_between(day, later) == n
            # One day short of n months is n − 1 whole months (0 when n is 0: the mirror of one day).
            assert months_between(day, later - timedelta(days=1)) == max(n - 1, 0)


def test_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError):
        add_months(D(9999, 12, 1), 1)
    with pytest.raises(ValueError):
        add_years(D(1, 1, 1), -1)
