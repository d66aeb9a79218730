"""An in-memory Notifier for tests: records deliveries and fails on request."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.directory.model import Person
from bot.core.errors import PermanentDeliveryError, TransientDeliveryError
from bot.core.notifications.types import Notification, NotificationKind


@dataclass
class RecordingNotifier:
    platform: str = "slack"
    delivered: list[tuple[Notification, Person]] = field(default_factory=list)
    _failures: list[Exception] = field(default_factory=list)

    def can_reach(self, person: Person) -> bool:
        return self.platform == "cli" or bool(person.platform_id(self.platform))

    def fail_next(self, times: int = 1, *, permanent: bool = False) -> None:
        error = PermanentDeliveryError("refused") if permanent else TransientDeliveryError("platform unavailable")
        self._failures.extend([error] * times)

    async def deliver(self, notification: Notification, person: Person) -> None:
        if self._failures:
            raise self._failures.pop(0)
        self.delivered.append((notification, person))

    def to(self, email: str, kind: NotificationKind | None = None) -> list[Notification]:
        return [n for n, p in self.delivered if p.email == email and (kind is None or n.kind is kind)]

    def kinds(self) -> list[tuple[str, NotificationKind]]:
        return [(n.recipient, n.kind) for n, _ in self.delivered]

    def clear(self) -> None:
        self.delivered.clear()
