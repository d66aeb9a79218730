"""An in-memory Notifier for tests: records what reached each person, and on request fails,
rate-limits, loses the answer after delivering, or holds a delivery until released."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.directory.model import Person
from bot.core.errors import PermanentDeliveryError, TransientDeliveryError
from bot.core.notifications.ports import RateLimited
from bot.core.notifications.types import Notification, NotificationKind


@dataclass(eq=False)
class RecordingNotifier:
    platform: str = "slack"
    configured: bool = True
    # Like Slack's users.lookupByEmail: anyone with an e-mail can be tried, not only those with an id.
    reaches_by_email: bool = False
    delivered: list[tuple[Notification, Person]] = field(default_factory=list)
    sent_to: list[str] = field(default_factory=list)  # e-mail of every call to deliver, successful or not
    _failures: list[tuple[Exception, bool, str | None]] = field(default_factory=list)
    _gates: dict[str, asyncio.Event] = field(default_factory=dict)

    def can_reach(self, person: Person) -> bool:
        return self.platform == "cli" or bool(person.platform_id(self.platform)) or (
            self.reaches_by_email and bool(person.email))

    def fail_next(self, times: int = 1, *, permanent: bool = False, after_delivering: bool = False,
                  email: str | None = None) -> None:
        """The next deliveries (to `email` only, if given) fail. `after_delivering`: the message
        arrives but the answer is lost (a timeout)."""
        error = PermanentDeliveryError("refused") if permanent else TransientDeliveryError("platform unavailable")
        self._failures.extend([(error, after_delivering, email)] * times)

    def rate_limit_next(self, times: int = 1, *, retry_after: float = 45, email: str | None = None) -> None:
        self._failures.extend([(RateLimited("HTTP 429", retry_after=retry_after), False, email)] * times)

    def hold(self, email: str) -> asyncio.Event:
        """Deliveries to `email` wait until the returned event is set."""
        return self._gates.setdefault(email, asyncio.Event())

    async def deliver(self, notification: Notification, person: Person) -> None:
        self.sent_to.append(person.email)
        gate = self._gates.get(person.email)
        if gate is not None:
            await gate.wait()
        for index, (error, arrived, email) in enumerate(self._failures):
            if email in (None, person.email):
                del self._failures[index]
                if arrived:
                    self.delivered.append((notification, person))
                raise error
        self.delivered.append((notification, person))

    async def find_delivered(self, notification: Notification, person: Person, *, since: datetime) -> bool:
        return any(n.id == notification.id and p.email == person.email for n, p in self.delivered)

    @property
    def sends(self) -> int:
        return len(self.sent_to)

    def to(self, email: str, kind: NotificationKind | None = None) -> list[Notification]:
        return [n for n, p in self.delivered if p.email == email and (kind is None or n.kind is kind)]

    def kinds(self) -> list[tuple[str, NotificationKind]]:
        return [(n.recipient, n.kind) for n, _ in self.delivered]

    def clear(self) -> None:
        self.delivered.clear()

