"""Presenters of job runs for the admin page."""

from __future__ import annotations

from typing import Any

from app.jobs.enums import RunOutcome, RunTrigger
from app.jobs.models import JobRun


def run_view(run: JobRun) -> dict[str, Any]:
    return {"id": run.id, "job": run.job, "occurrence": run.occurrence,
            "trigger": RunTrigger(run.trigger).label,
            "outcome": run.outcome, "outcome_label": RunOutcome(run.outcome).label,
            "started_at": run.started_at, "finished_at": run.finished_at, "rows": run.rows,
            "error": last_line(run.error)}


def last_line(text: str | None) -> str | None:
    """The last line of a traceback: the exception and its message."""
    lines = (text or "").strip().splitlines()
    return lines[-1] if lines else None
