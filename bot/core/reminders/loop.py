"""Background tasks for `policybot serve` and `policybot worker`: the dispatcher and the due-jobs loop."""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.core.errors import StorageUnavailable

if TYPE_CHECKING:
    from bot.core.app import Assistant

log = logging.getLogger(__name__)


class BackgroundTasks:
    """Start with `await start()` (e.g. aiohttp on_startup), stop with `await stop()` (on_cleanup)."""

    def __init__(self, *, assistant: "Assistant", interval_seconds: float = 5.0, jobs_every_seconds: float = 60.0):
        self.assistant = assistant
        self.interval_seconds = interval_seconds
        self.jobs_every_seconds = jobs_every_seconds
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._stop.clear()
        dispatcher = self.assistant.dispatcher()
        self._tasks = [
            asyncio.create_task(dispatcher.run_forever(self._stop, interval_seconds=self.interval_seconds),
                                name="policybot-dispatcher"),
            asyncio.create_task(self._jobs_loop(), name="policybot-jobs"),
        ]

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def run_until_stopped(self) -> None:
        await self.start()
        try:
            await self._stop.wait()
        finally:
            await self.stop()

    def request_stop(self) -> None:
        self._stop.set()

    async def _jobs_loop(self) -> None:
        while not self._stop.is_set():
            try:
                summary = await asyncio.to_thread(self.assistant.run_due_jobs)
                log.debug("due jobs: %s", summary)
            except StorageUnavailable:
                log.warning("due jobs: database unavailable; will retry")
            except Exception:  # keep reminding even if one round hits a bug
                log.exception("due jobs round failed")
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.jobs_every_seconds)
            except asyncio.TimeoutError:
                pass
