"""Reads of the accounts domain: the choices of forms (organisations, departments)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Department, Organization


def review_departments(session: Session) -> list[Department]:
    """The departments a plan can be sent to (联合审查: government departments)."""
    return list(session.scalars(select(Department).where(Department.kind == "government")
                                .order_by(Department.id)))


def organizations(session: Session) -> list[Organization]:
    """Every organisation, by name: the choices of a form's organisation field."""
    return list(session.scalars(select(Organization).order_by(Organization.name)))


def organizations_by_id(session: Session) -> list[Organization]:
    """Every organisation in registration order: the choices of the account form."""
    return list(session.scalars(select(Organization).order_by(Organization.id)))


def departments(session: Session) -> list[Department]:
    """The departments of annex 1 (a fixed list): the choices of the account form."""
    return list(session.scalars(select(Department).order_by(Department.id)))
