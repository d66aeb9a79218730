"""Maps platform names to Notifiers and picks, in order, the ones that can reach a given person."""
from __future__ import annotations

from typing import Iterable

from bot.core.directory.model import Person
from bot.core.notifications.ports import Notifier, is_configured


class NotifierRegistry:
    def __init__(self, notifiers: Iterable[Notifier] = (), *, fallback: Notifier | None = None):
        """`fallback` (e.g. the log notifier) is used only while no configured chat notifier is
        registered: once a platform is set up, "delivered to the log" would be a lie."""
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
        found = self._by_platform.get(platform)
        if found is None and self.fallback is not None and self.fallback.platform == platform:
            return self.fallback
        return found

    def candidates(self, person: Person, preferred: str | None = None) -> list[Notifier]:
        """Configured notifiers that can reach the person, best first: the platform they used
        last, then platforms that have their id, then those that can look them up (Slack by
        e-mail), in registration order. The fallback only when no chat platform is configured."""
        configured = [n for n in self._by_platform.values() if is_configured(n)]
        usable = [n for n in configured if n.can_reach(person)]
        by_id = [n for n in usable if _has_id(person, n.platform)]
        ranked = [n for n in usable if n.platform == preferred] + by_id + usable
        if not configured and self.fallback is not None and self.fallback.can_reach(person):
            ranked.append(self.fallback)
        unique: dict[int, Notifier] = {}
        for notifier in ranked:
            unique.setdefault(id(notifier), notifier)
        return list(unique.values())

    def choose(self, person: Person, preferred: str | None = None) -> Notifier | None:
        """The best of `candidates`, or None when nothing can reach the person."""
        found = self.candidates(person, preferred)
        return found[0] if found else None


def _has_id(person: Person, platform: str) -> bool:
    try:
        return bool(person.platform_id(platform))
    except ValueError:  # a platform the directory has no column for
        return False
