"""Delivers the outbox: several notifications at once (one at a time per recipient), each
claimed on its own, its lease renewed while it is delivered, its outcome recorded.

Before a notification is handed to a platform its row says so (platform and time). A crash
or an unclear failure (timeout, 5xx) leaves it "in doubt", and the next attempt first asks
the platform whether the earlier one arrived (Slack: the notification id in the DM's
message metadata) instead of sending it again blindly. A 429 gives the row back, due after
Retry-After, and holds up nobody else.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta

from bot.core.context import Context
from bot.core.errors import PermanentDeliveryError, StorageUnavailable
from bot.core.notifications import outbox
from bot.core.notifications.ports import NotSent, RateLimited, find_delivered
from bot.core.notifications.registry import NotifierRegistry

log = logging.getLogger(__name__)

# On stop, deliveries under way get this long to finish; the rest are left to their leases
# (and, being in doubt, are checked before they are sent again).
STOP_GRACE_SECONDS = 5.0


@dataclass
class DispatchSummary:
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retried + self.failed


class Dispatcher:
    def __init__(self, *, ctx: Context, registry: NotifierRegistry, worker_id: str | None = None):
        self.ctx = ctx
        self.registry = registry
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._in_flight: dict[int, str] = {}  # outbox row id -> recipient, being delivered here

    async def run_once(self) -> DispatchSummary:
        """Deliver everything due now (and what falls due meanwhile), then return."""
        return await self._run(None, poll_seconds=min(1.0, self._renew_every))

    async def run_forever(self, stop: asyncio.Event, *, interval_seconds: float = 5.0) -> None:
        await self._run(stop, poll_seconds=interval_seconds)

    @property
    def _renew_every(self) -> float:
        return max(self.ctx.config.outbox_lease_seconds / 3, 0.05)

    async def _run(self, stop: asyncio.Event | None, *, poll_seconds: float) -> DispatchSummary:
        loop = asyncio.get_running_loop()
        summary = DispatchSummary()
        tasks: set[asyncio.Task] = set()
        stopping = asyncio.ensure_future(stop.wait()) if stop is not None else None
        next_renewal = loop.time() + self._renew_every
        try:
            while stop is None or not stop.is_set():
                started = await self._start_due(tasks, summary, keep_going=stop is not None)
                if stop is None and not tasks and not started:
                    return summary
                # Wake when a delivery ends (a free slot), to renew leases, or to look for new work.
                timeout = min(poll_seconds, max(next_renewal - loop.time(), 0.0)) if tasks else poll_seconds
                await asyncio.wait(tasks | ({stopping} if stopping else set()), timeout=timeout,
                                   return_when=asyncio.FIRST_COMPLETED)
                tasks = {t for t in tasks if not t.done()}
                if loop.time() >= next_renewal:
                    await self._renew_leases()
                    next_renewal = loop.time() + self._renew_every
            if tasks:
                _, unfinished = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
                tasks = set(unfinished)
            return summary
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if stopping is not None:
                stopping.cancel()

    async def _start_due(self, tasks: set[asyncio.Task], summary: DispatchSummary, *, keep_going: bool) -> int:
        config = self.ctx.config
        free = config.outbox_concurrency - len(tasks)
        if free <= 0:
            return 0
        try:
            claimed = await asyncio.to_thread(
                outbox.claim, ctx=self.ctx, worker_id=self.worker_id, now=self.ctx.clock.now(), limit=free,
                lease_seconds=config.outbox_lease_seconds, busy=set(self._in_flight.values()))
        except Exception as exc:
            if not keep_going:
                raise
            if isinstance(exc, StorageUnavailable):
                log.warning("dispatcher: database unavailable; will retry")
            else:  # a bug in one claim must not stop delivery for good
                log.exception("dispatcher: claiming notifications failed")
            return 0
        for message in claimed:
            self._in_flight[message.id] = message.notification.recipient
            tasks.add(asyncio.create_task(self._deliver(message, summary), name=f"policybot-deliver-{message.id}"))
        return len(claimed)

    async def _renew_leases(self) -> None:
        if not self._in_flight:
            return
        until = self.ctx.clock.now() + timedelta(seconds=self.ctx.config.outbox_lease_seconds)
        try:
            await asyncio.to_thread(outbox.renew, ctx=self.ctx, worker_id=self.worker_id,
                                    message_ids=list(self._in_flight), until=until)
        except Exception:  # the leases may run out; the rows are then checked before re-sending
            log.warning("dispatcher: could not renew delivery leases", exc_info=True)

    async def _deliver(self, message: outbox.Claimed, summary: DispatchSummary) -> None:
        try:
            await self._attempt(message, summary)
        except StorageUnavailable:
            log.warning("notification %s: database unavailable; retried when its lease runs out", message.notification.id)
        except Exception:
            log.exception("notification %s: delivery failed unexpectedly", message.notification.id)
        finally:
            self._in_flight.pop(message.id, None)

    async def _attempt(self, message: outbox.Claimed, summary: DispatchSummary) -> None:
        notification = message.notification
        person = self.ctx.directory.get(notification.recipient)
        if person is None:
            await self._fail(message, "recipient not in the directory", summary)
            return
        if message.in_doubt is not None and await self._settled_by_earlier_attempt(message, person, summary):
            return
        # In a thread: deciding who can reach whom may read stored addresses.
        notifier = await asyncio.to_thread(self.registry.choose, person, message.preferred_platform)
        if notifier is None:
            await self._fail(message, "no notifier can reach the recipient", summary)
            return
        held = await asyncio.to_thread(outbox.mark_sending, ctx=self.ctx, message_id=message.id,
                                       worker_id=self.worker_id, platform=notifier.platform, now=self.ctx.clock.now())
        if not held:
            log.warning("notification %s: lease lost before sending; left to its new holder", notification.id)
            return
        try:
            await notifier.deliver(notification, person)
        except PermanentDeliveryError as exc:
            await self._fail(message, f"{notifier.platform}: {exc}", summary)
        except RateLimited as exc:
            await self._retry(message, f"{notifier.platform}: {exc}", summary, after=exc.retry_after, maybe_sent=False)
        except NotSent as exc:
            await self._retry(message, f"{notifier.platform}: {exc}", summary, maybe_sent=False)
        except Exception as exc:  # a timeout or 5xx may still have arrived: checked before the next attempt
            await self._retry(message, f"{notifier.platform}: {exc.__class__.__name__}: {exc}", summary, maybe_sent=True)
        else:
            await self._delivered(message, notifier.platform, summary)

    async def _settled_by_earlier_attempt(self, message: outbox.Claimed, person, summary: DispatchSummary) -> bool:
        """True if an earlier attempt turned out to have arrived, or the check itself must wait."""
        doubt = message.in_doubt
        notifier = self.registry.get(doubt.platform)
        if notifier is None:
            return False
        try:
            found = await find_delivered(notifier, message.notification, person, since=doubt.since)
        except RateLimited as exc:
            await self._retry(message, f"checking {doubt.platform}: {exc}", summary, after=exc.retry_after,
                              maybe_sent=True)
            return True
        except Exception as exc:  # unsure whether it arrived: never re-send blindly
            await self._retry(message, f"checking {doubt.platform}: {exc.__class__.__name__}: {exc}", summary,
                              maybe_sent=True)
            return True
        if found:
            log.info("notification %s had reached %s before; not sent again", message.notification.id, doubt.platform)
            await self._delivered(message, doubt.platform, summary)
            return True
        return False  # it did not arrive (or the platform cannot tell): send it

    async def _delivered(self, message: outbox.Claimed, platform: str, summary: DispatchSummary) -> None:
        await asyncio.to_thread(outbox.mark_delivered, ctx=self.ctx, message_id=message.id,
                                now=self.ctx.clock.now(), platform=platform)
        summary.delivered += 1

    async def _retry(self, message: outbox.Claimed, error: str, summary: DispatchSummary, *,
                     after: float | None = None, maybe_sent: bool) -> None:
        config = self.ctx.config
        rate_limited = after is not None
        if not rate_limited and message.attempts >= config.outbox_max_attempts:
            await self._fail(message, f"gave up after {message.attempts} attempts: {error}", summary)
            return
        if rate_limited:  # the platform said when; not a failure of ours, so not counted
            delay = min(max(after, 1.0), config.outbox_backoff_max_seconds)
        else:
            delay = min(config.outbox_backoff_seconds * 2 ** (message.attempts - 1), config.outbox_backoff_max_seconds)
        log.warning("notification %s to %s not delivered (attempt %d), retrying in %.0fs: %s",
                    message.notification.id, message.notification.recipient, message.attempts, delay, error)
        await asyncio.to_thread(outbox.mark_retry, ctx=self.ctx, message_id=message.id, worker_id=self.worker_id,
                                at=self.ctx.clock.now() + timedelta(seconds=delay), error=error,
                                maybe_sent=maybe_sent, count=not rate_limited)
        summary.retried += 1

    async def _fail(self, message: outbox.Claimed, error: str, summary: DispatchSummary) -> None:
        log.error("notification %s (%s) to %s not delivered: %s", message.notification.id,
                  message.notification.kind.value, message.notification.recipient, error)
        await asyncio.to_thread(outbox.mark_failed, ctx=self.ctx, message_id=message.id, worker_id=self.worker_id,
                                error=error, now=self.ctx.clock.now())
        summary.failed += 1
