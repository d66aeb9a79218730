"""Delivers the outbox: claim a batch, hand each notification to the right Notifier, record the result."""
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
from bot.core.notifications.registry import NotifierRegistry

log = logging.getLogger(__name__)


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

    async def run_once(self) -> DispatchSummary:
        """Deliver everything due now (one batch at a time until none is left)."""
        summary = DispatchSummary()
        config = self.ctx.config
        while True:
            batch = await asyncio.to_thread(
                outbox.claim, ctx=self.ctx, worker_id=self.worker_id, now=self.ctx.clock.now(),
                limit=config.outbox_batch_size, lease_seconds=config.outbox_lease_seconds)
            for message in batch:
                await self._deliver(message, summary)
            if len(batch) < config.outbox_batch_size:
                return summary

    async def run_forever(self, stop: asyncio.Event, *, interval_seconds: float = 5.0) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except StorageUnavailable:
                log.warning("dispatcher: database unavailable; will retry")
            except Exception:  # a bug in one delivery round must not stop delivery for good
                log.exception("dispatcher round failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
            except asyncio.TimeoutError:
                pass

    async def _deliver(self, message: outbox.Claimed, summary: DispatchSummary) -> None:
        notification = message.notification
        person = self.ctx.directory.get(notification.recipient)
        notifier = self.registry.choose(person, message.preferred_platform) if person else None
        if notifier is None:
            reason = "recipient not in the directory" if person is None else "no notifier can reach the recipient"
            await self._fail(message, reason, summary)
            return
        try:
            await notifier.deliver(notification, person)
        except PermanentDeliveryError as exc:
            await self._fail(message, f"{notifier.platform}: {exc}", summary)
            return
        except Exception as exc:  # transient errors and anything unexpected are retried
            await self._retry(message, f"{notifier.platform}: {exc.__class__.__name__}: {exc}", summary)
            return
        await asyncio.to_thread(outbox.mark_delivered, ctx=self.ctx, message_id=message.id,
                                now=self.ctx.clock.now(), platform=notifier.platform)
        summary.delivered += 1

    async def _retry(self, message: outbox.Claimed, error: str, summary: DispatchSummary) -> None:
        config = self.ctx.config
        if message.attempts >= config.outbox_max_attempts:
            await self._fail(message, f"gave up after {message.attempts} attempts: {error}", summary)
            return
        delay = min(config.outbox_backoff_seconds * 2 ** (message.attempts - 1), config.outbox_backoff_max_seconds)
        log.warning("notification %s to %s failed (attempt %d), retrying in %.0fs: %s",
                    message.notification.id, message.notification.recipient, message.attempts, delay, error)
        await asyncio.to_thread(outbox.mark_retry, ctx=self.ctx, message_id=message.id,
                                at=self.ctx.clock.now() + timedelta(seconds=delay), error=error)
        summary.retried += 1

    async def _fail(self, message: outbox.Claimed, error: str, summary: DispatchSummary) -> None:
        log.error("notification %s (%s) to %s not delivered: %s", message.notification.id,
                  message.notification.kind.value, message.notification.recipient, error)
        await asyncio.to_thread(outbox.mark_failed, ctx=self.ctx, message_id=message.id, error=error)
        summary.failed += 1
