"""A dispatcher process for the crash tests: delivers the outbox to a JSONL file via LogNotifier.

--stall before|after makes the first delivery hang before/after writing, and writes a
marker file so the test knows when to kill -9 this process.
"""
from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from bot.core.app import Assistant
from bot.core.config import CoreConfig
from bot.core.directory import FileDirectory
from bot.core.notifications.log_notifier import LogNotifier
from bot.core.notifications.registry import NotifierRegistry
from bot.core.storage.db import Database


class Stalling:
    platform = "cli"

    def __init__(self, inner: LogNotifier, stall: str | None, marker: Path):
        self.inner, self.stall, self.marker = inner, stall, marker

    def can_reach(self, person) -> bool:
        return True

    async def deliver(self, notification, person) -> None:
        if self.stall == "before":
            self.marker.write_text("stalled")
            time.sleep(120)  # blocks the loop on purpose: the process is killed here
        await self.inner.deliver(notification, person)
        if self.stall == "after":
            self.marker.write_text("stalled")
            time.sleep(120)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--search-path")
    parser.add_argument("--directory", required=True, type=Path)
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--marker", required=True, type=Path)
    parser.add_argument("--stall", choices=["before", "after"])
    args = parser.parse_args()
    connect_args = {"options": f"-csearch_path={args.search_path}"} if args.search_path else {}
    notifier = Stalling(LogNotifier(args.log), args.stall, args.marker)
    assistant = Assistant(db=Database(args.db, connect_args=connect_args), directory=FileDirectory(args.directory),
                          notifiers=NotifierRegistry([notifier]), config=CoreConfig(outbox_lease_seconds=1.0))
    asyncio.run(assistant.dispatcher().run_once())


if __name__ == "__main__":
    main()
