"""The durable outbox: notifications written with the change that caused them, then claimed,
delivered and marked by the dispatcher.

Each message is claimed on its own with a time-limited lease that its dispatcher renews while
the delivery runs, so a message held by a dispatcher that died is picked up again once the
lease runs out, and nothing it had not started is held with it. At most one message per
recipient is in flight, so one person's notifications go out in the order they were written.
On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several replicas claim different rows at once.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Collection

from sqlalchemy import exists, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.core.context import Context
from bot.core.notifications.types import Notice, Notification, NotificationKind
from bot.core.storage.models import OutboxMessage, PlatformSeen

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def enqueue(session: Session, *, now: datetime, recipient: str, kind: NotificationKind, card: Notice,
            dedupe_key: str, whole_card: dict | None = None) -> bool:
    """Add a notification to the caller's transaction. False if `dedupe_key` was already used."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return False
    notification = Notification(
        id=uuid.uuid4().hex, recipient=recipient, kind=kind, title=card.title, text=card.text,
        created_at=now, fields=card.fields, actions=card.actions, subject=card.subject, quote=card.quote,
        card=whole_card,
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
class InDoubt:
    """An earlier attempt was handed to `platform` at `since`; whether it arrived is unknown."""

    platform: str
    since: datetime


@dataclass(frozen=True)
class Claimed:
    id: int
    notification: Notification
    attempts: int  # including this one
    preferred_platform: str | None
    in_doubt: InDoubt | None = None


def _due(now: datetime):
    return ((OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now)
            & OutboxMessage.payload.is_not(None)
            & or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def claim(*, ctx: Context, worker_id: str, now: datetime, limit: int, lease_seconds: float,
          busy: Collection[str] = ()) -> list[Claimed]:
    """Lease up to `limit` due messages to `worker_id`: the oldest due one of each recipient
    that has no delivery in flight here (`busy`) or in any other dispatcher."""
    if limit <= 0:
        return []
    until = now + timedelta(seconds=lease_seconds)
    other = aliased(OutboxMessage)
    in_flight = exists().where(other.recipient_email == OutboxMessage.recipient_email,
                               other.status == PENDING, other.claimed_until >= now)
    with ctx.db.transaction() as session:
        candidates = session.execute(
            select(OutboxMessage.id, OutboxMessage.recipient_email).where(_due(now), ~in_flight)
            .order_by(OutboxMessage.id).limit(max(limit * 5, 50)).with_for_update(skip_locked=True)
        ).all()
        taken: set[str] = set(busy)
        claimed: list[Claimed] = []
        for message_id, recipient in candidates:
            if len(claimed) >= limit:
                break
            if recipient in taken:
                continue  # an older message to them goes first
            taken.add(recipient)
            # Conditional update: with SQLite (no row locks) only one claimer can win a row.
            won = session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
                .values(claimed_by=worker_id, claimed_until=until, attempts=OutboxMessage.attempts + 1)
            ).rowcount
            if not won:
                continue
            row = session.get(OutboxMessage, message_id)
            session.refresh(row)
            seen = session.get(PlatformSeen, row.recipient_email)
            doubt = InDoubt(row.sending_platform, row.sending_since) if row.sending_platform and row.sending_since else None
            claimed.append(Claimed(row.id, Notification.from_json(row.payload), row.attempts,
                                   seen.platform if seen else None, doubt))
    return claimed


def _held(message_id, worker_id: str):
    return (OutboxMessage.id == message_id) & (OutboxMessage.status == PENDING) & (OutboxMessage.claimed_by == worker_id)


def renew(*, ctx: Context, worker_id: str, message_ids: Collection[int], until: datetime) -> int:
    """Extend this worker's leases on `message_ids`; returns how many it still held."""
    if not message_ids:
        return 0
    with ctx.db.transaction() as session:
        return session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(list(message_ids)), OutboxMessage.status == PENDING,
            OutboxMessage.claimed_by == worker_id).values(claimed_until=until)).rowcount or 0


def mark_sending(*, ctx: Context, message_id: int, worker_id: str, platform: str, now: datetime) -> bool:
    """Record, before handing it over, that an attempt may reach `platform`. False if this
    worker no longer holds the message (its lease ran out and someone else may be sending)."""
    with ctx.db.transaction() as session:
        return session.execute(update(OutboxMessage).where(_held(message_id, worker_id)).values(
            sending_platform=platform, sending_since=now)).rowcount == 1


def mark_delivered(*, ctx: Context, message_id: int, now: datetime, platform: str) -> None:
    """Delivered: the text is dropped at once; what dedupe, audit and troubleshooting need stays."""
    with ctx.db.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status=DELIVERED, delivered_at=now, platform=platform, claimed_by=None, claimed_until=None,
            last_error=None, sending_platform=None, sending_since=None, payload=null(), scrubbed_at=now))


def mark_retry(*, ctx: Context, message_id: int, worker_id: str, at: datetime, error: str,
               maybe_sent: bool, count: bool = True) -> None:
    """Give the message back, due at `at`. `maybe_sent`: the attempt may have arrived, so the
    next one checks first. `count=False` (a 429) does not use up one of the attempts."""
    values: dict = {"next_attempt_at": at, "claimed_by": None, "claimed_until": None, "last_error": error[:2000]}
    if not maybe_sent:
        values.update(sending_platform=None, sending_since=None)
    if not count:
        values["attempts"] = OutboxMessage.attempts - 1
    with ctx.db.transaction() as session:
        session.execute(update(OutboxMessage).where(_held(message_id, worker_id)).values(values))


def mark_failed(*, ctx: Context, message_id: int, worker_id: str, error: str, now: datetime) -> None:
    """Given up. The text is kept for `outbox_keep_failed_days` (see `retention`)."""
    with ctx.db.transaction() as session:
        session.execute(update(OutboxMessage).where(_held(message_id, worker_id)).values(
            status=FAILED, failed_at=now, claimed_by=None, claimed_until=None, sending_platform=None,
            sending_since=None, last_error=error[:2000]))
