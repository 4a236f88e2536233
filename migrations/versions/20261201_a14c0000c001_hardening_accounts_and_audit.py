"""hardening: accounts and the audit chain (issue 14)

Revision ID: a14c0000c001
Revises: 71ea50b3f8f8
Create Date: 2026-12-01 03:10:00
"""

from collections.abc import Sequence

revision: str = 'a14c0000c001'
down_revision: str | None = '71ea50b3f8f8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
