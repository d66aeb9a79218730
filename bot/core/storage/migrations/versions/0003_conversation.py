"""Answer offers (what answer buttons name), the token key, learnt bank entries; question log text optional.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core_keys',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('answer_offers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('policy_id', sa.String(length=100), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('clause_ids', sa.JSON(), nullable=False),
    sa.Column('alternatives', sa.JSON(), nullable=False),
    sa.Column('log_id', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.String(length=20), nullable=True),
    sa.Column('chosen_clause_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_answer_offers_expires_at', 'answer_offers', ['expires_at'], unique=False)
    op.create_table('bank_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('policy_id', sa.String(length=100), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('clause_id', sa.String(length=100), nullable=False),
    sa.Column('clause_text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=320), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    op.create_index('ix_bank_entries_status', 'bank_entries', ['status'], unique=False)
    with op.batch_alter_table('question_log') as batch:
        batch.alter_column('question', existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('question_log') as batch:
        batch.alter_column('question', existing_type=sa.Text(), nullable=False)
    op.drop_index('ix_bank_entries_status', table_name='bank_entries')
    op.drop_table('bank_entries')
    op.drop_index('ix_answer_offers_expires_at', table_name='answer_offers')
    op.drop_table('answer_offers')
    op.drop_table('core_keys')
