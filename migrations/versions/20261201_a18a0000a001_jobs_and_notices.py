"""job runs, notices, deliveries, reminders (issue 18)

Revision ID: a18a0000a001
Revises: a16a0000a001
Create Date: 2026-12-01 04:10:00
"""

from collections.abc import Sequence

revision: str = 'a18a0000a001'
down_revision: str | None = 'a16a0000a001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
