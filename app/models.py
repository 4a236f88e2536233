"""Every ORM model, imported so the metadata is complete (Alembic, tests of migrations)."""

from app.audit.models import AuditChainHead, AuditEvent
from app.auth.models import Department, Organization, User
from app.calendar.models import CalendarYear
from app.db import Base
from app.leases.models import Lease, LeaseOccupant, TenantNotice, Violation
from app.projects.models import (
    Appraisal,
    Certificate,
    DocumentSequence,
    ExitRequest,
    LeaderDecision,
    MaterialRequest,
    NonconformityNotice,
    OperatorTransfer,
    OutgoingNotification,
    Project,
    ProjectBenefit,
    ProjectEvent,
    RentStandard,
    ReviewDispatch,
    ReviewMeeting,
    Subsidy,
    Unit,
)
from app.tenants.models import (
    Lottery,
    PriorityGroup,
    PropertyRecord,
    PublicRentalRecord,
    RegistryImport,
    TenantApplication,
    TenantCommitment,
    TenantProfile,
)

metadata = Base.metadata

__all__ = [
    "Appraisal",
    "AuditChainHead",
    "AuditEvent",
    "CalendarYear",
    "Certificate",
    "Department",
    "DocumentSequence",
    "ExitRequest",
    "LeaderDecision",
    "Lease",
    "LeaseOccupant",
    "Lottery",
    "MaterialRequest",
    "NonconformityNotice",
    "OperatorTransfer",
    "Organization",
    "OutgoingNotification",
    "PriorityGroup",
    "Project",
    "ProjectBenefit",
    "ProjectEvent",
    "PropertyRecord",
    "PublicRentalRecord",
    "RegistryImport",
    "RentStandard",
    "ReviewDispatch",
    "ReviewMeeting",
    "Subsidy",
    "TenantApplication",
    "TenantCommitment",
    "TenantNotice",
    "TenantProfile",
    "Unit",
    "User",
    "Violation",
    "metadata",
]
