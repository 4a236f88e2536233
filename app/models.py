"""Every ORM model, imported so the metadata is complete (Alembic, tests of migrations)."""

from app.audit.models import AuditChainHead, AuditEvent
from app.auth.models import Department, Organization, User
from app.calendar.models import CalendarYear
from app.db import Base
from app.projects.models import (
    Certificate,
    DocumentSequence,
    LeaderDecision,
    MaterialRequest,
    NonconformityNotice,
    Project,
    ProjectEvent,
    ReviewDispatch,
    ReviewMeeting,
)

metadata = Base.metadata

__all__ = [
    "AuditChainHead", "AuditEvent", "CalendarYear", "Certificate", "Department", "DocumentSequence",
    "LeaderDecision", "MaterialRequest", "NonconformityNotice", "Organization", "Project",
    "ProjectEvent", "ReviewDispatch", "ReviewMeeting", "User", "metadata",
]
