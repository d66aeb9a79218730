"""Initial schema: directory-independent tables for questions, guidance, escalations, reports, audit, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 06:43:24.661533
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_ref', sa.String(length=40), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_subject', 'audit_log', ['subject_type', 'subject_ref'], unique=False)

    op.create_table('guidance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('clause_ids', sa.JSON(), nullable=False),
    sa.Column('author_email', sa.String(length=320), nullable=False),
    sa.Column('author_role', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('embedding', sa.LargeBinary(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('recipient_email', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('platform', sa.String(length=20), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key', name='uq_outbox_dedupe_key'),
    sa.UniqueConstraint('notification_id')
    )
    op.create_index('ix_outbox_due', 'outbox', ['status', 'next_attempt_at'], unique=False)

    op.create_table('platform_seen',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('email')
    )
    op.create_table('question_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('policy_id', sa.String(length=100), nullable=True),
    sa.Column('top_clause_id', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_question_log_asked_at', 'question_log', ['asked_at'], unique=False)

    op.create_table('ref_counters',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year')
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('where', sa.Text(), nullable=False),
    sa.Column('occurred', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('involved_emails', sa.JSON(), nullable=False),
    sa.Column('involved_text', sa.Text(), nullable=False),
    sa.Column('reporter_email', sa.String(length=320), nullable=False),
    sa.Column('recipient_email', sa.String(length=320), nullable=False),
    sa.Column('routing_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('routed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reassigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('investigating_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key'),
    sa.UniqueConstraint('ref')
    )
    op.create_index('ix_reports_recipient_email', 'reports', ['recipient_email'], unique=False)
    op.create_index('ix_reports_reporter_email', 'reports', ['reporter_email'], unique=False)
    op.create_index('ix_reports_status', 'reports', ['status'], unique=False)

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('asker_email', sa.String(length=320), nullable=False),
    sa.Column('recipient_email', sa.String(length=320), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('clause_ids', sa.JSON(), nullable=False),
    sa.Column('concerns_emails', sa.JSON(), nullable=False),
    sa.Column('routing_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('routed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_notified_email', sa.String(length=320), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('answered_by_email', sa.String(length=320), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('guidance_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['guidance_id'], ['guidance.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key'),
    sa.UniqueConstraint('ref')
    )
    op.create_index('ix_escalations_asker_email', 'escalations', ['asker_email'], unique=False)
    op.create_index('ix_escalations_recipient_email', 'escalations', ['recipient_email'], unique=False)
    op.create_index('ix_escalations_status', 'escalations', ['status'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_escalations_status', table_name='escalations')
    op.drop_index('ix_escalations_recipient_email', table_name='escalations')
    op.drop_index('ix_escalations_asker_email', table_name='escalations')

    op.drop_table('escalations')
    op.drop_index('ix_reports_status', table_name='reports')
    op.drop_index('ix_reports_reporter_email', table_name='reports')
    op.drop_index('ix_reports_recipient_email', table_name='reports')

    op.drop_table('reports')
    op.drop_table('ref_counters')
    op.drop_index('ix_question_log_asked_at', table_name='question_log')

    op.drop_table('question_log')
    op.drop_table('platform_seen')
    op.drop_index('ix_outbox_due', table_name='outbox')

    op.drop_table('outbox')
    op.drop_table('guidance')
    op.drop_index('ix_audit_subject', table_name='audit_log')

    op.drop_table('audit_log')
