"""The one injectable clock: legal dates are days in Asia/Shanghai (design.md, Data)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.config import get_settings


def today() -> date:
    """``BAOZU_TODAY`` when set (demos, tests), otherwise today in the configured timezone."""
    settings = get_settings()
    if settings.today is not None:
        return settings.today
    return datetime.now(ZoneInfo(settings.timezone)).date()


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)
