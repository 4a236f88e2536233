"""Every ORM model, imported so the metadata is complete (Alembic, tests of migrations)."""

from app.audit.models import AuditChainHead, AuditEvent
from app.auth.models import Department, Organization, User
from app.calendar.models import CalendarYear
from app.db import Base

metadata = Base.metadata

__all__ = ["AuditChainHead", "AuditEvent", "CalendarYear", "Department", "Organization", "User",
           "metadata"]
