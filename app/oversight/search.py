"""The auditors' lease search (审计/监督): any lease, whether it broke a rule.

A page is one statement of :mod:`app.oversight.repository` presented by
:mod:`app.oversight.views`. Looking up one person's leases by 身份证 number is itself an
audit event (who looked up whom, PIPL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import service as audit
from app.oversight import repository, views
from app.oversight.repository import LeaseFilter, Sort


def search(session: Session, flt: LeaseFilter, *, sort: Sort, cursor: str | None,
           limit: int) -> dict[str, Any]:
    """One keyset page of matching leases, ``{items, next_cursor}``."""
    return views.page_view(*repository.lease_rows(session, flt, sort=sort, cursor=cursor,
                                                  limit=limit))


def record_person_search(session: Session, user: User, flt: LeaseFilter, rows: int) -> None:
    """Looking up one person's leases by 身份证 number is itself an audit event (who looked up
    whom, PIPL): the person's account is the event's entity when they are registered; the
    number is never written, only that a person was searched."""
    assert flt.tenant_id_number
    person = repository.person_id(session, flt.tenant_id_number)
    audit.record(session, actor=user, action="audit.leases_searched_by_person",
                 entity_type="user" if person is not None else "person",
                 entity_id=person if person is not None else "unregistered",
                 summary={"filters": flt.summary(), "rows": rows})
