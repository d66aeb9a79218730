"""Durable platform addresses: what an adapter needs to reach someone or something later (a Teams
conversation reference; where a card about an item was posted to someone), kept across restarts
and shared by every replica. Core stores the adapter's data as given and never reads inside it.
"""
from __future__ import annotations

from sqlalchemy import select

from bot.core.context import Context
from bot.core.storage.models import PlatformAddress

MAX_CARDS = 20  # cards about one item remembered per person (reminders add more)


def remember(*, ctx: Context, platform: str, key: str, data: dict) -> None:
    """Save (or replace) the address stored under `key`; a no-op when it is unchanged."""
    with ctx.db.transaction() as session:
        row = session.scalar(
            select(PlatformAddress).where(PlatformAddress.platform == platform, PlatformAddress.key == key)
            .with_for_update())
        if row is None:
            session.add(PlatformAddress(platform=platform, key=key, data=data, updated_at=ctx.clock.now()))
        elif row.data != data:
            row.data = data
            row.updated_at = ctx.clock.now()


def recall(*, ctx: Context, platform: str, key: str) -> dict | None:
    with ctx.db.transaction() as session:
        row = session.scalar(
            select(PlatformAddress).where(PlatformAddress.platform == platform, PlatformAddress.key == key)
        )
        return dict(row.data) if row is not None else None


def _card_key(subject_ref: str, recipient: str) -> str:
    return f"card:{subject_ref}:{recipient.lower()}"[:200]


def remember_card(*, ctx: Context, platform: str, subject_ref: str, recipient: str, location: dict) -> None:
    """Where the bot itself posted a card about `subject_ref` to `recipient`: the only places an
    action on that item may later update (never a location carried in a request)."""
    key = _card_key(subject_ref, recipient)
    found = recall(ctx=ctx, platform=platform, key=key) or {"locations": []}
    locations = [loc for loc in found.get("locations", []) if loc != location] + [location]
    remember(ctx=ctx, platform=platform, key=key, data={"locations": locations[-MAX_CARDS:]})


def card_locations(*, ctx: Context, platform: str, subject_ref: str, recipient: str) -> list[dict]:
    found = recall(ctx=ctx, platform=platform, key=_card_key(subject_ref, recipient)) or {}
    return list(found.get("locations", []))
