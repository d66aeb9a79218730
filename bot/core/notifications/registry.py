"""Maps platform names to Notifiers and picks the one that reaches a given person."""
from __future__ import annotations

from typing import Iterable

from bot.core.directory.model import Person
from bot.core.notifications.ports import Notifier


class NotifierRegistry:
    def __init__(self, notifiers: Iterable[Notifier] = (), *, fallback: Notifier | None = None):
        """`fallback` is used for people no platform notifier can reach (e.g. the log notifier)."""
        self._by_platform: dict[str, Notifier] = {}
        self.fallback = fallback
        for notifier in notifiers:
            self.register(notifier)

    def register(self, notifier: Notifier) -> None:
        self._by_platform[notifier.platform] = notifier

    @property
    def platforms(self) -> list[str]:
        return list(self._by_platform)

    def get(self, platform: str) -> Notifier | None:
        return self._by_platform.get(platform)

    def choose(self, person: Person, preferred: str | None = None) -> Notifier | None:
        """The platform the person used last if it can reach them, else the first that can."""
        preferred_notifier = self._by_platform.get(preferred or "")
        if preferred_notifier is not None and preferred_notifier.can_reach(person):
            return preferred_notifier
        for notifier in self._by_platform.values():
            if notifier.can_reach(person):
                return notifier
        return self.fallback
