"""The programme at a glance (issue 6): projects, review timeliness, units, occupancy,
rents against their caps, and everything overdue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.approval import review
from app.approval.models import Project
from app.approval.status import IN_OPERATION, ProjectStatus
from app.core import clock
from app.leases.models import ACTIVE, Lease
from app.operation import exits
from app.operation.models import Appraisal, Unit
from app.operation.units import late_listings
from rules.art36_37_rent import oldest_valid_appraisal

# Rent as a share of its cap (area × filed standard): upper bounds of the buckets.
RENT_BUCKETS = (("≤70%", 0.70), ("70–80%", 0.80), ("80–90%", 0.90), ("90–95%", 0.95),
                ("95–100%", 1.00), (">100%", None))


def stats(session: Session, viewer: Any) -> dict[str, Any]:
    today = clock.today()
    by_status = dict(session.execute(select(Project.status, func.count()).group_by(Project.status)).all())
    unit_counts = dict(session.execute(select(Unit.status, func.count()).group_by(Unit.status)).all())
    published, leased = unit_counts.get("published", 0), unit_counts.get("leased", 0)

    share = Lease.monthly_rent / (Lease.building_area_m2 * Lease.rate_per_m2)
    bucket = case(*[(share <= bound, label) for label, bound in RENT_BUCKETS if bound is not None],
                  else_=RENT_BUCKETS[-1][0])
    counts = dict(session.execute(select(bucket, func.count()).where(Lease.status.in_(ACTIVE))
                                  .group_by(bucket)).all())
    rent_to_cap = [{"bucket": label, "leases": counts.get(label, 0)} for label, _ in RENT_BUCKETS]

    latest = (select(Appraisal.project_id, func.max(Appraisal.appraised_on).label("on"))
              .group_by(Appraisal.project_id).subquery())
    reappraisals = session.scalar(
        select(func.count(Project.id)).outerjoin(latest, latest.c.project_id == Project.id)
        .where(Project.status.in_([s.value for s in IN_OPERATION]),
               (latest.c.on.is_(None)) | (latest.c.on < oldest_valid_appraisal(today)))) or 0
    listings = late_listings(session, viewer)
    review_stats = review.stats(session)
    return {
        "on": today,
        "projects_by_status": {ProjectStatus(k).label: v for k, v in sorted(by_status.items())},
        "review": review_stats,
        "units": {"total": sum(unit_counts.values()), "published": published, "leased": leased,
                  "occupancy": round(leased / (published + leased), 4) if published + leased else None},
        "rent_to_cap": rent_to_cap,
        "overdue": {"reviews": review_stats["open_overdue"], "listings": listings,
                    "exit_decisions": exits.overdue_pending(session),
                    "reappraisals": reappraisals},
    }
