"""auditor lease search: market rent on leases and keyset indexes

Leases keep the appraised market rent behind their filed standard (existing rows are filled
from their standard's appraisal), and get the indexes the auditors' keyset pages need.

Revision ID: b89bbb2c8bd6
Revises: b77e0c93d549
Create Date: 2026-11-29 04:29:05.073330
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b89bbb2c8bd6'
down_revision: str | None = 'b77e0c93d549'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.add_column(sa.Column('market_rent_per_m2', sa.Numeric(precision=10, scale=2), nullable=True))
    op.execute("UPDATE lease SET market_rent_per_m2 = (SELECT a.market_rent_per_m2 FROM rent_standard s "
               "JOIN appraisal a ON a.id = s.appraisal_id WHERE s.id = lease.rent_standard_id)")
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.alter_column('market_rent_per_m2', existing_type=sa.Numeric(precision=10, scale=2),
                              nullable=False)
        batch_op.create_index('ix_lease_ends_on', ['ends_on'], unique=False)
        batch_op.create_index('ix_lease_operator_start', ['operator_organization_id', 'start_on', 'id'], unique=False)
        batch_op.create_index('ix_lease_rent_id', ['monthly_rent', 'id'], unique=False)
        batch_op.create_index('ix_lease_start_id', ['start_on', 'id'], unique=False)
        batch_op.create_index('ix_lease_status_start', ['status', 'start_on', 'id'], unique=False)
        batch_op.create_index('ix_lease_running_start', ['start_on', 'id'], unique=False,
                              postgresql_where=sa.text("status IN ('active', 'in_transition')"),
                              sqlite_where=sa.text("status IN ('active', 'in_transition')"))



def downgrade() -> None:
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.drop_index('ix_lease_running_start', postgresql_where=sa.text("status IN ('active', 'in_transition')"),
                            sqlite_where=sa.text("status IN ('active', 'in_transition')"))
        batch_op.drop_index('ix_lease_status_start')
        batch_op.drop_index('ix_lease_start_id')
        batch_op.drop_index('ix_lease_rent_id')
        batch_op.drop_index('ix_lease_operator_start')
        batch_op.drop_index('ix_lease_ends_on')
        batch_op.drop_column('market_rent_per_m2')

