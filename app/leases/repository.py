"""Reads of the leases domain that other steps need."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import clock
from app.leases.models import ACTIVE, Lease, LeaseOccupant


def has_active_lease(session: Session, person_id: int) -> bool:
    """Whether the person holds, or occupies under an employer, a lease still running."""
    today = clock.today()
    own = select(Lease.id).where(Lease.tenant_id == person_id, Lease.status.in_(ACTIVE),
                                 Lease.ends_on >= today)
    placed = select(LeaseOccupant.id).join(Lease, Lease.id == LeaseOccupant.lease_id).where(
        LeaseOccupant.tenant_id == person_id, LeaseOccupant.moved_out_on.is_(None),
        Lease.status.in_(ACTIVE))
    return bool(session.scalar(select(own.exists())) or session.scalar(select(placed.exists())))
