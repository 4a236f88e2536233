"""login_failure: brute-force counters

Failed logins kept for the brute-force window (ASVS 5.0 V6.3): the attempted username, the
client address and when, indexed for the per-account and per-address counts and for pruning.

Revision ID: 7dfbd2ce0821
Revises: b12053b0e86e
Create Date: 2026-11-29 03:18:07.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7dfbd2ce0821'
down_revision: str | None = 'b12053b0e86e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('login_failure',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('client_address', sa.String(length=64), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_client_address_failed_at', ['client_address', 'failed_at'], unique=False)
        batch_op.create_index('ix_login_failure_failed_at', ['failed_at'], unique=False)
        batch_op.create_index('ix_login_failure_username_failed_at', ['username', 'failed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_username_failed_at')
        batch_op.drop_index('ix_login_failure_failed_at')
        batch_op.drop_index('ix_login_failure_client_address_failed_at')

    op.drop_table('login_failure')
