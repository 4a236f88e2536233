"""What a change of a policy parameter would touch from its date: the office sees the impact
before it decides (issue 15). Read-only; it reads every domain, hence oversight.

Each policy parameter applies to facts of its own kind, always at the fact's date:

* ``prepaid_rent_months_max``, ``lease_term_months_max`` (第四十三条) apply when a lease is
  signed or renewed: approved applications still to be signed, and running leases that end on
  or after the date (their renewal), would be signed under the new value; leases already signed
  stay as they are — those whose prepaid rent is beyond a lower limit are listed for
  information.
* ``renewal_window_days`` (第三十五条): running leases ending in the days where the old and the
  new window differ after the date.
* ``review_due_soon_working_days`` (第二十四条): applications under review, whose "due soon"
  flag is computed with it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from app.approval.enums import IN_QUEUE
from app.approval.models import Project
from app.leases.enums import ACTIVE
from app.leases.models import Lease
from app.operation.models import Unit
from app.tenants.enums import ApplicationStatus
from app.tenants.models import TenantApplication
from rules.params import value_at

SHOWN = 50  # items listed per group (the count is of all)


def _group(session: Session, what: str, stmt: Select[Any]) -> dict[str, Any]:
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = [str(label) for label in session.scalars(stmt.limit(SHOWN))]
    return {"what": what, "count": count, "items": items}


def _lease_label() -> Any:
    return Lease.number + "（" + Project.name + " " + Unit.building + "-" + Unit.number + "）"


def _leases(*where: Any) -> Select[Any]:
    return (select(_lease_label()).select_from(Lease)
            .join(Project, Project.id == Lease.project_id).join(Unit, Unit.id == Lease.unit_id)
            .where(Lease.status.in_([s.value for s in ACTIVE]), *where).order_by(Lease.id))


def _to_sign() -> Select[Any]:
    return (select(Project.name + "：申请 " + cast(TenantApplication.id, String))
            .select_from(TenantApplication).join(Project, Project.id == TenantApplication.project_id)
            .where(TenantApplication.status == ApplicationStatus.approved.value)
            .order_by(TenantApplication.id))


def impact(session: Session, name: str, since: date, value: Any) -> list[dict[str, Any]]:
    """The groups of facts the new ``value`` of ``name`` from ``since`` would apply to."""
    before = value_at(name, since)
    if name in ("prepaid_rent_months_max", "lease_term_months_max"):
        groups = [_group(session, "已审核通过、尚待签约的申请（将按新数值签约）", _to_sign()),
                  _group(session, f"{since.isoformat()} 及以后期满的在租合同（续租时按新数值）",
                         _leases(Lease.end_on >= since))]
        if name == "prepaid_rent_months_max":
            groups.append(_group(session, "预收租金超过新上限的在租合同（签约时合规，不受影响，仅供参考）",
                                 _leases(Lease.prepaid_rent > Lease.monthly_rent * Decimal(value))))
        return groups
    if name == "renewal_window_days":
        near, far = sorted((int(before), int(value)))
        return [_group(session, f"续租申请期由期满前 {before} 日改为 {value} 日而受影响的在租合同"
                                f"（期满日在 {since.isoformat()} 后 {near}–{far} 日之间）",
                       _leases(Lease.end_on > since + timedelta(days=near),
                               Lease.end_on <= since + timedelta(days=far)))]
    if name == "review_due_soon_working_days":
        return [_group(session, "审查中的项目申请（“即将到期”提示按新数值计算）",
                       select(Project.name).where(Project.status.in_([s.value for s in IN_QUEUE]),
                                                  Project.accepted_on.is_not(None))
                       .order_by(Project.id))]
    return []

