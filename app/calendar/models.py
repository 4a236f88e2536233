"""Years an administrator entered from a State Council notice (they override the package)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class CalendarYear(Base):
    """One year's holidays and make-up working days as ISO dates, with the notice cited."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    makeup_workdays: Mapped[list[str]] = mapped_column(JSON)
    notice: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
