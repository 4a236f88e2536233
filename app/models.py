"""Every ORM model, imported so the metadata is complete (Alembic, tests of migrations)."""

from app.accounts.models import Department, Organization, User
from app.approval.models import (
    Certificate,
    DocumentSequence,
    LeaderDecision,
    MaterialRequest,
    NonconformityNotice,
    Project,
    ProjectBenefit,
    ProjectEvent,
    ReviewDispatch,
    ReviewMeeting,
)
from app.audit.models import AuditChainHead, AuditEvent
from app.calendar.models import CalendarYear
from app.core.db import Base
from app.leases.models import Lease, LeaseOccupant, Violation
from app.operation.models import (
    Appraisal,
    ExitRequest,
    OperatorTransfer,
    OutgoingNotification,
    RentStandard,
    Subsidy,
    Unit,
)
from app.parameters.models import PolicyChange
from app.tenants.models import (
    Lottery,
    PriorityGroup,
    PropertyRecord,
    PublicRentalRecord,
    RegistryImport,
    TenantApplication,
    TenantCommitment,
    TenantNotice,
    TenantProfile,
)
from app.upkeep.models import (
    EmergencyPlan,
    FireSafetyCheck,
    QualitySupervision,
    RepairCharge,
    RepairEvent,
    RepairRequest,
    SafetyInspection,
    UpkeepPhoto,
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
    "EmergencyPlan",
    "ExitRequest",
    "FireSafetyCheck",
    "LeaderDecision",
    "Lease",
    "LeaseOccupant",
    "Lottery",
    "MaterialRequest",
    "NonconformityNotice",
    "OperatorTransfer",
    "Organization",
    "OutgoingNotification",
    "PolicyChange",
    "PriorityGroup",
    "Project",
    "ProjectBenefit",
    "ProjectEvent",
    "PropertyRecord",
    "PublicRentalRecord",
    "QualitySupervision",
    "RegistryImport",
    "RentStandard",
    "RepairCharge",
    "RepairEvent",
    "RepairRequest",
    "ReviewDispatch",
    "ReviewMeeting",
    "SafetyInspection",
    "Subsidy",
    "TenantApplication",
    "TenantCommitment",
    "TenantNotice",
    "TenantProfile",
    "Unit",
    "UpkeepPhoto",
    "User",
    "Violation",
    "metadata",
]
