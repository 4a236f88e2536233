"""Response shapes of the audit API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor: str
    role: str
    action: str
    entity_type: str
    entity_id: str
    summary: dict[str, Any]
    prev_hash: str
    hash: str


class AuditEventPage(BaseModel):
    items: list[AuditEventRead]
    next_cursor: int | None


class VerificationRead(BaseModel):
    ok: bool
    events_checked: int
    last_id: int
    last_hash: str
    broken_id: int | None
    reason: str | None
