"""SQLAlchemy models. Changing one means adding an Alembic migration in `migrations/versions`."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.core.storage.coltypes import UTCDateTime


class Base(DeclarativeBase):
    pass


class RefCounter(Base):
    """Per-year sequence for human-readable references (R-2026-0007)."""

    __tablename__ = "ref_counters"
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class QuestionLog(Base):
    """Questions for insights. Deliberately has no asker column; asked_at is rounded to the hour."""

    __tablename__ = "question_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Kept only for questions the policy did not cover (what insights lists), with directory
    # names removed, and cleared when the asker sends the question to their line manager.
    question: Mapped[str | None] = mapped_column(Text)
    policy_id: Mapped[str | None] = mapped_column(String(100))
    top_clause_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    answered: Mapped[bool] = mapped_column(Boolean)


class PlatformSeen(Base):
    """The chat platform each person used last, so notifications reach them where they are."""

    __tablename__ = "platform_seen"
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))


class PlatformAddress(Base):
    """Where a platform can reach someone or something proactively (e.g. a Teams conversation
    reference), stored as the adapter gives it: core never reads inside `data`."""

    __tablename__ = "platform_addresses"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HandledEvent(Base):
    """Platform event ids already taken in, so a retried delivery is processed once even
    across restarts and replicas. Pruned after a day (platforms retry within minutes)."""

    __tablename__ = "handled_events"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AnswerFeedback(Base):
    """"Helpful" / "Not helpful" on an answer: no asker, time rounded to the hour, like QuestionLog."""

    __tablename__ = "answer_feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    policy_id: Mapped[str | None] = mapped_column(String(100))
    clause_id: Mapped[str | None] = mapped_column(String(100))
    helpful: Mapped[bool] = mapped_column(Boolean)


class Guidance(Base):
    __tablename__ = "guidance"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)  # for similarity only; never shown
    clause_ids: Mapped[list] = mapped_column(JSON, default=list)
    author_email: Mapped[str] = mapped_column(String(320))
    author_role: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Escalation(Base):
    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    asker_email: Mapped[str] = mapped_column(String(320), index=True)
    recipient_email: Mapped[str] = mapped_column(String(320), index=True)
    question: Mapped[str] = mapped_column(Text)
    clause_ids: Mapped[list] = mapped_column(JSON, default=list)
    concerns_emails: Mapped[list] = mapped_column(JSON, default=list)
    routing_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # reminder clock starts here
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_notified_email: Mapped[str | None] = mapped_column(String(320))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by_email: Mapped[str | None] = mapped_column(String(320))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    guidance_id: Mapped[int | None] = mapped_column(ForeignKey("guidance.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(20))


class Report(Base):
    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(40))
    what_happened: Mapped[str] = mapped_column(Text)
    where: Mapped[str] = mapped_column(Text, default="")
    occurred: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list] = mapped_column(JSON, default=list)
    involved_emails: Mapped[list] = mapped_column(JSON, default=list)
    involved_text: Mapped[str] = mapped_column(Text, default="")
    reporter_email: Mapped[str] = mapped_column(String(320), index=True)
    recipient_email: Mapped[str] = mapped_column(String(320), index=True)
    routing_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reassigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    investigating_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only: every state change of an escalation, report or guidance."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(320))  # an email, or "system"
    action: Mapped[str] = mapped_column(String(50))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_ref: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    __table_args__ = (Index("ix_audit_subject", "subject_type", "subject_ref"),)


class OutboxMessage(Base):
    """A notification waiting to be delivered; written in the same transaction as its cause.

    `payload` (the message itself: report text, names) is dropped once the row is delivered,
    and once a failed row is older than `CoreConfig.outbox_keep_failed_days` (`scrubbed_at`);
    the rest stays for de-duplication, audit and troubleshooting.
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(64), unique=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    recipient_email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set just before an attempt is handed to a platform, cleared once it is known not to have
    # arrived: while set, the next attempt first asks that platform whether it did.
    sending_platform: Mapped[str | None] = mapped_column(String(20))
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    platform: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )


class CoreKey(Base):
    """Secrets the core generates for itself (the key that signs button tokens), shared by replicas."""

    __tablename__ = "core_keys"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AnswerOffer(Base):
    """An answer someone was shown, so its buttons name this record instead of carrying the
    question. It holds no asker: whoever presses a button acts as themself. Purged when it expires."""

    __tablename__ = "answer_offers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    clause_ids: Mapped[list] = mapped_column(JSON, default=list)  # in rank order, as shown
    alternatives: Mapped[list] = mapped_column(JSON, default=list)  # offered as "did you mean"
    log_id: Mapped[int | None] = mapped_column(Integer)  # its question-log row, until escalated
    feedback: Mapped[str | None] = mapped_column(String(20))  # the first vote on it
    chosen_clause_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class BankEntry(Base):
    """A question-bank entry learnt from use: suggested (question and clause, never the asker),
    then approved or rejected by the policy owner. Approved entries join the policy's bank."""

    __tablename__ = "bank_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    policy_id: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    clause_id: Mapped[str] = mapped_column(String(100))
    # The clause's words when suggested: the entry finds its clause again after the policy is edited.
    clause_text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # did_you_mean | not_helpful | manager | owner
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending | approved | rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(320))
