"""The programme at a glance (issue 6): projects, review timeliness, units, occupancy,
rents against their caps, everything overdue, and upkeep and safety (issue 17)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.approval import review
from app.approval.enums import ProjectStatus
from app.core import clock
from app.operation.repository import late_listings
from app.operation.views import overdue_exits
from app.oversight import repository
from app.planning.progress import year_at_a_glance
from app.upkeep import supervision

# Rent as a share of its cap (area × filed standard): upper bounds of the buckets.
RENT_BUCKETS = (("≤70%", 0.70), ("70–80%", 0.80), ("80–90%", 0.90), ("90–95%", 0.95),
                ("95–100%", 1.00), (">100%", None))


def stats(session: Session, viewer: Any) -> dict[str, Any]:
    today = clock.today()
    by_status = repository.projects_by_status(session)
    unit_counts = repository.units_by_status(session)
    published, leased = unit_counts.get("published", 0), unit_counts.get("leased", 0)

    counts = repository.active_leases_by_rent_share(session, RENT_BUCKETS)
    rent_to_cap = [{"bucket": label, "leases": counts.get(label, 0)} for label, _ in RENT_BUCKETS]

    reappraisals = repository.reappraisals_due(session, today)
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
                    "exit_decisions": overdue_exits(session),
                    "reappraisals": reappraisals},
        "upkeep": supervision.city(session, viewer),
        "planning": year_at_a_glance(session, today.year, today),
    }
