"""The interface a chat platform implements so the core can reach people on it, and the
delivery errors that tell the dispatcher what a failed attempt means."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.core.directory.model import Person
from bot.core.errors import TransientDeliveryError
from bot.core.notifications.types import Notification


class NotSent(TransientDeliveryError):
    """Failed before anything reached the platform (e.g. the user lookup failed), so a retry
    cannot produce a duplicate and needs no check of what was sent."""


class RateLimited(NotSent):
    """The platform refused the call for now (HTTP 429) and said when to come back."""

    def __init__(self, message: str, *, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


@runtime_checkable
class Notifier(Protocol):
    """Delivers notifications on one platform.

    `deliver` raises `RateLimited` or `NotSent` when nothing reached the platform,
    `TransientDeliveryError` for other failures worth retrying (the message may or may not
    have arrived) and `PermanentDeliveryError` for the rest. The same notification (same
    `id`) may be handed over again after a crash; implementations should dedupe on
    `notification.id` where the platform allows it.

    Optional, looked up with getattr so simple notifiers need neither:

    - `configured: bool`: False when the platform has no credentials to send with; such a
      notifier is never chosen. Missing means True.
    - `async find_delivered(notification, person, *, since: datetime) -> bool`: whether an
      earlier attempt, handed over at `since`, did arrive (e.g. found in the chat's
      history). The dispatcher asks before re-sending a notification whose earlier attempt
      may have reached the platform, and counts a True as delivered.
    """

    platform: str  # "slack", "teams", "cli"

    def can_reach(self, person: Person) -> bool:
        """Whether this platform can try to reach the person (an id, or a way to find them)."""

    async def deliver(self, notification: Notification, person: Person) -> None:
        """Send it; return only once the platform accepted it."""


def is_configured(notifier: Notifier) -> bool:
    return bool(getattr(notifier, "configured", True))


async def find_delivered(notifier: Notifier, notification: Notification, person: Person, *,
                         since: datetime) -> bool | None:
    """The notifier's answer, or None when it cannot tell (it has no way to look)."""
    finder = getattr(notifier, "find_delivered", None)
    if finder is None:
        return None
    return bool(await finder(notification, person, since=since))
