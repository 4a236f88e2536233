"""Reads of the city's dated policy changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.parameters.models import PolicyChange


def changes(session: Session) -> list[PolicyChange]:
    """Every change, oldest first (a few a year: the whole list is small)."""
    return list(session.scalars(select(PolicyChange).order_by(PolicyChange.id)))


def version(session: Session) -> tuple[Any, ...]:
    """What changes whenever a change is recorded: how many there are and the newest id."""
    return tuple(session.execute(select(func.count(PolicyChange.id), func.max(PolicyChange.id))).one())
