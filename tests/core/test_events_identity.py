"""Retried platform events are processed once (across restarts), and people listed only by
e-mail are recognised on a platform."""
from __future__ import annotations

from datetime import timedelta

from bot.core.app import Assistant


def test_a_redelivered_event_is_refused_even_after_a_restart(assistant, db, directory, clock, config):
    assert assistant.first_delivery(platform="slack", event_id="Ev0001") is True
    assert assistant.first_delivery(platform="slack", event_id="Ev0001") is False
    restarted = Assistant(db=db, directory=directory, clock=clock, config=config)
    assert restarted.first_delivery(platform="slack", event_id="Ev0001") is False
    assert restarted.first_delivery(platform="teams", event_id="Ev0001") is True


def test_event_ids_are_forgotten_after_a_day(assistant, clock):
    assistant.first_delivery(platform="slack", event_id="Ev0002")
    clock.advance(timedelta(days=2))
    assistant.run_due_jobs()
    assert assistant.first_delivery(platform="slack", event_id="Ev0002") is True


def test_someone_listed_by_email_only_is_recognised_on_slack(assistant, people):
    # Chloe has no Slack id in the directory; Slack reports her e-mail for a new user id.
    person = assistant.identify(platform="slack", user_id="U0NEW0009", email="Chloe.Irwin@hardmoor.example")
    assert person is not None and person.email == people.chloe.email
    assert person.slack_user_id == "U0NEW0009"
    assert assistant.identify(platform="slack", user_id="U0NEW0010", email="nobody@elsewhere.example") is None


def test_items_are_flagged_overdue_once_their_reminder_has_gone_out(assistant, people, clock):
    from bot.core.reports.types import ReportCategory, ReportInput

    escalation = assistant.escalate(asker=people.amy, question="Can I join a parents' WhatsApp group?")
    report = assistant.submit_report(reporter=people.ben, report=ReportInput(
        category=ReportCategory.PUPIL_COMMENTS, what_happened="Threats on TikTok."))
    assert not assistant.get_escalation(actor=people.tom, ref=escalation.ref).overdue
    assert not assistant.get_report(actor=people.head, ref=report.ref).overdue

    clock.advance(timedelta(hours=5))  # past the 4-hour acknowledgement reminder
    assistant.run_due_jobs()
    assert assistant.get_report(actor=people.head, ref=report.ref).overdue
    assistant.acknowledge_report(actor=people.head, ref=report.ref)
    assert not assistant.get_report(actor=people.head, ref=report.ref).overdue

    clock.advance(timedelta(days=4))  # past the one-working-day reminder, whatever the weekday
    assistant.run_due_jobs()
    assert assistant.get_escalation(actor=people.tom, ref=escalation.ref).overdue
    assistant.answer_escalation(actor=people.tom, ref=escalation.ref, text="Best not to.")
    assert not assistant.get_escalation(actor=people.tom, ref=escalation.ref).overdue
