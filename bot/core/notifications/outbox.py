"""The durable outbox: notifications written with the change that caused them, then claimed,
delivered and marked by the dispatcher.

Claiming takes a time-limited lease, so rows held by a dispatcher that died are picked up
again once the lease runs out; on PostgreSQL `FOR UPDATE SKIP LOCKED` lets several
replicas claim different rows at once.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.context import Context
from bot.core.notifications.types import Card, Notification, NotificationKind
from bot.core.storage.models import OutboxMessage, PlatformSeen

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def enqueue(session: Session, *, now: datetime, recipient: str, kind: NotificationKind, card: Card,
            dedupe_key: str) -> bool:
    """Add a notification to the caller's transaction. False if `dedupe_key` was already used."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return False
    notification = Notification(
        id=uuid.uuid4().hex, recipient=recipient, kind=kind, title=card.title, text=card.text,
        created_at=now, fields=card.fields, actions=card.actions, subject=card.subject, quote=card.quote,
    )
    try:
        # A savepoint, so a concurrent duplicate only skips this message, not the caller's work.
        with session.begin_nested():
            session.add(OutboxMessage(
                notification_id=notification.id, dedupe_key=dedupe_key, recipient_email=recipient,
                kind=kind.value, payload=notification.to_json(), status=PENDING, attempts=0,
                created_at=now, next_attempt_at=now,
            ))
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Claimed:
    id: int
    notification: Notification
    attempts: int  # including this one
    preferred_platform: str | None


def claim(*, ctx: Context, worker_id: str, now: datetime, limit: int, lease_seconds: float) -> list[Claimed]:
    """Lease up to `limit` due messages to `worker_id`."""
    until = now + timedelta(seconds=lease_seconds)
    due = (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now) & or_(
        OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    with ctx.db.transaction() as session:
        ids = session.scalars(
            select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed: list[Claimed] = []
        for message_id in ids:
            # Conditional update: with SQLite (no row locks) only one claimer can win a row.
            won = session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id, due)
                .values(claimed_by=worker_id, claimed_until=until, attempts=OutboxMessage.attempts + 1)
            ).rowcount
            if not won:
                continue
            row = session.get(OutboxMessage, message_id)
            session.refresh(row)
            seen = session.get(PlatformSeen, row.recipient_email)
            claimed.append(Claimed(row.id, Notification.from_json(row.payload), row.attempts,
                                   seen.platform if seen else None))
    return claimed


def mark_delivered(*, ctx: Context, message_id: int, now: datetime, platform: str) -> None:
    with ctx.db.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status=DELIVERED, delivered_at=now, platform=platform, claimed_until=None, last_error=None))


def mark_retry(*, ctx: Context, message_id: int, at: datetime, error: str) -> None:
    with ctx.db.transaction() as session:
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status == PENDING).values(
            next_attempt_at=at, claimed_by=None, claimed_until=None, last_error=error[:2000]))


def mark_failed(*, ctx: Context, message_id: int, error: str) -> None:
    with ctx.db.transaction() as session:
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status == PENDING).values(
            status=FAILED, claimed_by=None, claimed_until=None, last_error=error[:2000]))
