"""upkeep: repair requests, safety inspections, emergency plans (issue 17)

Revision ID: a17a0000a001
Revises: a14b0000b001
Create Date: 2026-12-01 03:20:00
"""

from collections.abc import Sequence

revision: str = 'a17a0000a001'
down_revision: str | None = 'a14b0000b001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
