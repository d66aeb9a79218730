"""Durable platform addresses: what an adapter needs to message someone proactively later
(e.g. a Teams conversation reference), kept across restarts and shared by every replica.

Core stores the adapter's data as given and never reads inside it.
"""
from __future__ import annotations

from sqlalchemy import select

from bot.core.context import Context
from bot.core.storage.models import PlatformAddress


def remember(*, ctx: Context, platform: str, key: str, data: dict) -> None:
    """Save (or replace) the address stored under `key`; a no-op when it is unchanged."""
    with ctx.db.transaction() as session:
        row = session.scalar(
            select(PlatformAddress).where(PlatformAddress.platform == platform, PlatformAddress.key == key)
        )
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
