"""The escalations' timed work: reminding the recipient, telling the head teacher of an overdue
query, and closing answered queries after the quiet period.

Each item is claimed with a conditional UPDATE (only while its "done" column is empty), so
replicas running this at the same moment never send the same reminder twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.core.audit import service as audit
from bot.core.calendar import add_working_days
from bot.core.context import Context
from bot.core.directory import routing
from bot.core.escalations import notices
from bot.core.escalations import service as escalations
from bot.core.escalations.types import CloseReason, EscalationStatus
from bot.core.storage.models import Escalation

log = logging.getLogger(__name__)

OPEN, ANSWERED = EscalationStatus.OPEN.value, EscalationStatus.ANSWERED.value


@dataclass
class EscalationJobs:
    reminders: int = 0
    overdue: int = 0
    closed: int = 0


def run_due(*, ctx: Context, now: datetime) -> EscalationJobs:
    done = EscalationJobs()
    config, tz = ctx.config, ctx.config.timezone
    with ctx.db.transaction() as session:
        rows = session.scalars(select(Escalation).where(Escalation.status.in_((OPEN, ANSWERED)))).all()
    for row in rows:
        if row.status == OPEN:
            days = config.escalation_reminder_working_days
            if row.reminded_at is None and now >= add_working_days(row.routed_at, days, tz=tz):
                done.reminders += remind(ctx=ctx, row_id=row.id, now=now)
            if row.overdue_notified_at is None and now >= add_working_days(row.routed_at, 2 * days, tz=tz):
                done.overdue += tell_overdue(ctx=ctx, row_id=row.id, now=now)
        elif now >= add_working_days(row.answered_at, config.escalation_quiet_working_days, tz=tz):
            done.closed += close_quiet(ctx=ctx, row_id=row.id, now=now)
    return done


def _claim(session, row_id: int, column, now: datetime) -> bool:
    query = update(Escalation).where(Escalation.id == row_id, column.is_(None), Escalation.status == OPEN)
    return session.execute(query.values({column.key: now})).rowcount == 1


def remind(*, ctx: Context, row_id: int, now: datetime) -> int:
    directory = ctx.directory
    with ctx.db.transaction() as session:
        if not _claim(session, row_id, Escalation.reminded_at, now):
            return 0
        row = session.get(Escalation, row_id)
        recipient = directory.get(row.recipient_email)
        if recipient is None:
            log.warning("escalation %s: recipient left the directory; no reminder", row.ref)
            return 0
        notices.reminder(session, now=now, row=row, recipient=recipient, directory=directory)
        audit.record(session, at=now, actor=audit.SYSTEM, action="escalation.reminded", subject_type="escalation",
                     subject_ref=row.ref, after={"to": recipient.email})
    return 1


def tell_overdue(*, ctx: Context, row_id: int, now: datetime) -> int:
    directory = ctx.directory
    with ctx.db.transaction() as session:
        if not _claim(session, row_id, Escalation.overdue_notified_at, now):
            return 0
        row = session.get(Escalation, row_id)
        to = routing.overdue_watcher(directory, recipient=row.recipient_email,
                                     concerned=[row.asker_email, *(row.concerns_emails or ())])
        if to is None:
            log.warning("escalation %s is overdue and there is nobody above its recipient to tell", row.ref)
            return 0
        row.overdue_notified_email = to.email
        notices.overdue(session, now=now, row=row, to=to, directory=directory)
        audit.record(session, at=now, actor=audit.SYSTEM, action="escalation.overdue", subject_type="escalation",
                     subject_ref=row.ref, after={"told": to.email})
    return 1


def close_quiet(*, ctx: Context, row_id: int, now: datetime) -> int:
    """An answered query the asker never marked resolved closes itself after the quiet period."""
    with ctx.db.transaction() as session:
        row = session.scalar(select(Escalation).where(Escalation.id == row_id).with_for_update())
        if row is None or row.status != ANSWERED:
            return 0  # resolved meanwhile, or another replica closed it
        escalations.close(session, ctx=ctx, row=row, actor=audit.SYSTEM, reason=CloseReason.QUIET_PERIOD)
        notices.closed(session, now=now, row=row, to=row.asker_email,
                       text="Your query was answered and has now been closed automatically. "
                            "Ask again at any time if you need more help.")
    return 1
