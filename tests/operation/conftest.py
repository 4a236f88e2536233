"""The operation tests build on the approval fixtures: a certified project needs its review."""

from datetime import date
from typing import Any

from tests.approval.conftest import Cast, cast  # noqa: F401  (a fixture)

# Certified on 2025-06-03 (REVIEW_DAY), operating from that day: 8 full years have passed on
# 2033-06-03, the first day such a project may ask to exit (第四十三条).
EIGHT_YEARS_ON = date(2033, 6, 3)


def eight_years_on(people: Cast, today: Any, day: date = EIGHT_YEARS_ON) -> None:
    """Move the clock to ``day`` (8 years after the test projects' certificates), entering
    that year's holiday calendar as the administrator would once the State Council publishes
    it (a fictional notice: 1–3 January off), so the office's 3-working-day clock can count."""
    year = day.year
    response = people.client.put(f"/api/v1/calendar/{year}", headers=people.as_("admin"), json={
        "notice": f"测试用通知〔{year}〕1号", "holidays": [f"{year}-01-0{d}" for d in (1, 2, 3)],
        "makeup_workdays": []})
    assert response.status_code == 200, response.text
    today(day)
