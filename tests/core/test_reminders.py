"""Reminder timing with an injected clock: working days, the head teacher, the deputy, auto-close."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.core.escalations.types import CloseReason, EscalationStatus
from bot.core.notifications.types import NotificationKind as K
from bot.core.calendar import add_working_days
from bot.core.reports.types import ReportCategory, ReportInput
from tests.core.corefakes import deliver

UTC = timezone.utc


def test_working_days_skip_weekends():
    friday_10 = datetime(2026, 3, 6, 10, tzinfo=UTC)
    assert add_working_days(friday_10, 1, tz="Europe/London") == datetime(2026, 3, 9, 10, tzinfo=UTC)
    assert add_working_days(friday_10, 2, tz="Europe/London") == datetime(2026, 3, 10, 10, tzinfo=UTC)
    saturday = datetime(2026, 3, 7, 15, tzinfo=UTC)
    assert add_working_days(saturday, 1, tz="Europe/London") == datetime(2026, 3, 10, 0, tzinfo=UTC)
    # British Summer Time: working days are counted on the local wall clock.
    assert add_working_days(datetime(2026, 7, 3, 9, tzinfo=UTC), 1, tz="Europe/London") == datetime(2026, 7, 6, 9, tzinfo=UTC)


def test_escalation_reminder_then_head_teacher(assistant, people, clock, slack):
    clock.set(datetime(2026, 3, 6, 10, tzinfo=UTC))  # Friday
    view = assistant.escalate(asker=people.amy, question="Unanswered?")
    clock.set(datetime(2026, 3, 9, 9, 59, tzinfo=UTC))  # Monday, just before one working day
    assert assistant.run_due_jobs().escalation_reminders == 0
    clock.advance(minutes=1)
    assert assistant.run_due_jobs().escalation_reminders == 1
    assert assistant.run_due_jobs().escalation_reminders == 0  # only once
    deliver(assistant)
    [reminder] = slack.to(people.tom.email, K.ESCALATION_REMINDER)
    assert reminder.actions[0].id.value == "escalation.answer"
    clock.set(datetime(2026, 3, 10, 10, tzinfo=UTC))  # two working days
    summary = assistant.run_due_jobs()
    assert summary.escalations_overdue == 1 and assistant.run_due_jobs().escalations_overdue == 0
    deliver(assistant)
    [told] = slack.to(people.head.email, K.ESCALATION_OVERDUE)
    assert view.ref in told.title
    assert assistant.get_escalation(actor=people.head, ref=view.ref).ref == view.ref  # head may now look


def test_answered_escalation_closes_after_quiet_period(assistant, people, clock, slack):
    view = assistant.escalate(asker=people.amy, question="Quiet?")
    assistant.answer_escalation(actor=people.tom, ref=view.ref, text="Answer.")
    clock.advance(days=6)  # Monday + 6 days = Sunday: only 4 working days have passed
    assert assistant.run_due_jobs().escalations_closed == 0
    clock.advance(days=1)
    assert assistant.run_due_jobs().escalations_closed == 1
    closed = assistant.get_escalation(actor=people.amy, ref=view.ref)
    assert closed.status is EscalationStatus.CLOSED and closed.close_reason is CloseReason.QUIET_PERIOD
    assert assistant.run_due_jobs().escalation_reminders == 0  # answered ones are never reminded
    deliver(assistant)
    assert slack.to(people.amy.email, K.ESCALATION_CLOSED)
    assert assistant.audit_trail(actor=people.amy, ref=view.ref)[-1].actor == "system"


def test_report_reminder_then_deputy(assistant, people, clock, slack):
    receipt = assistant.submit_report(reporter=people.amy, report=ReportInput(
        category=ReportCategory.PUPIL_COMMENTS, what_happened="Threats."))
    clock.advance(hours=3, minutes=59)
    assert assistant.run_due_jobs().report_reminders == 0
    clock.advance(minutes=1)
    assert assistant.run_due_jobs().report_reminders == 1
    clock.advance(hours=4)
    summary = assistant.run_due_jobs()
    assert summary.reports_reassigned == 1 and assistant.run_due_jobs().reports_reassigned == 0
    deliver(assistant)
    assert slack.to(people.head.email, K.REPORT_REMINDER)
    [handover] = slack.to(people.deputy.email, K.REPORT_REASSIGNED)
    assert ("Reported by", "Amy Green") in [(f.label, f.value) for f in handover.fields]
    view = assistant.get_report(actor=people.deputy, ref=receipt.ref)
    assert view.recipient.email == people.deputy.email and view.reporter is not None
    assert assistant.get_report(actor=people.head, ref=receipt.ref).reporter is None
    trail = assistant.audit_trail(actor=people.deputy, ref=receipt.ref)
    assert trail[-1].action == "report.reassigned" and trail[-1].before == {"recipient": people.head.email}


def test_acknowledged_report_is_not_reminded(assistant, people, clock):
    receipt = assistant.submit_report(reporter=people.amy, report=ReportInput(
        category=ReportCategory.OTHER, what_happened="x"))
    assistant.acknowledge_report(actor=people.head, ref=receipt.ref)
    clock.advance(timedelta(hours=9))
    summary = assistant.run_due_jobs()
    assert summary.report_reminders == 0 and summary.reports_reassigned == 0
