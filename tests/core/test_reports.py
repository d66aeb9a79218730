"""Breach/concern reports: routing by category, lifecycle, reporter updates, idempotency, faults."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.core.errors import InvalidTransition, PermissionDenied, StorageUnavailable, ValidationError
from bot.core.notifications.types import NotificationKind as K
from bot.core.reports.types import ReportCategory, ReportInput, ReportStatus
from bot.core.storage.models import OutboxMessage, Report
from tests.core.corefakes import deliver, press, sender_of, submit


def report(category=ReportCategory.PUPIL_COMMENTS, **kw) -> ReportInput:
    return ReportInput(category=category, what_happened=kw.pop("what", "Year 6 pupils posted threats about Ms Green."),
                       where="TikTok", when="Sunday evening", links=("https://tiktok.example/v/1",), **kw)


@pytest.mark.parametrize("category, recipient", [
    (ReportCategory.PUPIL_COMMENTS, "head"), (ReportCategory.STAFF_BREACH, "head"),
    (ReportCategory.OTHER, "head"), (ReportCategory.PERSONAL_DETAILS, "tom"),
])
def test_routing_by_category(assistant, people, category, recipient):
    receipt = assistant.submit_report(reporter=people.amy, report=report(category))
    assert assistant.get_report(actor=getattr(people, recipient), ref=receipt.ref).recipient.email == getattr(people, recipient).email


def test_report_about_head_goes_to_deputy(assistant, people):
    receipt = assistant.submit_report(reporter=people.amy, report=report(
        ReportCategory.STAFF_BREACH, involved_emails=(people.head.email,)))
    assert receipt.recipient_role == "Deputy head"
    view = assistant.get_report(actor=people.deputy, ref=receipt.ref)
    assert view.recipient.email == people.deputy.email and view.reporter.email == people.amy.email


def test_lifecycle_and_reporter_updates(assistant, people, slack):
    receipt = assistant.submit_report(reporter=people.amy, report=report())
    assert receipt.ref == "R-2026-0001" and receipt.status is ReportStatus.RECEIVED
    assert "R-2026-0001" in receipt.message and "head teacher" in receipt.message
    deliver(assistant)
    [new] = slack.to(people.head.email, K.REPORT_NEW)
    assert ("Reported by", "Amy Green") in [(f.label, f.value) for f in new.fields]
    assert [a.id.value for a in new.actions] == ["report.acknowledge", "report.investigate", "report.close"]

    acknowledge, _, close = new.actions
    reply = press(assistant, people.head, acknowledge)
    assert "Acknowledged" in reply.replace.plain_text()
    assistant.start_investigation(actor=people.head, ref=receipt.ref)
    form = press(assistant, people.head, close).form
    reply = submit(assistant, people.head, form, {"outcome": "Parents met; posts removed; pupils spoken to."})
    assert reply.replace.actions == () and "closed" in reply.cards[0].plain_text()
    assert assistant.get_report(actor=people.head, ref=receipt.ref).status is ReportStatus.CLOSED
    with pytest.raises(InvalidTransition):
        assistant.acknowledge_report(actor=people.head, ref=receipt.ref)
    deliver(assistant)
    updates = slack.to(people.amy.email, K.REPORT_STATUS)
    assert [n.title.split()[-1] for n in updates] == ["acknowledged", "investigated", "closed"]
    assert all("Parents met" not in n.text and "Parents met" not in str(n.fields) for n in updates)
    assert [r.status for r in assistant.my_reports(reporter=people.amy)] == [ReportStatus.CLOSED]
    trail = assistant.audit_trail(actor=people.head, ref=receipt.ref)
    assert [e.action for e in trail] == ["report.received", "report.acknowledged", "report.investigating", "report.closed"]
    assert trail[-1].before == {"status": "investigating"} and trail[-1].after["status"] == "closed"


def test_refs_are_sequential(assistant, people):
    refs = [assistant.submit_report(reporter=people.ben, report=report()).ref for _ in range(3)]
    assert refs == ["R-2026-0001", "R-2026-0002", "R-2026-0003"]


def test_duplicate_submissions_make_one_report(assistant, people, db):
    results, errors = [], []

    def submit():
        try:
            results.append(assistant.submit_report(reporter=people.amy, report=report(), idempotency_key="view-42"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len({r.ref for r in results}) == 1
    assert sum(r.duplicate for r in results) == 3
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Report)) == 1
        kinds = s.scalars(select(OutboxMessage.kind)).all()
    assert sorted(kinds) == ["report.new", "report.receipt"]  # one notification, one receipt


def test_form_validation():
    with pytest.raises(ValidationError) as info:
        ReportInput.from_form({"category": "nonsense", "what_happened": " "})
    assert set(info.value.field_errors) == {"category", "what_happened"}
    parsed = ReportInput.from_form({"category": "personal_details", "what_happened": "x",
                                    "links": "https://a.example\nhttps://b.example", "involved_emails": ["A@x.org"]})
    assert parsed.links == ("https://a.example", "https://b.example") and parsed.involved_emails == ("a@x.org",)


def test_database_down_writes_nothing(assistant, people, db, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from bot.core.notifications import outbox

    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("connection lost"))

    monkeypatch.setattr(outbox, "enqueue", broken)  # fails after the report row was flushed
    with pytest.raises(StorageUnavailable, match="nothing was saved"):
        assistant.submit_report(reporter=people.amy, report=report())
    monkeypatch.undo()
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Report)) == 0
    assert assistant.submit_report(reporter=people.amy, report=report()).ref == "R-2026-0001"


def test_unreachable_database_is_a_clear_error(directory, clock, index):
    from bot.core.app import Assistant
    from bot.core.directory import StaticDirectory
    from bot.core.storage.db import Database

    db = Database("postgresql+psycopg://postgres@127.0.0.1:1/none")
    assistant = Assistant(db=db, directory=StaticDirectory(directory), answerer=index, clock=clock)
    with pytest.raises(StorageUnavailable):
        assistant.submit_report(reporter=directory.get("amy.green@hardmoor.example"), report=report())
    # Asking still works from the policy alone.
    assert assistant.ask(question="Can I friend a parent?", asker=None).answer.answered


def test_report_naming_the_head_only_in_its_words_goes_to_the_deputy(assistant, people, slack):
    """Red-team finding 1: the head teacher was not picked in the form's "who is involved", only
    named in what happened; the report must still go past her, and she must not see it."""
    receipt = assistant.submit_report(reporter=people.amy, report=report(
        ReportCategory.STAFF_BREACH, what="Helen Ashdown shared photos of the Year 6 pupils on her Facebook page."))
    assert receipt.recipient_role == "Deputy head"
    with pytest.raises(PermissionDenied):
        assistant.get_report(actor=people.head, ref=receipt.ref)
    assert assistant.get_report(actor=people.deputy, ref=receipt.ref).recipient.email == people.deputy.email
    deliver(assistant)
    assert slack.to(people.deputy.email, K.REPORT_NEW)
    assert not slack.to(people.head.email, K.REPORT_NEW)  # not even a notice with the reference


@pytest.mark.parametrize("times", [2, 5, 10])
def test_the_same_report_form_sent_again_makes_one_report_and_one_receipt(assistant, people, db, slack, times):
    """Red-team finding 11: a platform retry or a double click sends the same form (same
    submission id) several times, some at once; the reporter must get one reference, once."""
    from bot.core.conversation.events import Submission

    values = {"category": "pupil_comments", "what_happened": "Year 6 pupils posted threats about Ms Green.",
              "where": "TikTok", "when": "Sunday evening", "links": "", "involved_emails": [], "involved_text": ""}
    event = Submission(sender=sender_of(people.amy), form="report", values=values, submission_id="V-same-form")
    replies, barrier = [], threading.Barrier(times)

    def send():
        barrier.wait()
        replies.append(assistant.handle(event))

    threads = [threading.Thread(target=send) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(replies) == times and all(r.form_errors is None for r in replies)  # each closes the form
    assert {r.replace.title for r in replies} == {replies[0].replace.title}  # one reference, shown each time
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Report)) == 1
    deliver(assistant)
    assert len(slack.to(people.amy.email, K.REPORT_RECEIPT)) == 1
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1
