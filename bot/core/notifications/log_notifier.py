"""The "cli" notifier: used when no chat platform is configured; logs and records deliveries."""
from __future__ import annotations

import json
import logging
import threading
from datetime import datetime
from pathlib import Path

from bot.core.directory.model import Person
from bot.core.notifications.types import Notification

log = logging.getLogger("policybot.notifications")


class LogNotifier:
    """Logs each notification and, given a path, appends it as one JSON line.

    Re-deliveries of the same notification id (after a crash) are recognised from the
    file and not written again, as a chat adapter would dedupe on the id.
    """

    platform = "cli"

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        if self.path and self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    self._seen.add(json.loads(line)["notification"]["id"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line torn by a crash mid-write

    def can_reach(self, person: Person) -> bool:
        return True

    async def find_delivered(self, notification: Notification, person: Person, *, since: datetime) -> bool:
        """Whether an earlier attempt wrote it (the file is this notifier's "chat history")."""
        with self._lock:
            return notification.id in self._seen

    async def deliver(self, notification: Notification, person: Person) -> None:
        with self._lock:
            if notification.id in self._seen:
                log.info("notification %s already delivered; skipped", notification.id)
                return
            log.info("notify %s <%s> [%s] %s", person.name, person.email, notification.kind.value, notification.title)
            if self.path:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                record = {"to": person.email, "notification": notification.to_json()}
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(record) + "\n")
                    handle.flush()
            self._seen.add(notification.id)
