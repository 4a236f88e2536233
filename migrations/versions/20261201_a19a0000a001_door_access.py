"""door access: devices, credentials, events, signals (issue 19)

Access devices of a project (their keys kept as SHA-256), door credentials bound to a lease's
tenant or placed occupant, the events devices push and the signals (疑似闲置、疑似转借/转租) a
person reviews (第四十条). On PostgreSQL ``access_event`` is partitioned by month of
``occurred_at``: the partitions live in the schema ``access_part`` (so that ``alembic check``
compares only the parent), from seven months back to three months ahead, plus a default
partition that stays empty while the ``access.partitions`` job keeps months ahead.

Revision ID: a19a0000a001
Revises: a18a0000a001
Create Date: 2026-12-01 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a19a0000a001'
down_revision: str | None = 'a18a0000a001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
SUSPECT = "standing IN ('unbound', 'foreign')"

PARTITIONS = """
DO $$
DECLARE m date;
BEGIN
  FOR m IN SELECT generate_series(date_trunc('month', now() - interval '7 months'),
                                  date_trunc('month', now() + interval '3 months'),
                                  interval '1 month')::date LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS access_part.%I PARTITION OF access_event '
                   'FOR VALUES FROM (%L) TO (%L)', 'access_event_' || to_char(m, 'YYYY_MM'),
                   (m::timestamp AT TIME ZONE 'UTC'),
                   ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
  END LOOP;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        'access_device',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('location_kind', sa.String(length=10), nullable=False),
        sa.Column('location', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('key_hint', sa.String(length=12), nullable=False),
        sa.Column('key_issued_at', TIMESTAMP, nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.Column('revoked_at', TIMESTAMP, nullable=True),
        sa.Column('last_seen_at', TIMESTAMP, nullable=True),
        sa.Column('window_started_at', TIMESTAMP, nullable=True),
        sa.Column('window_events', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_access_device_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_access_device_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_device')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_access_device_key_hash')),
    )
    op.create_index(op.f('ix_access_device_project_id'), 'access_device', ['project_id'])

    op.create_table(
        'access_credential',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('external_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('lease_id', sa.Integer(), nullable=True),
        sa.Column('holder_id', sa.Integer(), nullable=True),
        sa.Column('bound_on', sa.Date(), nullable=True),
        sa.Column('unbound_on', sa.Date(), nullable=True),
        sa.Column('unbound_reason', sa.String(length=200), nullable=True),
        sa.Column('created_at', TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(['holder_id'], ['user_account.id'],
                                name=op.f('fk_access_credential_holder_id_user_account')),
        sa.ForeignKeyConstraint(['lease_id'], ['lease.id'], name=op.f('fk_access_credential_lease_id_lease')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_access_credential_project_id_project')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_access_credential_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_credential')),
        sa.UniqueConstraint('external_id', name=op.f('uq_access_credential_external_id')),
    )
    op.create_index('ix_access_credential_holder', 'access_credential', ['holder_id'])
    op.create_index('ix_access_credential_lease_status', 'access_credential', ['lease_id', 'status'])
    op.create_index(op.f('ix_access_credential_project_id'), 'access_credential', ['project_id'])
    op.create_index(op.f('ix_access_credential_unit_id'), 'access_credential', ['unit_id'])

    postgres = op.get_bind().dialect.name == 'postgresql'
    columns = [
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=64), nullable=False),
        sa.Column('occurred_at', TIMESTAMP, nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('credential', sa.String(length=64), nullable=False),
        sa.Column('credential_ref', sa.BigInteger(), nullable=True),
        sa.Column('standing', sa.String(length=8), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('result', sa.String(length=8), nullable=False),
        sa.Column('received_at', TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint('device_id', 'event_id', 'occurred_at', name=op.f('pk_access_event')),
    ]
    if postgres:
        op.create_table('access_event', *columns, postgresql_partition_by='RANGE (occurred_at)')
        op.execute('CREATE SCHEMA IF NOT EXISTS access_part')
        op.execute(PARTITIONS)
        op.execute('CREATE TABLE IF NOT EXISTS access_part.access_event_default '
                   'PARTITION OF access_event DEFAULT')
    else:
        op.create_table('access_event', *columns)
    op.create_index('ix_access_event_credential_ref_occurred_at', 'access_event',
                    ['credential_ref', 'occurred_at'])
    op.create_index('ix_access_event_project_id_occurred_at', 'access_event', ['project_id', 'occurred_at'])
    op.create_index('ix_access_event_suspect', 'access_event', ['credential_ref', 'occurred_at'],
                    postgresql_where=sa.text(SUSPECT), sqlite_where=sa.text(SUSPECT))

    op.create_table(
        'access_signal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('lease_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('first_detected_on', sa.Date(), nullable=False),
        sa.Column('last_detected_on', sa.Date(), nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('violation_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['credential_id'], ['access_credential.id'],
                                name=op.f('fk_access_signal_credential_id_access_credential')),
        sa.ForeignKeyConstraint(['lease_id'], ['lease.id'], name=op.f('fk_access_signal_lease_id_lease')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_access_signal_project_id_project')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'],
                                name=op.f('fk_access_signal_reviewed_by_id_user_account')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_access_signal_unit_id_unit')),
        sa.ForeignKeyConstraint(['violation_id'], ['violation.id'],
                                name=op.f('fk_access_signal_violation_id_violation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_signal')),
    )
    op.create_index('ix_access_signal_lease_kind', 'access_signal', ['lease_id', 'kind'])
    op.create_index(op.f('ix_access_signal_project_id'), 'access_signal', ['project_id'])
    op.create_index('ix_access_signal_status_id', 'access_signal', ['status', 'id'])


def downgrade() -> None:
    op.drop_table('access_signal')
    op.drop_table('access_event')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP SCHEMA IF EXISTS access_part CASCADE')
    op.drop_table('access_credential')
    op.drop_table('access_device')
