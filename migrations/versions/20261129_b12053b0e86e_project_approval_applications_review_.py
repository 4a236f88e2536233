"""project approval: applications, review, certificates, notices

The annex-2 application with the annex-3 fields, its status history, material requests,
department dispatches and opinions, the review meeting, the leading group's decision, the
gap-free yearly document numbering, certificates and non-conformity notices (第二十四条).

Revision ID: b12053b0e86e
Revises: 13c029fcd190
Create Date: 2026-11-29 03:03:19.632443
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b12053b0e86e'
down_revision: str | None = '13c029fcd190'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_sequence',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year', name=op.f('pk_document_sequence'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('district', sa.String(length=20), nullable=False),
    sa.Column('construction_unit_name', sa.String(length=200), nullable=False),
    sa.Column('construction_unit_uscc', sa.String(length=18), nullable=False),
    sa.Column('operator_unit_name', sa.String(length=200), nullable=False),
    sa.Column('operator_unit_uscc', sa.String(length=18), nullable=False),
    sa.Column('property_certificate_no', sa.String(length=100), nullable=False),
    sa.Column('land_nature', sa.String(length=50), nullable=False),
    sa.Column('land_area_m2', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total_floor_area_m2', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total_investment_yuan', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('construction_method', sa.String(length=32), nullable=False),
    sa.Column('sourcing_channel', sa.String(length=16), nullable=False),
    sa.Column('original_building_type', sa.String(length=32), nullable=True),
    sa.Column('application_granularity', sa.String(length=16), nullable=True),
    sa.Column('industrial_project_land_area_m2', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('supporting_land_area_m2', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('government_invested', sa.Boolean(), nullable=False),
    sa.Column('special_fire_project', sa.Boolean(), nullable=False),
    sa.Column('planned_start_on', sa.Date(), nullable=False),
    sa.Column('planned_in_use_on', sa.Date(), nullable=False),
    sa.Column('affordable_floor_area_m2', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit_count', sa.Integer(), nullable=False),
    sa.Column('unit_types', sa.JSON(), nullable=False),
    sa.Column('supporting_facilities_area_m2', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('supporting_facilities_content', sa.Text(), nullable=False),
    sa.Column('commitment_version', sa.String(length=20), nullable=True),
    sa.Column('commitment_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_project_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_project_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_status'), ['status'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=9), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_certificate_project_id_project')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_certificate_revoked_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('number', name=op.f('uq_certificate_number')),
    sa.UniqueConstraint('project_id', name=op.f('uq_certificate_project_id')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_certificate_year_seq'))
    )
    op.create_table('leader_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('approve', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_leader_decision_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_leader_decision_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_decision')),
    sa.UniqueConstraint('project_id', name=op.f('uq_leader_decision_project_id'))
    )
    op.create_table('material_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('resume_status', sa.String(length=24), nullable=True),
    sa.Column('supplemented_on', sa.Date(), nullable=True),
    sa.Column('supplement_comment', sa.Text(), nullable=True),
    sa.Column('supplemented_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_material_request_project_id_project')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_material_request_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['supplemented_by_id'], ['user_account.id'], name=op.f('fk_material_request_supplemented_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material_request'))
    )
    with op.batch_alter_table('material_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_request_project_id'), ['project_id'], unique=False)

    op.create_table('nonconformity_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_nonconformity_notice_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nonconformity_notice')),
    sa.UniqueConstraint('number', name=op.f('uq_nonconformity_notice_number')),
    sa.UniqueConstraint('project_id', name=op.f('uq_nonconformity_notice_project_id')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_nonconformity_notice_year_seq'))
    )
    op.create_table('project_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('actor_unit', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=True),
    sa.Column('to_status', sa.String(length=24), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_project_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_event_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_event'))
    )
    with op.batch_alter_table('project_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_event_project_id'), ['project_id'], unique=False)

    op.create_table('review_dispatch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('dispatched_on', sa.Date(), nullable=False),
    sa.Column('dispatched_by_id', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.String(length=10), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_review_dispatch_answered_by_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_review_dispatch_department_id_department')),
    sa.ForeignKeyConstraint(['dispatched_by_id'], ['user_account.id'], name=op.f('fk_review_dispatch_dispatched_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_review_dispatch_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_dispatch')),
    sa.UniqueConstraint('project_id', 'department_id', name=op.f('uq_review_dispatch_project_id_department_id'))
    )
    with op.batch_alter_table('review_dispatch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_dispatch_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_dispatch_project_id'), ['project_id'], unique=False)

    op.create_table('review_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_review_meeting_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_review_meeting_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_meeting')),
    sa.UniqueConstraint('project_id', name=op.f('uq_review_meeting_project_id'))
    )


def downgrade() -> None:
    op.drop_table('review_meeting')
    with op.batch_alter_table('review_dispatch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_dispatch_project_id'))
        batch_op.drop_index(batch_op.f('ix_review_dispatch_department_id'))

    op.drop_table('review_dispatch')
    with op.batch_alter_table('project_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_event_project_id'))

    op.drop_table('project_event')
    op.drop_table('nonconformity_notice')
    with op.batch_alter_table('material_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_request_project_id'))

    op.drop_table('material_request')
    op.drop_table('leader_decision')
    op.drop_table('certificate')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_status'))
        batch_op.drop_index(batch_op.f('ix_project_organization_id'))

    op.drop_table('project')
    op.drop_table('document_sequence')
