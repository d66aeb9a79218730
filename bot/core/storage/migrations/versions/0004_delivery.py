"""Outbox delivery: attempts in doubt (platform and time handed over), failure and scrub times;
the payload may be dropped (delivered rows, and failed ones after the retention period).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite can only change a column's nullability by rebuilding the table.
    with op.batch_alter_table('outbox') as batch:
        batch.alter_column('payload', existing_type=sa.JSON(), nullable=True)
        batch.add_column(sa.Column('sending_platform', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('sending_since', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('scrubbed_at', sa.DateTime(timezone=True), nullable=True))
    outbox = sa.table('outbox', sa.column('status', sa.String), sa.column('payload', sa.JSON),
                      sa.column('next_attempt_at', sa.DateTime), sa.column('delivered_at', sa.DateTime),
                      sa.column('failed_at', sa.DateTime), sa.column('scrubbed_at', sa.DateTime))
    # Failed rows kept their last scheduled attempt time; their retention period starts there.
    op.execute(outbox.update().where(outbox.c.status == 'failed').values(failed_at=outbox.c.next_attempt_at))
    # Delivered rows no longer need what the message said.
    op.execute(outbox.update().where(outbox.c.status == 'delivered').values(
        payload=sa.null(), scrubbed_at=outbox.c.delivered_at))


def downgrade() -> None:
    # Scrubbed rows cannot get their text back; an empty object keeps the old NOT NULL.
    outbox = sa.table('outbox', sa.column('payload', sa.JSON))
    op.execute(outbox.update().where(outbox.c.payload.is_(None)).values(payload={}))
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('scrubbed_at')
        batch.drop_column('failed_at')
        batch.drop_column('sending_since')
        batch.drop_column('sending_platform')
        batch.alter_column('payload', existing_type=sa.JSON(), nullable=False)
