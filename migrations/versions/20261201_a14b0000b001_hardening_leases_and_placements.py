"""hardening: leases and staff placements (issue 14)

* ``lease.verification_code``: the random code printed beside a lease's number and in its QR
  link; the public check needs both (the numbers are sequential). Every existing lease gets a
  fresh random code here.
* ``lease_occupant`` becomes an invitation the person accepts or declines themself: the
  invited number's keyed digest and masked form, ``status``, ``invited_on``, ``answered_on``;
  the person (``tenant_id``), the move-in day and the eligibility decision are known only once
  they accept, so they become nullable. Existing rows were placements: ``placed`` (or
  ``moved_out``), their number taken from the person's account, invited and answered the day
  they moved in.

Downgrade: the rows that are not placements (invitations still open, declined or withdrawn)
cannot be expressed in the old table and are deleted; placements are kept.

Revision ID: a14b0000b001
Revises: a14c0000c001
Create Date: 2026-12-01 03:10:01
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a14b0000b001'
down_revision: str | None = 'a14c0000c001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.leases.models.CODE_ALPHABET / CODE_LENGTH on the day this revision was written.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
BATCH = 5000
OPEN = sa.text("status IN ('invited', 'placed')")


def _fill_codes() -> None:
    bind = op.get_bind()
    lease = sa.table("lease", sa.column("id", sa.Integer), sa.column("verification_code", sa.String))
    last = 0
    while True:
        ids = bind.execute(sa.select(lease.c.id).where(lease.c.id > last).order_by(lease.c.id)
                           .limit(BATCH)).scalars().all()
        if not ids:
            return
        bind.execute(sa.update(lease).where(lease.c.id == sa.bindparam("lease_id"))
                     .values(verification_code=sa.bindparam("code")),
                     [{"lease_id": i, "code": "".join(secrets.choice(CODE_ALPHABET)
                                                      for _ in range(CODE_LENGTH))} for i in ids])
        last = ids[-1]


def upgrade() -> None:
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=8), nullable=True))
    _fill_codes()
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.alter_column('verification_code', existing_type=sa.String(length=8), nullable=False)

    with op.batch_alter_table('lease_occupant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('id_number_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('id_number_masked', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('invited_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('answered_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE lease_occupant SET "
        "status = CASE WHEN moved_out_on IS NULL THEN 'placed' ELSE 'moved_out' END, "
        "id_number_digest = (SELECT u.id_number_digest FROM user_account u "
        "WHERE u.id = lease_occupant.tenant_id), "
        "id_number_masked = (SELECT u.id_number_masked FROM user_account u "
        "WHERE u.id = lease_occupant.tenant_id), "
        "invited_on = moved_in_on, answered_on = moved_in_on")
    with op.batch_alter_table('lease_occupant', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column('id_number_digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('id_number_masked', existing_type=sa.String(length=18), nullable=False)
        batch_op.alter_column('invited_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('tenant_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('moved_in_on', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('eligibility', existing_type=sa.JSON(), nullable=True)
        batch_op.create_index(batch_op.f('ix_lease_occupant_id_number_digest'), ['id_number_digest'],
                              unique=False)
        batch_op.create_index('uq_lease_occupant_open', ['lease_id', 'id_number_digest'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.execute("DELETE FROM lease_occupant WHERE status NOT IN ('placed', 'moved_out')")
    with op.batch_alter_table('lease_occupant', schema=None) as batch_op:
        batch_op.drop_index('uq_lease_occupant_open', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_lease_occupant_id_number_digest'))
        batch_op.alter_column('eligibility', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('moved_in_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('tenant_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('answered_on')
        batch_op.drop_column('invited_on')
        batch_op.drop_column('id_number_masked')
        batch_op.drop_column('id_number_digest')
        batch_op.drop_column('status')
    with op.batch_alter_table('lease', schema=None) as batch_op:
        batch_op.drop_column('verification_code')
