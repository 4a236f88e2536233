"""Presenters of the accounts domain: what the API's schemas and the pages are built from."""

from __future__ import annotations

from app.accounts.enums import Role
from app.accounts.models import User
from app.core.personal_data import decrypt_id_number
from rules.identifiers import mask_id_number


def user_view(user: User, *, full: bool = False) -> dict[str, object]:
    """The dict a ``UserRead`` (or, for the person themself, ``MeRead``) is built from."""
    id_number = decrypt_id_number(user.id_number_enc) if user.id_number_enc else None
    view: dict[str, object] = {
        "id": user.id, "username": user.username, "role": user.role,
        "role_label": Role(user.role).label, "full_name": user.full_name,
        "organization": user.organization, "department": user.department,
        "id_number_masked": mask_id_number(id_number) if id_number else None,
        "is_active": user.is_active,
    }
    if full:
        view |= {"id_number": id_number, "phone": user.phone}
    return view
