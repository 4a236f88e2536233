"""usability: consulted departments chosen by the office, application materials (issue 21)

The departments the office sends a plan to, and how it changed the proposal, are kept in the
existing project history and audit trail (no table). The 附件5 materials the developer uploads
are files under BAOZU_MEDIA_DIR: ``project_material`` keeps each one's path and SHA-256; a newer
upload of the same item supersedes the older (nothing is deleted).

Revision ID: a21a0000a001
Revises: a17a0000a001
Create Date: 2026-12-01 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a21a0000a001'
down_revision: str | None = 'a17a0000a001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'project_material',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=60), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', TIMESTAMP, nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('superseded_at', TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_project_material_project_id_project')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'],
                                name=op.f('fk_project_material_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_material')),
        sa.UniqueConstraint('path', name=op.f('uq_project_material_path')),
    )
    op.create_index('ix_project_material_project_code', 'project_material', ['project_id', 'code'])


def downgrade() -> None:
    op.drop_index('ix_project_material_project_code', table_name='project_material')
    op.drop_table('project_material')
