"""Every ORM model, imported so the metadata is complete (Alembic, tests of migrations)."""

from app.access.models import AccessCredential, AccessDevice, AccessEvent, AccessSignal
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
    ProjectMaterial,
    ReviewDispatch,
    ReviewMeeting,
)
from app.audit.models import AuditChainHead, AuditEvent
from app.calendar.models import CalendarYear
from app.contracts.models import ContractTemplate, LeaseContract, LeaseProof
from app.core.db import Base
from app.jobs.models import JobRun
from app.leases.models import Lease, LeaseOccupant, Violation
from app.notices.models import Notice, NoticeDelivery, NoticePreference
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
from app.planning.models import Fund, FundEntry, Plan, PlanLine, PlanLineProject, StatisticsReport
from app.reminders.models import Reminder
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
    "AccessCredential",
    "AccessDevice",
    "AccessEvent",
    "AccessSignal",
    "Appraisal",
    "AuditChainHead",
    "AuditEvent",
    "CalendarYear",
    "Certificate",
    "ContractTemplate",
    "Department",
    "DocumentSequence",
    "EmergencyPlan",
    "ExitRequest",
    "FireSafetyCheck",
    "Fund",
    "FundEntry",
    "JobRun",
    "LeaderDecision",
    "Lease",
    "LeaseContract",
    "LeaseOccupant",
    "LeaseProof",
    "Lottery",
    "MaterialRequest",
    "NonconformityNotice",
    "Notice",
    "NoticeDelivery",
    "NoticePreference",
    "OperatorTransfer",
    "Organization",
    "OutgoingNotification",
    "Plan",
    "PlanLine",
    "PlanLineProject",
    "PolicyChange",
    "PriorityGroup",
    "Project",
    "ProjectBenefit",
    "ProjectEvent",
    "ProjectMaterial",
    "PropertyRecord",
    "PublicRentalRecord",
    "QualitySupervision",
    "RegistryImport",
    "Reminder",
    "RentStandard",
    "RepairCharge",
    "RepairEvent",
    "RepairRequest",
    "ReviewDispatch",
    "ReviewMeeting",
    "SafetyInspection",
    "StatisticsReport",
    "Subsidy",
    "TenantApplication",
    "TenantCommitment",
    "TenantProfile",
    "Unit",
    "UpkeepPhoto",
    "User",
    "Violation",
    "metadata",
]
