"""policy changes: the city's dated changes of its policy parameters

One row per decision of the city changing one of its policy settings (policy = true in
rules/parameters.toml) from a date on; nothing is edited or deleted.

Revision ID: 71ea50b3f8f8
Revises: 7c7d5effeb49
Create Date: 2026-12-01 02:49:49.415846
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '71ea50b3f8f8'
down_revision: str | None = '7c7d5effeb49'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('policy_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_policy_change_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_change'))
    )
    with op.batch_alter_table('policy_change', schema=None) as batch_op:
        batch_op.create_index('ix_policy_change_name_since', ['name', 'since'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('policy_change', schema=None) as batch_op:
        batch_op.drop_index('ix_policy_change_name_since')

    op.drop_table('policy_change')
