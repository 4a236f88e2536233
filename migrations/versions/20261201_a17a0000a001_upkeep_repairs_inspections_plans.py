"""upkeep: repair requests, safety inspections, emergency plans (issue 17)

Repair requests with their history, photos and charges (第三十九条); the operator's
fire-safety checks, 市住建局's inspections, emergency plans (第四十条) and the quality and
safety supervision at completion acceptance (第二十八条). Files live outside the database
(BAOZU_MEDIA_DIR): the rows keep their relative path and SHA-256.

Revision ID: a17a0000a001
Revises: a14b0000b001
Create Date: 2026-12-01 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a17a0000a001'
down_revision: str | None = 'a14b0000b001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'repair_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('lease_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=24), nullable=False),
        sa.Column('urgency', sa.String(length=10), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reported_at', TIMESTAMP, nullable=False),
        sa.Column('accept_by', TIMESTAMP, nullable=False),
        sa.Column('complete_by', TIMESTAMP, nullable=False),
        sa.Column('accepted_at', TIMESTAMP, nullable=True),
        sa.Column('assigned_to', sa.String(length=100), nullable=True),
        sa.Column('assigned_at', TIMESTAMP, nullable=True),
        sa.Column('completed_at', TIMESTAMP, nullable=True),
        sa.Column('completion_note', sa.Text(), nullable=True),
        sa.Column('confirm_by', TIMESTAMP, nullable=True),
        sa.Column('confirmed_at', TIMESTAMP, nullable=True),
        sa.Column('confirmed_by_tenant', sa.Boolean(), nullable=True),
        sa.Column('reopen_count', sa.Integer(), nullable=False),
        sa.Column('withdrawn_at', TIMESTAMP, nullable=True),
        sa.Column('updated_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['lease_id'], ['lease.id'], name=op.f('fk_repair_request_lease_id_lease')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_repair_request_project_id_project')),
        sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], name=op.f('fk_repair_request_reporter_id_user_account')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_repair_request_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_request')),
    )
    op.create_index('ix_repair_request_complete_by_id', 'repair_request', ['complete_by', 'id'])
    op.create_index(op.f('ix_repair_request_lease_id'), 'repair_request', ['lease_id'])
    op.create_index('ix_repair_request_project_status', 'repair_request', ['project_id', 'status'])
    op.create_index(op.f('ix_repair_request_reporter_id'), 'repair_request', ['reporter_id'])
    op.create_index(op.f('ix_repair_request_unit_id'), 'repair_request', ['unit_id'])

    op.create_table(
        'repair_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('repair_id', sa.Integer(), nullable=False),
        sa.Column('at', TIMESTAMP, nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('actor_role', sa.String(length=20), nullable=False),
        sa.Column('actor_unit', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=24), nullable=False),
        sa.Column('from_status', sa.String(length=16), nullable=True),
        sa.Column('to_status', sa.String(length=16), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_repair_event_actor_id_user_account')),
        sa.ForeignKeyConstraint(['repair_id'], ['repair_request.id'], name=op.f('fk_repair_event_repair_id_repair_request')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_event')),
    )
    op.create_index(op.f('ix_repair_event_repair_id'), 'repair_event', ['repair_id'])

    op.create_table(
        'repair_charge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('repair_id', sa.Integer(), nullable=False),
        sa.Column('amount_yuan', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=False),
        sa.Column('proposed_at', TIMESTAMP, nullable=False),
        sa.Column('response', sa.Text(), nullable=True),
        sa.Column('responded_at', TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_repair_charge_proposed_by_id_user_account')),
        sa.ForeignKeyConstraint(['repair_id'], ['repair_request.id'], name=op.f('fk_repair_charge_repair_id_repair_request')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_charge')),
    )
    op.create_index(op.f('ix_repair_charge_repair_id'), 'repair_charge', ['repair_id'])

    op.create_table(
        'fire_safety_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('checked_on', sa.Date(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_fire_safety_check_project_id_project')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_fire_safety_check_recorded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fire_safety_check')),
    )
    op.create_index('ix_fire_safety_check_project_checked', 'fire_safety_check', ['project_id', 'checked_on'])

    op.create_table(
        'safety_inspection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('inspector_id', sa.Integer(), nullable=False),
        sa.Column('inspected_on', sa.Date(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('result', sa.String(length=10), nullable=False),
        sa.Column('rectify_by', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('rectified_on', sa.Date(), nullable=True),
        sa.Column('rectification', sa.Text(), nullable=True),
        sa.Column('rectified_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_safety_inspection_department_id_department')),
        sa.ForeignKeyConstraint(['inspector_id'], ['user_account.id'], name=op.f('fk_safety_inspection_inspector_id_user_account')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_safety_inspection_project_id_project')),
        sa.ForeignKeyConstraint(['rectified_by_id'], ['user_account.id'], name=op.f('fk_safety_inspection_rectified_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_inspection')),
    )
    op.create_index(op.f('ix_safety_inspection_project_id'), 'safety_inspection', ['project_id'])
    op.create_index('ix_safety_inspection_status_rectify_by', 'safety_inspection', ['status', 'rectify_by'])

    op.create_table(
        'upkeep_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('repair_id', sa.Integer(), nullable=True),
        sa.Column('safety_check_id', sa.Integer(), nullable=True),
        sa.Column('inspection_id', sa.Integer(), nullable=True),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            '(CASE WHEN repair_id IS NULL THEN 0 ELSE 1 END) + '
            '(CASE WHEN safety_check_id IS NULL THEN 0 ELSE 1 END) + '
            '(CASE WHEN inspection_id IS NULL THEN 0 ELSE 1 END) = 1',
            name=op.f('ck_upkeep_photo_one_owner')),
        sa.ForeignKeyConstraint(['inspection_id'], ['safety_inspection.id'], name=op.f('fk_upkeep_photo_inspection_id_safety_inspection')),
        sa.ForeignKeyConstraint(['repair_id'], ['repair_request.id'], name=op.f('fk_upkeep_photo_repair_id_repair_request')),
        sa.ForeignKeyConstraint(['safety_check_id'], ['fire_safety_check.id'], name=op.f('fk_upkeep_photo_safety_check_id_fire_safety_check')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_upkeep_photo_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_upkeep_photo')),
        sa.UniqueConstraint('path', name=op.f('uq_upkeep_photo_path')),
    )
    op.create_index(op.f('ix_upkeep_photo_inspection_id'), 'upkeep_photo', ['inspection_id'])
    op.create_index(op.f('ix_upkeep_photo_repair_id'), 'upkeep_photo', ['repair_id'])
    op.create_index(op.f('ix_upkeep_photo_safety_check_id'), 'upkeep_photo', ['safety_check_id'])

    op.create_table(
        'emergency_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('filed_on', sa.Date(), nullable=False),
        sa.Column('review_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=False),
        sa.Column('filed_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['filed_by_id'], ['user_account.id'], name=op.f('fk_emergency_plan_filed_by_id_user_account')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_emergency_plan_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_plan')),
        sa.UniqueConstraint('path', name=op.f('uq_emergency_plan_path')),
    )
    op.create_index('ix_emergency_plan_project_kind_status', 'emergency_plan', ['project_id', 'kind', 'status'])

    op.create_table(
        'quality_supervision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('supervised_on', sa.Date(), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('codes', sa.JSON(), nullable=False),
        sa.Column('structure_safe', sa.Boolean(), nullable=False),
        sa.Column('fire_safe', sa.Boolean(), nullable=False),
        sa.Column('result', sa.String(length=10), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_quality_supervision_department_id_department')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_quality_supervision_project_id_project')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_quality_supervision_recorded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_supervision')),
    )
    op.create_index(op.f('ix_quality_supervision_project_id'), 'quality_supervision', ['project_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_quality_supervision_project_id'), table_name='quality_supervision')
    op.drop_table('quality_supervision')
    op.drop_index('ix_emergency_plan_project_kind_status', table_name='emergency_plan')
    op.drop_table('emergency_plan')
    op.drop_index(op.f('ix_upkeep_photo_safety_check_id'), table_name='upkeep_photo')
    op.drop_index(op.f('ix_upkeep_photo_repair_id'), table_name='upkeep_photo')
    op.drop_index(op.f('ix_upkeep_photo_inspection_id'), table_name='upkeep_photo')
    op.drop_table('upkeep_photo')
    op.drop_index('ix_safety_inspection_status_rectify_by', table_name='safety_inspection')
    op.drop_index(op.f('ix_safety_inspection_project_id'), table_name='safety_inspection')
    op.drop_table('safety_inspection')
    op.drop_index('ix_fire_safety_check_project_checked', table_name='fire_safety_check')
    op.drop_table('fire_safety_check')
    op.drop_index(op.f('ix_repair_charge_repair_id'), table_name='repair_charge')
    op.drop_table('repair_charge')
    op.drop_index(op.f('ix_repair_event_repair_id'), table_name='repair_event')
    op.drop_table('repair_event')
    op.drop_index(op.f('ix_repair_request_unit_id'), table_name='repair_request')
    op.drop_index(op.f('ix_repair_request_reporter_id'), table_name='repair_request')
    op.drop_index('ix_repair_request_project_status', table_name='repair_request')
    op.drop_index(op.f('ix_repair_request_lease_id'), table_name='repair_request')
    op.drop_index('ix_repair_request_complete_by_id', table_name='repair_request')
    op.drop_table('repair_request')
