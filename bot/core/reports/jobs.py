"""The reports' timed work: reminding an unacknowledged report's recipient, then passing it on.

Reports can concern threats to staff, so the clock is wall-clock hours, weekends included.
Each step is claimed with a conditional UPDATE, so replicas never do it twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.core.audit import service as audit
from bot.core.context import Context
from bot.core.directory import routing
from bot.core.reports import notices
from bot.core.reports.types import ReportStatus
from bot.core.storage.models import Report

log = logging.getLogger(__name__)

RECEIVED = ReportStatus.RECEIVED.value


@dataclass
class ReportJobs:
    reminders: int = 0
    reassigned: int = 0


def run_due(*, ctx: Context, now: datetime) -> ReportJobs:
    done = ReportJobs()
    period = timedelta(hours=ctx.config.report_ack_hours)
    with ctx.db.transaction() as session:
        rows = session.scalars(select(Report).where(Report.status == RECEIVED)).all()
    for row in rows:
        if row.reminded_at is None and now >= row.routed_at + period:
            done.reminders += remind(ctx=ctx, row_id=row.id, now=now)
        if row.reassigned_at is None and now >= row.routed_at + 2 * period:
            done.reassigned += pass_on(ctx=ctx, row_id=row.id, now=now)
    return done


def _claim(session, row_id: int, column, now: datetime) -> bool:
    query = update(Report).where(Report.id == row_id, column.is_(None), Report.status == RECEIVED)
    return session.execute(query.values({column.key: now})).rowcount == 1


def remind(*, ctx: Context, row_id: int, now: datetime) -> int:
    with ctx.db.transaction() as session:
        if not _claim(session, row_id, Report.reminded_at, now):
            return 0
        row = session.get(Report, row_id)
        notices.reminder(session, now=now, row=row, directory=ctx.directory)
        audit.record(session, at=now, actor=audit.SYSTEM, action="report.reminded", subject_type="report",
                     subject_ref=row.ref, after={"to": row.recipient_email})
    return 1


def pass_on(*, ctx: Context, row_id: int, now: datetime) -> int:
    """Not acknowledged in twice the time: the report becomes the deputy's (or the next up's)."""
    directory = ctx.directory
    with ctx.db.transaction() as session:
        if not _claim(session, row_id, Report.reassigned_at, now):
            return 0
        row = session.get(Report, row_id)
        current = directory.get(row.recipient_email)
        concerned = [*(row.involved_emails or ()), row.reporter_email]
        target = routing.overdue_fallback(directory, current, concerned) if current else directory.deputy
        if target is None:
            log.warning("report %s is not acknowledged and nobody can take it over", row.ref)
            return 0
        previous = row.recipient_email
        row.recipient_email = target.email
        audit.record(session, at=now, actor=audit.SYSTEM, action="report.reassigned", subject_type="report",
                     subject_ref=row.ref, before={"recipient": previous}, after={"recipient": target.email})
        notices.reassigned(session, now=now, row=row, previous=previous, directory=directory)
    return 1
