"""Calendar arithmetic in months and years that the leasing rules share (第三十五条, 第三十七条, 第四十三条).

第三十五条: “保障性租赁住房租赁期限一般不少于半年”; 第三十七条: “市场租金实行动态管理，原则上每两年调整
一次”; 第四十三条: “存量房屋改建、改造类项目在运营满8年后经市政府批准可退出保障房序列”.

Semantics:

* :func:`add_months` moves to the same day ``months`` months later (or earlier, when negative); a day that
  the target month lacks is clamped to that month's last day: 2024-01-31 + 1 → 2024-02-29,
  2023-01-31 + 1 → 2023-02-28, 2024-03-31 − 1 → 2024-02-29.
* :func:`add_years` is ``add_months(day, 12 × years)``: 2024-02-29 + 2 → 2026-02-28, + 4 → 2028-02-29.
* :func:`months_between` counts whole months from ``start`` to ``end``: the largest n ≥ 0 with
  ``add_months(start, n) <= end``, so 2025-01-15 → 2025-07-14 is 5 and → 2025-07-15 is 6, and
  2025-01-31 → 2025-02-28 is 1 (consistent with the clamping of :func:`add_months`).
  When ``end`` is before ``start`` the result is negative: ``months_between(a, b) == -months_between(b, a)``.
* A result outside the range of :class:`datetime.date` (years 1–9999) raises ValueError.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` months (negative allowed), clamped to the target month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"{day.isoformat()} + {months} 个月超出日期范围")
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` years; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is before ``start``)."""
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months
