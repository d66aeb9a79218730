"""Replies owed: a card the platform could not take when it was sent (Slack or Teams down) goes
through the outbox instead, so the person still gets it later, as a direct message, once."""
from __future__ import annotations

import hashlib

from bot.core.content.model import Card, card_to_json
from bot.core.context import Context
from bot.core.notifications import outbox
from bot.core.notifications.types import Notice, NotificationKind


def owe(*, ctx: Context, recipient: str, card: Card, key: str) -> bool:
    """Queue `card` for `recipient` (an e-mail in the directory); `key` makes a retried send one
    delivery. False if it was queued before."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    notice = Notice(title=card.title or "An answer I owe you", text=card.summary, subject=card.subject)
    with ctx.db.transaction() as session:
        return outbox.enqueue(session, now=ctx.clock.now(), recipient=recipient, kind=NotificationKind.REPLY,
                              card=notice, dedupe_key=f"reply:{digest}", whole_card=card_to_json(card))
