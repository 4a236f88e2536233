"""The one injectable clock: legal dates are days in Asia/Shanghai (design.md, Data)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.core.config import get_settings


def today() -> date:
    """``BAOZU_TODAY`` when set (demos, tests), otherwise today in the configured timezone."""
    settings = get_settings()
    if settings.today is not None:
        return settings.today
    return datetime.now(ZoneInfo(settings.timezone)).date()


def now() -> datetime:
    """The current instant, timezone-aware (UTC).

    With ``BAOZU_TODAY`` set, the instant keeps today's time of day but falls on that date
    (in the configured timezone), so timestamps and legal dates agree in demos and tests.
    """
    settings = get_settings()
    instant = datetime.now(UTC)
    if settings.today is None:
        return instant
    local = instant.astimezone(ZoneInfo(settings.timezone))
    return datetime.combine(settings.today, local.timetz()).astimezone(UTC)


def local_date(instant: datetime) -> date:
    """The legal date (in the configured timezone) of a stored timestamp."""
    return instant.astimezone(ZoneInfo(get_settings().timezone)).date()
