"""How long the outbox keeps what a notification said.

A delivered row loses its payload (report text, names, buttons) when it is marked delivered;
a failed one keeps it for `CoreConfig.outbox_keep_failed_days`, so an administrator can see
what did not arrive and queue it again, and is then scrubbed the same way. Rows themselves
stay: their notification id, dedupe key, kind, recipient, status, times, platform and error
are what de-duplication, the audit of who was told what when, and troubleshooting need.
Run from the due-jobs loop (`bot.core.scheduler.run_due_jobs`).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, null, update

from bot.core.context import Context
from bot.core.notifications.outbox import DELIVERED, FAILED
from bot.core.storage.models import OutboxMessage

log = logging.getLogger(__name__)


def scrub_outbox(*, ctx: Context, now: datetime) -> int:
    """Drop the payload of delivered rows and of failed rows past the retention period.
    Returns how many rows were scrubbed."""
    cutoff = now - timedelta(days=ctx.config.outbox_keep_failed_days)
    failed_since = func.coalesce(OutboxMessage.failed_at, OutboxMessage.next_attempt_at)
    expired = ((OutboxMessage.status == DELIVERED)  # e.g. marked by an older replica during an upgrade
               | ((OutboxMessage.status == FAILED) & (failed_since < cutoff)))
    with ctx.db.transaction() as session:
        scrubbed = session.execute(update(OutboxMessage).where(OutboxMessage.payload.is_not(None), expired)
                                   .values(payload=null(), scrubbed_at=now)).rowcount or 0
    if scrubbed:
        log.info("outbox: removed the text of %d delivered or long-failed notifications", scrubbed)
    return scrubbed
