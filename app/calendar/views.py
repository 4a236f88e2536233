"""Presenters of the calendar domain: a year as the API (``YearRead``) and the pages show it."""

from __future__ import annotations

from typing import Any

from app.calendar.enums import YearSource
from rules.calendar import YearCalendar


def year_view(cal: YearCalendar) -> dict[str, Any]:
    """A year's holidays and make-up working days, sorted, with where they came from."""
    return {"year": cal.year, "notice": cal.notice, "source": cal.source,
            "source_label": YearSource.label_of(cal.source),
            "holidays": sorted(cal.holidays), "makeup_workdays": sorted(cal.makeup_workdays),
            "working_days": len(cal.working_ordinals)}
