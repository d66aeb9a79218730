"""Due work driven by the clock: reminders, telling the head teacher, hand-overs, quiet-period closes.

Each item is claimed with a conditional UPDATE (only if its "done" column is still empty),
so replicas running this at the same moment never send the same reminder twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.core import events
from bot.core.audit import service as audit
from bot.core.context import Context
from bot.core.directory import routing
from bot.core.escalations import notices as escalation_notices
from bot.core.escalations.types import CloseReason, EscalationStatus
from bot.core.reminders.workdays import add_working_days
from bot.core.reports import notices as report_notices
from bot.core.reports.types import ReportStatus
from bot.core.storage.models import Escalation, Report

log = logging.getLogger(__name__)


@dataclass
class JobsSummary:
    escalation_reminders: int = 0
    escalations_overdue: int = 0
    escalations_closed: int = 0
    report_reminders: int = 0
    reports_reassigned: int = 0


def run_due_jobs(*, ctx: Context, now: datetime) -> JobsSummary:
    summary = JobsSummary()
    _escalation_jobs(ctx, now, summary)
    _report_jobs(ctx, now, summary)
    events.prune(ctx=ctx, now=now)
    return summary


def _escalation_jobs(ctx: Context, now: datetime, summary: JobsSummary) -> None:
    config, tz = ctx.config, ctx.config.timezone
    with ctx.db.transaction() as session:
        rows = session.scalars(select(Escalation).where(Escalation.status.in_(("open", "answered")))).all()
    for row in rows:
        if row.status == EscalationStatus.OPEN.value:
            days = config.escalation_reminder_working_days
            if row.reminded_at is None and now >= add_working_days(row.routed_at, days, tz=tz):
                summary.escalation_reminders += _remind_escalation(ctx, row.id, now)
            if row.overdue_notified_at is None and now >= add_working_days(row.routed_at, 2 * days, tz=tz):
                summary.escalations_overdue += _escalation_overdue(ctx, row.id, now)
        elif now >= add_working_days(row.answered_at, config.escalation_quiet_working_days, tz=tz):
            summary.escalations_closed += _quiet_close(ctx, row.id, now)


def _claim(session, model, row_id: int, column, now: datetime, **conditions) -> bool:
    query = update(model).where(model.id == row_id, column.is_(None))
    for name, value in conditions.items():
        query = query.where(getattr(model, name) == value)
    return session.execute(query.values({column.key: now})).rowcount == 1


def _remind_escalation(ctx: Context, row_id: int, now: datetime) -> int:
    directory = ctx.directory
    with ctx.db.transaction() as session:
        if not _claim(session, Escalation, row_id, Escalation.reminded_at, now, status="open"):
            return 0
        row = session.get(Escalation, row_id)
        recipient = directory.get(row.recipient_email)
        if recipient is None:
            log.warning("escalation %s: recipient %s left the directory; no reminder", row.ref, row.recipient_email)
            return 0
        escalation_notices.reminder(session, now=now, row=row, recipient=recipient, directory=directory)
        audit.record(session, at=now, actor=audit.SYSTEM, action="escalation.reminded", subject_type="escalation",
                     subject_ref=row.ref, after={"to": recipient.email})
    return 1


def _escalation_overdue(ctx: Context, row_id: int, now: datetime) -> int:
    directory = ctx.directory
    with ctx.db.transaction() as session:
        row = session.get(Escalation, row_id)
        head = directory.head_teacher
        # If the head teacher is the one not answering, the chair of governors is told instead.
        to = head if head and head.email != row.recipient_email else directory.chair_of_governors
        if to is None or to.email in (row.recipient_email, row.asker_email, *(row.concerns_emails or ())):
            to = None
        if not _claim(session, Escalation, row_id, Escalation.overdue_notified_at, now, status="open"):
            return 0
        if to is None:
            log.warning("escalation %s is overdue and there is nobody above %s to tell", row.ref, row.recipient_email)
            return 0
        row.overdue_notified_email = to.email
        escalation_notices.overdue(session, now=now, row=row, to=to, directory=directory)
        audit.record(session, at=now, actor=audit.SYSTEM, action="escalation.overdue", subject_type="escalation",
                     subject_ref=row.ref, after={"told": to.email})
    return 1


def _quiet_close(ctx: Context, row_id: int, now: datetime) -> int:
    reason = CloseReason.QUIET_PERIOD.value
    with ctx.db.transaction() as session:
        won = session.execute(
            update(Escalation).where(Escalation.id == row_id, Escalation.status == "answered")
            .values(status="closed", closed_at=now, close_reason=reason)).rowcount
        if not won:
            return 0
        row = session.get(Escalation, row_id)
        audit.record(session, at=now, actor=audit.SYSTEM, action="escalation.closed", subject_type="escalation",
                     subject_ref=row.ref, before={"status": "answered"}, after={"status": "closed", "reason": reason})
        escalation_notices.closed(session, now=now, row=row, to=row.asker_email,
                                  text="Your query was answered and has now been closed automatically. "
                                       "Ask again at any time if you need more help.")
    return 1


def _report_jobs(ctx: Context, now: datetime, summary: JobsSummary) -> None:
    period = timedelta(hours=ctx.config.report_ack_hours)
    with ctx.db.transaction() as session:
        rows = session.scalars(select(Report).where(Report.status == ReportStatus.RECEIVED.value)).all()
    for row in rows:
        if row.reminded_at is None and now >= row.routed_at + period:
            summary.report_reminders += _remind_report(ctx, row.id, now)
        if row.reassigned_at is None and now >= row.routed_at + 2 * period:
            summary.reports_reassigned += _reassign_report(ctx, row.id, now)


def _remind_report(ctx: Context, row_id: int, now: datetime) -> int:
    with ctx.db.transaction() as session:
        if not _claim(session, Report, row_id, Report.reminded_at, now, status="received"):
            return 0
        row = session.get(Report, row_id)
        report_notices.reminder(session, now=now, row=row, directory=ctx.directory)
        audit.record(session, at=now, actor=audit.SYSTEM, action="report.reminded", subject_type="report",
                     subject_ref=row.ref, after={"to": row.recipient_email})
    return 1


def _reassign_report(ctx: Context, row_id: int, now: datetime) -> int:
    directory = ctx.directory
    with ctx.db.transaction() as session:
        if not _claim(session, Report, row_id, Report.reassigned_at, now, status="received"):
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
        report_notices.reassigned(session, now=now, row=row, previous=previous, directory=directory)
    return 1
