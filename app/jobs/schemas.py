"""What the job API reads and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class JobRead(BaseModel):
    """A declared job: its name, title and cron schedule (Asia/Shanghai)."""

    name: str
    title: str
    schedule: str
    last_run: JobRunRead | None = None


class JobRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    job: str
    occurrence: datetime
    trigger: str
    outcome: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rows: int | None
    error: str | None


class JobsRead(BaseModel):
    """Every declared job (a fixed, short list: not paged)."""

    jobs: list[JobRead]


JobRead.model_rebuild()
