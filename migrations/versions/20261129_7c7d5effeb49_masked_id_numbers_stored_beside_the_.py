"""masked id numbers stored beside the encrypted ones

Lists and exports show 身份证 numbers masked (first 6, last 4); keeping the masked form avoids
decrypting every number of a million-row export. Accounts created before this revision have
no masked form and are decrypted and masked on the fly.

Revision ID: 7c7d5effeb49
Revises: b89bbb2c8bd6
Create Date: 2026-11-29 04:54:15.480406
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7c7d5effeb49'
down_revision: str | None = 'b89bbb2c8bd6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_masked', sa.String(length=18), nullable=True))
    _backfill()


def _backfill() -> None:
    """Mask the numbers already stored. This needs the data key (``BAOZU_DATA_KEY``), so it
    uses the application's decryption: the one data migration that reads application code."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, id_number_enc FROM user_account "
                                "WHERE id_number_enc IS NOT NULL")).all()
    if not rows:
        return
    from app.core.personal_data import decrypt_id_number
    from rules.identifiers import mask_id_number

    bind.execute(sa.text("UPDATE user_account SET id_number_masked = :masked WHERE id = :id"),
                 [{"id": row.id, "masked": mask_id_number(decrypt_id_number(bytes(row.id_number_enc)))}
                  for row in rows])



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('id_number_masked')

