"""tenants and leases: profiles, registry, applications, lotteries, leases, violations

Tenant profiles and annex-4 commitments; registry imports (property and public-rental
records found by the keyed 身份证 digest); applications with one open application per
person held by a partial unique index; priority groups and lotteries (第三十一条); leases,
occupants, violations and tenant notices.

Revision ID: b77e0c93d549
Revises: 10227cfa507f
Create Date: 2026-11-29 03:43:36.540934
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b77e0c93d549'
down_revision: str | None = '10227cfa507f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('registry_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_import'))
    )
    op.create_table('property_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('id_number_digest', sa.String(length=64), nullable=False),
    sa.Column('id_number_enc', sa.LargeBinary(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('district', sa.String(length=20), nullable=False),
    sa.Column('acquired_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['registry_import.id'], name=op.f('fk_property_record_import_id_registry_import')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_property_record'))
    )
    with op.batch_alter_table('property_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_property_record_id_number_digest'), ['id_number_digest'], unique=False)

    op.create_table('public_rental_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('id_number_digest', sa.String(length=64), nullable=False),
    sa.Column('id_number_enc', sa.LargeBinary(), nullable=False),
    sa.Column('qualified', sa.Boolean(), nullable=False),
    sa.Column('receiving', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['registry_import.id'], name=op.f('fk_public_rental_record_import_id_registry_import')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_rental_record'))
    )
    with op.batch_alter_table('public_rental_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_rental_record_id_number_digest'), ['id_number_digest'], unique=False)

    op.create_table('tenant_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text_version', sa.String(length=20), nullable=False),
    sa.Column('clauses', sa.JSON(), nullable=False),
    sa.Column('declaration', sa.JSON(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['taken_by_id'], ['user_account.id'], name=op.f('fk_tenant_commitment_taken_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_tenant_commitment_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_commitment'))
    )
    with op.batch_alter_table('tenant_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_commitment_user_id'), ['user_id'], unique=False)

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

    op.create_table('tenant_profile',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('residence_district', sa.String(length=20), nullable=False),
    sa.Column('work_district', sa.String(length=20), nullable=True),
    sa.Column('employer_name', sa.String(length=200), nullable=True),
    sa.Column('employer_organization_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_organization_id'], ['organization.id'], name=op.f('fk_tenant_profile_employer_organization_id_organization')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_tenant_profile_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_tenant_profile'))
    )
    op.create_table('lottery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.String(length=128), nullable=False),
    sa.Column('applicants', sa.JSON(), nullable=False),
    sa.Column('units_available', sa.Integer(), nullable=False),
    sa.Column('order', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_lottery_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_lottery_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery'))
    )
    with op.batch_alter_table('lottery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lottery_project_id'), ['project_id'], unique=False)

    op.create_table('priority_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('organization_ids', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_priority_group_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_priority_group_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_group'))
    )
    with op.batch_alter_table('priority_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_group_project_id'), ['project_id'], unique=False)

    op.create_table('tenant_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.Column('priority_group_id', sa.Integer(), nullable=True),
    sa.Column('priority_rank', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('allocation_rank', sa.Integer(), nullable=True),
    sa.Column('lottery_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['user_account.id'], name=op.f('fk_tenant_application_applicant_id_user_account')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_tenant_application_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['lottery_id'], ['lottery.id'], name=op.f('fk_tenant_application_lottery_id_lottery')),
    sa.ForeignKeyConstraint(['priority_group_id'], ['priority_group.id'], name=op.f('fk_tenant_application_priority_group_id_priority_group')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_tenant_application_project_id_project')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['user_account.id'], name=op.f('fk_tenant_application_taken_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_application'))
    )
    with op.batch_alter_table('tenant_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_application_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_application_project_id'), ['project_id'], unique=False)
        batch_op.create_index('uq_tenant_application_open', ['applicant_id'], unique=True, sqlite_where=sa.text("status IN ('submitted', 'approved')"), postgresql_where=sa.text("status IN ('submitted', 'approved')"))

    op.create_table('lease',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('operator_organization_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('employer_organization_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('previous_lease_id', sa.Integer(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('monthly_rent', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('rate_per_m2', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('rent_standard_id', sa.Integer(), nullable=False),
    sa.Column('building_area_m2', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('prepaid_rent', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('deposit', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('home_acquired_on', sa.Date(), nullable=True),
    sa.Column('transition_ends_on', sa.Date(), nullable=True),
    sa.Column('market_rent_from', sa.Date(), nullable=True),
    sa.Column('transition_monthly_rent', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('extension_requested_to', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('extension_status', sa.String(length=10), nullable=True),
    sa.Column('ended_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['tenant_application.id'], name=op.f('fk_lease_application_id_tenant_application')),
    sa.ForeignKeyConstraint(['employer_organization_id'], ['organization.id'], name=op.f('fk_lease_employer_organization_id_organization')),
    sa.ForeignKeyConstraint(['operator_organization_id'], ['organization.id'], name=op.f('fk_lease_operator_organization_id_organization')),
    sa.ForeignKeyConstraint(['previous_lease_id'], ['lease.id'], name=op.f('fk_lease_previous_lease_id_lease')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_lease_project_id_project')),
    sa.ForeignKeyConstraint(['rent_standard_id'], ['rent_standard.id'], name=op.f('fk_lease_rent_standard_id_rent_standard')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['user_account.id'], name=op.f('fk_lease_signed_by_id_user_account')),
    sa.ForeignKeyConstraint(['tenant_id'], ['user_account.id'], name=op.f('fk_lease_tenant_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_lease_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease')),
    sa.UniqueConstraint('number', name=op.f('uq_lease_number'))
    )
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_employer_organization_id'), ['employer_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_operator_organization_id'), ['operator_organization_id'], unique=False)
        batch_op.create_index('ix_lease_project_start', ['project_id', 'start_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_lease_unit_period', ['unit_id', 'start_on', 'ends_on'], unique=False)

    op.create_table('lease_occupant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lease_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('moved_in_on', sa.Date(), nullable=False),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lease_id'], ['lease.id'], name=op.f('fk_lease_occupant_lease_id_lease')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['user_account.id'], name=op.f('fk_lease_occupant_placed_by_id_user_account')),
    sa.ForeignKeyConstraint(['tenant_id'], ['user_account.id'], name=op.f('fk_lease_occupant_tenant_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease_occupant'))
    )
    with op.batch_alter_table('lease_occupant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_occupant_lease_id'), ['lease_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_occupant_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('violation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=10), nullable=False),
    sa.Column('lease_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('rectify_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lease_id'], ['lease.id'], name=op.f('fk_violation_lease_id_lease')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_violation_organization_id_organization')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_violation_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_violation_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['tenant_id'], ['user_account.id'], name=op.f('fk_violation_tenant_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation'))
    )
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_lease_id'), ['lease_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violation_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_violation_project_id'))
        batch_op.drop_index(batch_op.f('ix_violation_organization_id'))
        batch_op.drop_index(batch_op.f('ix_violation_lease_id'))

    op.drop_table('violation')
    with op.batch_alter_table('lease_occupant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lease_occupant_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_lease_occupant_lease_id'))

    op.drop_table('lease_occupant')
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.drop_index('ix_lease_unit_period')
        batch_op.drop_index(batch_op.f('ix_lease_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_lease_status'))
        batch_op.drop_index('ix_lease_project_start')
        batch_op.drop_index(batch_op.f('ix_lease_operator_organization_id'))
        batch_op.drop_index(batch_op.f('ix_lease_employer_organization_id'))

    op.drop_table('lease')
    with op.batch_alter_table('tenant_application', schema=None) as batch_op:
        batch_op.drop_index('uq_tenant_application_open', sqlite_where=sa.text("status IN ('submitted', 'approved')"), postgresql_where=sa.text("status IN ('submitted', 'approved')"))
        batch_op.drop_index(batch_op.f('ix_tenant_application_project_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_application_applicant_id'))

    op.drop_table('tenant_application')
    with op.batch_alter_table('priority_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_group_project_id'))

    op.drop_table('priority_group')
    with op.batch_alter_table('lottery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lottery_project_id'))

    op.drop_table('lottery')
    op.drop_table('tenant_profile')
    with op.batch_alter_table('tenant_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_notice_user_id'))

    op.drop_table('tenant_notice')
    with op.batch_alter_table('tenant_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_commitment_user_id'))

    op.drop_table('tenant_commitment')
    with op.batch_alter_table('public_rental_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_rental_record_id_number_digest'))

    op.drop_table('public_rental_record')
    with op.batch_alter_table('property_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_property_record_id_number_digest'))

    op.drop_table('property_record')
    op.drop_table('registry_import')
