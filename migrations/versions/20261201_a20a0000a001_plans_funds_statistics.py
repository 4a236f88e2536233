"""plans, fund ledger, statistics reports (issue 20)

Revision ID: a20a0000a001
Revises: a19a0000a001
Create Date: 2026-12-01 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a20a0000a001'
down_revision: str | None = 'a19a0000a001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('adjustment_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('adjusted_on', sa.Date(), nullable=True),
    sa.CheckConstraint('end_year >= start_year', name=op.f('ck_plan_years_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plan_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['previous_id'], ['plan.id'], name=op.f('fk_plan_previous_id_plan')),
    sa.ForeignKeyConstraint(['series_id'], ['plan.id'], name=op.f('fk_plan_series_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('series_id', 'version', name=op.f('uq_plan_series_id_version'))
    )
    op.create_index(op.f('ix_plan_series_id'), 'plan', ['series_id'], unique=False)
    op.create_index(op.f('ix_plan_status'), 'plan', ['status'], unique=False)
    op.create_table('statistics_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('xlsx_path', sa.String(length=200), nullable=False),
    sa.Column('xlsx_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_path', sa.String(length=200), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['generated_by_id'], ['user_account.id'], name=op.f('fk_statistics_report_generated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_report')),
    sa.UniqueConstraint('period_kind', 'period_start', 'version', name=op.f('uq_statistics_report_period_kind_period_start_version'))
    )
    op.create_table('fund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_fund_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_fund_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund')),
    sa.UniqueConstraint('document_no', name=op.f('uq_fund_document_no'))
    )
    op.create_index(op.f('ix_fund_plan_id'), 'fund', ['plan_id'], unique=False)
    op.create_table('plan_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=20), nullable=False),
    sa.Column('construction_method', sa.String(length=32), nullable=True),
    sa.Column('sourcing_channel', sa.String(length=16), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('target_units', sa.Integer(), nullable=False),
    sa.Column('target_area_m2', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('target_area_m2 >= 0', name=op.f('ck_plan_line_area_not_negative')),
    sa.CheckConstraint('target_units >= 0', name=op.f('ck_plan_line_units_not_negative')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_line_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_line'))
    )
    op.create_index(op.f('ix_plan_line_plan_id'), 'plan_line', ['plan_id'], unique=False)
    op.create_table('fund_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('subsidy_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=10), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'receipt' OR project_id IS NOT NULL", name=op.f('ck_fund_entry_two_sided')),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_fund_entry_amount_not_zero')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_fund_entry_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_fund_entry_fund_id_fund')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_fund_entry_project_id_project')),
    sa.ForeignKeyConstraint(['reverses_id'], ['fund_entry.id'], name=op.f('fk_fund_entry_reverses_id_fund_entry')),
    sa.ForeignKeyConstraint(['subsidy_id'], ['subsidy.id'], name=op.f('fk_fund_entry_subsidy_id_subsidy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entry')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_fund_entry_reverses_id'))
    )
    op.create_index('ix_fund_entry_fund_kind', 'fund_entry', ['fund_id', 'kind'], unique=False)
    op.create_index(op.f('ix_fund_entry_project_id'), 'fund_entry', ['project_id'], unique=False)
    op.create_index(op.f('ix_fund_entry_subsidy_id'), 'fund_entry', ['subsidy_id'], unique=False)
    op.create_table('plan_line_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['plan_line.id'], name=op.f('fk_plan_line_project_line_id_plan_line')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_plan_line_project_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_line_project')),
    sa.UniqueConstraint('line_id', 'project_id', name=op.f('uq_plan_line_project_line_id_project_id'))
    )
    op.create_index(op.f('ix_plan_line_project_line_id'), 'plan_line_project', ['line_id'], unique=False)
    op.create_index(op.f('ix_plan_line_project_project_id'), 'plan_line_project', ['project_id'], unique=False)
    op.add_column('project', sa.Column('construction_started_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('construction_started_on')
    op.drop_index(op.f('ix_plan_line_project_project_id'), table_name='plan_line_project')
    op.drop_index(op.f('ix_plan_line_project_line_id'), table_name='plan_line_project')
    op.drop_table('plan_line_project')
    op.drop_index(op.f('ix_fund_entry_subsidy_id'), table_name='fund_entry')
    op.drop_index(op.f('ix_fund_entry_project_id'), table_name='fund_entry')
    op.drop_index('ix_fund_entry_fund_kind', table_name='fund_entry')
    op.drop_table('fund_entry')
    op.drop_index(op.f('ix_plan_line_plan_id'), table_name='plan_line')
    op.drop_table('plan_line')
    op.drop_index(op.f('ix_fund_plan_id'), table_name='fund')
    op.drop_table('fund')
    op.drop_table('statistics_report')
    op.drop_index(op.f('ix_plan_status'), table_name='plan')
    op.drop_index(op.f('ix_plan_series_id'), table_name='plan')
    op.drop_table('plan')
