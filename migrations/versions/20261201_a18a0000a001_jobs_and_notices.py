"""job runs, notices, deliveries, reminders (issue 18)

The tenants' notices (``tenant_notice``) move into the notice centre (``notice``): every row
is copied with its kind, message and time, its title the kind's label; then the old table goes.
Downgrade copies the tenants' kinds back.

Revision ID: a18a0000a001
Revises: a16a0000a001
Create Date: 2026-12-01 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a18a0000a001'
down_revision: str | None = 'a16a0000a001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# app.tenants.enums.NoticeKind as it was when the notices moved (labels become titles)
TENANT_KINDS = {
    "application_decided": "申请审核结果",
    "lease_signed": "电子租赁合同签订",
    "lease_renewed": "续租",
    "transition_started": "过渡期（第三十八条）",
    "transition_extension": "过渡期延长",
    "violation": "违规整改（第四十条）",
    "lease_terminated": "合同解除",
    "placement_invited": "入住邀请（整体配租）",
}


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=80), nullable=False),
    sa.Column('occurrence', sa.DateTime(timezone=True), nullable=False),
    sa.Column('trigger', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_job_run_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('job', 'occurrence', name=op.f('uq_job_run_job_occurrence'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index('ix_job_run_outcome_id', ['outcome', 'id'], unique=False)

    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notice_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_user_id_read_at', ['user_id', 'read_at'], unique=False)

    op.create_table('notice_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_notice_delivery_notice_id_notice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_delivery'))
    )
    with op.batch_alter_table('notice_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_delivery_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index('ix_notice_delivery_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    op.create_table('notice_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('email_enabled', sa.Boolean(), nullable=False),
    sa.Column('sms_enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notice_preference_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notice_preference'))
    )

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_reminder_notice_id_notice')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'], name=op.f('fk_reminder_recipient_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('kind', 'object_type', 'object_id', 'deadline', 'recipient_id', name=op.f('uq_reminder_kind_object_type_object_id_deadline_recipient_id'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_recipient_id_id', ['recipient_id', 'id'], unique=False)

    # the tenants' notices move into the notice centre
    title = sa.case(*[(sa.column('kind') == kind, label) for kind, label in TENANT_KINDS.items()],
                    else_=sa.column('kind'))
    old = sa.table('tenant_notice', sa.column('id'), sa.column('user_id'), sa.column('kind'),
                   sa.column('message'), sa.column('created_at'))
    new = sa.table('notice', sa.column('user_id'), sa.column('kind'), sa.column('title'),
                   sa.column('message'), sa.column('mandatory'), sa.column('created_at'))
    op.execute(new.insert().from_select(
        ['user_id', 'kind', 'title', 'message', 'mandatory', 'created_at'],
        sa.select(old.c.user_id, old.c.kind, title, old.c.message, sa.false(), old.c.created_at)
        .order_by(old.c.id)))
    with op.batch_alter_table('tenant_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_notice_user_id'))
    op.drop_table('tenant_notice')


def downgrade() -> None:
    op.create_table('tenant_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_tenant_notice_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_notice'))
    )
    with op.batch_alter_table('tenant_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_notice_user_id'), ['user_id'], unique=False)
    notice = sa.table('notice', sa.column('id'), sa.column('user_id'), sa.column('kind'),
                      sa.column('message'), sa.column('created_at'))
    old = sa.table('tenant_notice', sa.column('user_id'), sa.column('kind'), sa.column('message'),
                   sa.column('created_at'))
    op.execute(old.insert().from_select(
        ['user_id', 'kind', 'message', 'created_at'],
        sa.select(notice.c.user_id, notice.c.kind, notice.c.message, notice.c.created_at)
        .where(notice.c.kind.in_(list(TENANT_KINDS))).order_by(notice.c.id)))

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_recipient_id_id')
    op.drop_table('reminder')
    op.drop_table('notice_preference')
    with op.batch_alter_table('notice_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_delivery_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_notice_delivery_notice_id'))
    op.drop_table('notice_delivery')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_user_id_read_at')
    op.drop_table('notice')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index('ix_job_run_outcome_id')
    op.drop_table('job_run')
