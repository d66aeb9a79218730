"""Platform addresses (durable proactive-messaging references), handled event ids, anonymous feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 07:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('platform_addresses',
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'key')
    )
    op.create_table('handled_events',
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'event_id')
    )
    op.create_index('ix_handled_events_seen_at', 'handled_events', ['seen_at'], unique=False)
    op.create_table('answer_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('policy_id', sa.String(length=100), nullable=True),
    sa.Column('clause_id', sa.String(length=100), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_answer_feedback_given_at', 'answer_feedback', ['given_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_answer_feedback_given_at', table_name='answer_feedback')
    op.drop_table('answer_feedback')
    op.drop_index('ix_handled_events_seen_at', table_name='handled_events')
    op.drop_table('handled_events')
    op.drop_table('platform_addresses')
