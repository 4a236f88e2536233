"""after certification: units, listing, rents, subsidies, benefits, transfers, exits

Units (房源) with their listing verification codes; completion, listing and operation
dates on the project; appraisals and rent standards (第三十七条); subsidies (第十二条);
the benefits register (第十四–十六条); operator transfers (第四十五条); exit requests and
their outgoing notifications (第四十三、四十四条).

Revision ID: 10227cfa507f
Revises: 7dfbd2ce0821
Create Date: 2026-11-29 03:20:36.467357
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '10227cfa507f'
down_revision: str | None = '7dfbd2ce0821'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('appraisal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('appraiser', sa.String(length=200), nullable=False),
    sa.Column('report_no', sa.String(length=100), nullable=False),
    sa.Column('appraised_on', sa.Date(), nullable=False),
    sa.Column('market_rent_per_m2', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('per_unit_type', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_appraisal_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_appraisal_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal'))
    )
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_project_id'), ['project_id'], unique=False)

    op.create_table('exit_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('notice_from', sa.Date(), nullable=False),
    sa.Column('notice_to', sa.Date(), nullable=False),
    sa.Column('objections', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_comment', sa.Text(), nullable=True),
    sa.Column('document_no', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_exit_request_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_exit_request_project_id_project')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_exit_request_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exit_request')),
    sa.UniqueConstraint('document_no', name=op.f('uq_exit_request_document_no'))
    )
    with op.batch_alter_table('exit_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exit_request_project_id'), ['project_id'], unique=False)

    op.create_table('operator_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_organization_id', sa.Integer(), nullable=False),
    sa.Column('to_organization_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('transferred_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_organization_id'], ['organization.id'], name=op.f('fk_operator_transfer_from_organization_id_organization')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_operator_transfer_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_operator_transfer_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['to_organization_id'], ['organization.id'], name=op.f('fk_operator_transfer_to_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_transfer'))
    )
    with op.batch_alter_table('operator_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_transfer_project_id'), ['project_id'], unique=False)

    op.create_table('outgoing_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('document_no', sa.String(length=40), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_outgoing_notification_department_id_department')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_outgoing_notification_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_notification'))
    )
    with op.batch_alter_table('outgoing_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_notification_project_id'), ['project_id'], unique=False)

    op.create_table('project_benefit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('article', sa.String(length=40), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_benefit_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_benefit')),
    sa.UniqueConstraint('project_id', 'code', name=op.f('uq_project_benefit_project_id_code'))
    )
    with op.batch_alter_table('project_benefit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_benefit_project_id'), ['project_id'], unique=False)

    op.create_table('subsidy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('amount_yuan', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('refund_due_yuan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('refund_reason', sa.Text(), nullable=True),
    sa.Column('refund_recorded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], name=op.f('fk_subsidy_granted_by_id_user_account')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['user_account.id'], name=op.f('fk_subsidy_paid_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_subsidy_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy'))
    )
    with op.batch_alter_table('subsidy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_project_id'), ['project_id'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('building', sa.String(length=40), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('building_area_m2', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit_type', sa.String(length=50), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('verification_code', sa.String(length=16), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_unit_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('project_id', 'building', 'number', name=op.f('uq_unit_project_id_building_number')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_unit_verification_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_project_id'), ['project_id'], unique=False)

    op.create_table('rent_standard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('appraisal_id', sa.Integer(), nullable=False),
    sa.Column('rates', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('filing_no', sa.String(length=100), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appraisal_id'], ['appraisal.id'], name=op.f('fk_rent_standard_appraisal_id_appraisal')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['user_account.id'], name=op.f('fk_rent_standard_filed_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_rent_standard_project_id_project')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_rent_standard_proposed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rent_standard'))
    )
    with op.batch_alter_table('rent_standard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rent_standard_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('listed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('listing_verified_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('operation_started_on', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('operation_started_on')
        batch_op.drop_column('listing_verified_on')
        batch_op.drop_column('listed_on')
        batch_op.drop_column('completed_on')

    with op.batch_alter_table('rent_standard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rent_standard_project_id'))

    op.drop_table('rent_standard')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_project_id'))

    op.drop_table('unit')
    with op.batch_alter_table('subsidy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_project_id'))

    op.drop_table('subsidy')
    with op.batch_alter_table('project_benefit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_benefit_project_id'))

    op.drop_table('project_benefit')
    with op.batch_alter_table('outgoing_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_notification_project_id'))

    op.drop_table('outgoing_notification')
    with op.batch_alter_table('operator_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_transfer_project_id'))

    op.drop_table('operator_transfer')
    with op.batch_alter_table('exit_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exit_request_project_id'))

    op.drop_table('exit_request')
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_project_id'))

    op.drop_table('appraisal')
