"""hardening: accounts and the audit chain (issue 14)

* ``registration_attempt``: self-registrations per client address in a sliding hour (each
  is a 身份证 lookup), counted in the database like ``login_failure``.
* The audit chain is keyed: ``audit_event.key_version`` records which version of
  ``BAOZU_AUDIT_KEY`` keyed an event's HMAC-SHA256; ``audit_chain_head.keyed_from`` is the
  first event keyed that way. Existing events are never rewritten (the log is append-only;
  on PostgreSQL a trigger refuses UPDATE on ``audit_event``, and adding a column fires no
  row trigger): they keep their plain SHA-256 (``key_version`` NULL). The chain continues
  keyed with one new event, ``audit.chain_keyed`` (keyed with the key of the environment
  that migrates, so ``BAOZU_AUDIT_KEY`` must be set before ``baozu migrate``), which
  records where the keyed part begins: moving ``keyed_from`` to pass keyed events off as
  unkeyed ones would need a forged HMAC there.

Downgrading drops both columns: events written keyed then no longer verify with the earlier
code's plain SHA-256 (a downgrade is for development round trips, not for a live chain).

Revision ID: a14c0000c001
Revises: 71ea50b3f8f8
Create Date: 2026-12-01 03:10:00
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

revision: str = 'a14c0000c001'
down_revision: str | None = '71ea50b3f8f8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('registration_attempt',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_address', sa.String(length=64), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_attempt'))
    )
    with op.batch_alter_table('registration_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_registration_attempt_attempted_at', ['attempted_at'], unique=False)
        batch_op.create_index('ix_registration_attempt_client_address_attempted_at',
                              ['client_address', 'attempted_at'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # writers wait for the head, as for any append
        op.execute("SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE")

    # A new nullable column: no row is rewritten, the existing hashes stay as written.
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_version', sa.SmallInteger(), nullable=True))

    with op.batch_alter_table('audit_chain_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed_from', sa.BigInteger(), nullable=True))
    _append_keyed_marker(bind)
    with op.batch_alter_table('audit_chain_head', schema=None) as batch_op:
        batch_op.alter_column('keyed_from', existing_type=sa.BigInteger(), nullable=False)


def _append_keyed_marker(bind: sa.engine.Connection) -> None:
    """Append ``audit.chain_keyed`` (the first keyed event) and point the head at it."""
    from app.audit import keys
    from app.audit.service import canonical
    from app.core.clock import now

    head = sa.table("audit_chain_head", sa.column("id", sa.Integer),
                    sa.column("last_id", sa.BigInteger), sa.column("last_hash", sa.String),
                    sa.column("keyed_from", sa.BigInteger))
    event = sa.table("audit_event", *(sa.column(name, type_) for name, type_ in (
        ("id", sa.BigInteger), ("occurred_at", sa.DateTime(timezone=True)),
        ("actor_id", sa.Integer), ("actor", sa.String), ("role", sa.String),
        ("action", sa.String), ("entity_type", sa.String), ("entity_id", sa.String),
        ("summary", sa.JSON), ("prev_hash", sa.String), ("hash", sa.String),
        ("key_version", sa.SmallInteger))))
    last_id, last_hash = bind.execute(sa.select(head.c.last_id, head.c.last_hash)
                                      .where(head.c.id == 1)).one()
    marker = SimpleNamespace(
        id=last_id + 1, occurred_at=now(), actor_id=None,
        actor="system", role="system", action="audit.chain_keyed", entity_type="audit_chain",
        entity_id="1", summary={"keyed_from": last_id + 1, "unkeyed_events": last_id},
        prev_hash=last_hash, key_version=keys.current_version())
    marker.hash = keys.mac(marker.key_version, keys.CHAIN, canonical(marker))
    bind.execute(event.insert().values(**vars(marker)))
    bind.execute(head.update().where(head.c.id == 1).values(
        last_id=marker.id, last_hash=marker.hash, keyed_from=marker.id))


def downgrade() -> None:
    with op.batch_alter_table('audit_chain_head', schema=None) as batch_op:
        batch_op.drop_column('keyed_from')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('key_version')

    with op.batch_alter_table('registration_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_attempt_client_address_attempted_at')
        batch_op.drop_index('ix_registration_attempt_attempted_at')

    op.drop_table('registration_attempt')
