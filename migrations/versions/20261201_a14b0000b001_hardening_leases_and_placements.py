"""hardening: leases and staff placements (issue 14)

Revision ID: a14b0000b001
Revises: a14c0000c001
Create Date: 2026-12-01 03:10:01
"""

from collections.abc import Sequence

revision: str = 'a14b0000b001'
down_revision: str | None = 'a14c0000c001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
