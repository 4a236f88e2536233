"""lease contracts: templates, signatures, filing proofs (issue 16)

Versioned contract templates maintained by 市保租办 (the default one shipped in
templates/contracts/default_v1.md.j2 is loaded here as version 1), the contracts of leases and
their supplementary agreements with both signatures bound to the document's SHA-256, and the
租赁备案证明 (第二十三条) with their verification codes.

Revision ID: a16a0000a001
Revises: a21a0000a001
Create Date: 2026-12-01 04:10:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = 'a16a0000a001'
down_revision: str | None = 'a21a0000a001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "contracts" / "default_v1.md.j2"


def upgrade() -> None:
    op.create_table('contract_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_contract_template_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_template')),
    sa.UniqueConstraint('version', name=op.f('uq_contract_template_version'))
    )
    op.create_table('lease_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('verification_code', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('lease_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('template_version', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payment_period_months', sa.Integer(), nullable=False),
    sa.Column('safety_terms', sa.Text(), nullable=False),
    sa.Column('supplement_terms', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.Column('sent_at', TIMESTAMP, nullable=True),
    sa.Column('tenant_signer_id', sa.Integer(), nullable=True),
    sa.Column('tenant_signed_at', TIMESTAMP, nullable=True),
    sa.Column('tenant_signed_sha256', sa.String(length=64), nullable=True),
    sa.Column('operator_signer_id', sa.Integer(), nullable=True),
    sa.Column('operator_signed_at', TIMESTAMP, nullable=True),
    sa.Column('operator_signed_sha256', sa.String(length=64), nullable=True),
    sa.Column('closed_at', TIMESTAMP, nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_lease_contract_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['lease_id'], ['lease.id'], name=op.f('fk_lease_contract_lease_id_lease')),
    sa.ForeignKeyConstraint(['operator_signer_id'], ['user_account.id'], name=op.f('fk_lease_contract_operator_signer_id_user_account')),
    sa.ForeignKeyConstraint(['parent_id'], ['lease_contract.id'], name=op.f('fk_lease_contract_parent_id_lease_contract')),
    sa.ForeignKeyConstraint(['template_id'], ['contract_template.id'], name=op.f('fk_lease_contract_template_id_contract_template')),
    sa.ForeignKeyConstraint(['tenant_signer_id'], ['user_account.id'], name=op.f('fk_lease_contract_tenant_signer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease_contract')),
    sa.UniqueConstraint('number', name=op.f('uq_lease_contract_number'))
    )
    with op.batch_alter_table('lease_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_contract_lease_id'), ['lease_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_contract_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_contract_status'), ['status'], unique=False)
        batch_op.create_index('uq_lease_contract_main', ['lease_id'], unique=True, sqlite_where=sa.text("kind = 'contract'"), postgresql_where=sa.text("kind = 'contract'"))

    op.create_table('lease_proof',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('lease_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('issued_to_id', sa.Integer(), nullable=False),
    sa.Column('created_at', TIMESTAMP, nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['lease_contract.id'], name=op.f('fk_lease_proof_contract_id_lease_contract')),
    sa.ForeignKeyConstraint(['issued_to_id'], ['user_account.id'], name=op.f('fk_lease_proof_issued_to_id_user_account')),
    sa.ForeignKeyConstraint(['lease_id'], ['lease.id'], name=op.f('fk_lease_proof_lease_id_lease')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lease_proof')),
    sa.UniqueConstraint('code', name=op.f('uq_lease_proof_code'))
    )
    with op.batch_alter_table('lease_proof', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lease_proof_issued_to_id'), ['issued_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lease_proof_lease_id'), ['lease_id'], unique=False)


    # The default template, version 1, in effect since the regulation took effect (第五十条).
    template = sa.table("contract_template", sa.column("version", sa.Integer),
                        sa.column("title", sa.String), sa.column("effective_on", sa.Date),
                        sa.column("body", sa.Text), sa.column("note", sa.Text),
                        sa.column("created_at", TIMESTAMP))
    op.bulk_insert(template, [{
        "version": 1, "title": "景德镇市保障性租赁住房租赁合同（示范文本）",
        "effective_on": date(2022, 5, 6), "body": DEFAULT_TEMPLATE.read_text(encoding="utf-8"),
        "note": "随平台发布的默认示范文本", "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    with op.batch_alter_table('lease_proof', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lease_proof_lease_id'))
        batch_op.drop_index(batch_op.f('ix_lease_proof_issued_to_id'))

    op.drop_table('lease_proof')
    with op.batch_alter_table('lease_contract', schema=None) as batch_op:
        batch_op.drop_index('uq_lease_contract_main', sqlite_where=sa.text("kind = 'contract'"), postgresql_where=sa.text("kind = 'contract'"))
        batch_op.drop_index(batch_op.f('ix_lease_contract_status'))
        batch_op.drop_index(batch_op.f('ix_lease_contract_parent_id'))
        batch_op.drop_index(batch_op.f('ix_lease_contract_lease_id'))

    op.drop_table('lease_contract')
    op.drop_table('contract_template')
