"""Processing each platform event once: Slack re-sends an event when an acknowledgement seems
slow, with the same event id, possibly to another replica or after a restart."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.core.context import Context
from bot.core.storage.models import HandledEvent

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=1)


def first_delivery(*, ctx: Context, platform: str, event_id: str) -> bool:
    """True the first time this event id is seen (and records it); False for a re-delivery."""
    try:
        with ctx.db.transaction() as session:
            session.add(HandledEvent(platform=platform, event_id=event_id[:200], seen_at=ctx.clock.now()))
    except IntegrityError:
        return False
    return True


def prune(*, ctx: Context, now: datetime) -> int:
    with ctx.db.transaction() as session:
        return session.execute(delete(HandledEvent).where(HandledEvent.seen_at < now - KEEP_FOR)).rowcount or 0
