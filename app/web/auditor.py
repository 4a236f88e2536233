"""Pages of the auditor: the audit trail, and a button that verifies its hash chain.

The auditor's lease search with CSV/XLSX exports and the dashboard are built by the audit
work on this layout: the navigation already names them (``auditor_leases``,
``auditor_dashboard`` in ``app/web/nav.py``); see ``app/web/README-pages.md``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from app.audit import service as audit
from app.auth.deps import ReadSessionDep
from app.auth.models import User
from app.auth.roles import Role
from app.web.core import page_router, render, require

router = page_router()
AUDIT_READERS = require(Role.auditor, Role.admin)
PAGE = 50
FILTERS = ("entity_type", "entity_id", "action", "actor")


def _trail(request: Request, session: ReadSessionDep, verification: audit.Verification | None,
           cursor: int | None) -> Response:
    values = {name: (request.query_params.get(name) or "").strip() for name in FILTERS}
    flt = audit.EventFilter(**{k: v or None for k, v in values.items()})
    events = audit.events_page(session, flt, cursor=cursor, limit=PAGE)
    query = urlencode({k: v for k, v in values.items() if v})
    return render(request, "auditor/trail.html", {
        "events": events, "values": values, "verification": verification, "query": query,
        "next_cursor": events[-1].id if len(events) == PAGE else None})


@router.get("/auditor/trail", name="auditor_trail")
def trail(request: Request, session: ReadSessionDep, cursor: int | None = None,
          _: User = AUDIT_READERS) -> Response:
    """Every event, newest first, filtered by entity, action or actor; 50 a page (keyset)."""
    return _trail(request, session, None, cursor)


@router.get("/auditor/verify", name="auditor_verify")
def verify(request: Request, session: ReadSessionDep, _: User = AUDIT_READERS) -> Response:
    """Recompute the whole chain (read only): intact, or the first broken event and why."""
    return _trail(request, session, audit.verify(session), None)
