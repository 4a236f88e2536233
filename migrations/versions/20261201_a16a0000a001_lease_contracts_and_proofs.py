"""lease contracts: templates, signatures, filing proofs (issue 16)

Revision ID: a16a0000a001
Revises: a21a0000a001
Create Date: 2026-12-01 04:10:00
"""

from collections.abc import Sequence

revision: str = 'a16a0000a001'
down_revision: str | None = 'a21a0000a001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
