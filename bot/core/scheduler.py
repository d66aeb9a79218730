"""Time-driven work, for `policybot serve` and `policybot worker`: the outbox dispatcher and the
due-jobs loop, which asks each domain to do what is due (its own reminders, hand-ons, closes)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from bot.core import events
from bot.core.asking import offers
from bot.core.context import Context
from bot.core.errors import StorageUnavailable
from bot.core.escalations import jobs as escalation_jobs
from bot.core.notifications import retention
from bot.core.reports import jobs as report_jobs

if TYPE_CHECKING:
    from bot.core.notifications.dispatcher import Dispatcher

log = logging.getLogger(__name__)


@dataclass
class JobsSummary:
    escalation_reminders: int = 0
    escalations_overdue: int = 0
    escalations_closed: int = 0
    report_reminders: int = 0
    reports_reassigned: int = 0
    outbox_scrubbed: int = 0


def run_due_jobs(*, ctx: Context, now: datetime) -> JobsSummary:
    escalations = escalation_jobs.run_due(ctx=ctx, now=now)
    reports = report_jobs.run_due(ctx=ctx, now=now)
    events.prune(ctx=ctx, now=now)
    offers.purge_expired(ctx=ctx, now=now)
    scrubbed = retention.scrub_outbox(ctx=ctx, now=now)
    return JobsSummary(escalation_reminders=escalations.reminders, escalations_overdue=escalations.overdue,
                       escalations_closed=escalations.closed, report_reminders=reports.reminders,
                       reports_reassigned=reports.reassigned, outbox_scrubbed=scrubbed)


class BackgroundTasks:
    """Start with `await start()` (e.g. aiohttp on_startup), stop with `await stop()` (on_cleanup)."""

    def __init__(self, *, dispatcher: Callable[[], "Dispatcher"], run_jobs: Callable[[], object],
                 interval_seconds: float = 5.0, jobs_every_seconds: float = 60.0):
        self._dispatcher = dispatcher
        self._run_jobs = run_jobs
        self.interval_seconds = interval_seconds
        self.jobs_every_seconds = jobs_every_seconds
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._stop.clear()
        dispatcher = self._dispatcher()
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
                summary = await asyncio.to_thread(self._run_jobs)
                log.debug("due jobs: %s", summary)
            except StorageUnavailable:
                log.warning("due jobs: database unavailable; will retry")
            except Exception:  # keep reminding even if one round hits a bug
                log.exception("due jobs round failed")
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.jobs_every_seconds)
            except asyncio.TimeoutError:
                pass
