"""What the reminders API returns."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class ReminderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    object_type: str
    object_id: int
    deadline: date
    recipient_id: int
    notice_id: int
    sent_on: date
    created_at: datetime


class LeadTimeRead(BaseModel):
    kind: str
    label: str
    article: str
    parameter: str | None
    lead: int | None
    mandatory: bool


class LeadTimesRead(BaseModel):
    """Every kind of reminder (a fixed, short list: not paged)."""

    kinds: list[LeadTimeRead]
