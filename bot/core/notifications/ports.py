"""The interface a chat platform implements so the core can reach people on it."""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.directory.model import Person
from bot.core.notifications.types import Notification


@runtime_checkable
class Notifier(Protocol):
    """Delivers notifications on one platform.

    `deliver` must raise `TransientDeliveryError` for failures worth retrying and
    `PermanentDeliveryError` for the rest. The same notification (same `id`) may be
    delivered again after a crash; implementations should dedupe on `notification.id`
    where the platform allows it (e.g. keep a small cache or use it as a client msg id).
    """

    platform: str  # "slack", "teams", "cli"

    def can_reach(self, person: Person) -> bool:
        """Whether this platform has an id for the person (e.g. slack_user_id is set)."""

    async def deliver(self, notification: Notification, person: Person) -> None:
        """Send it; return only once the platform accepted it."""
