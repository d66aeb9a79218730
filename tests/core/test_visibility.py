"""Who may see what: askers, managers, the head teacher, the deputy, people named in reports."""
from __future__ import annotations

import pytest

from bot.core.errors import NotFound, PermissionDenied
from bot.core.reports.types import ReportCategory, ReportInput


def test_escalation_visibility(assistant, people):
    mine = assistant.escalate(asker=people.amy, question="Mine")
    other = assistant.escalate(asker=people.chloe, question="Chloe's")  # to Sara
    assert [v.ref for v in assistant.list_escalations(actor=people.amy)] == [mine.ref]
    assert [v.ref for v in assistant.list_escalations(actor=people.tom)] == [mine.ref]
    assert [v.ref for v in assistant.list_escalations(actor=people.sara)] == [other.ref]
    assert assistant.list_escalations(actor=people.head) == []
    for actor in (people.ben, people.sara, people.head):
        with pytest.raises(PermissionDenied):
            assistant.get_escalation(actor=actor, ref=mine.ref)
    with pytest.raises(PermissionDenied):
        assistant.audit_trail(actor=people.ben, ref=mine.ref)
    with pytest.raises(PermissionDenied, match="Only the person who asked"):
        assistant.resolve_escalation(actor=people.tom, ref=mine.ref)
    with pytest.raises(NotFound):
        assistant.get_escalation(actor=people.amy, ref="E-2026-9999")
    # The asker sees no routing notes and only their own button.
    assert [a.id.value for a in assistant.get_escalation(actor=people.amy, ref=mine.ref).actions] == ["escalation.resolve"]


def test_report_visibility_and_reporter_identity(assistant, people):
    receipt = assistant.submit_report(reporter=people.amy, report=ReportInput(
        category=ReportCategory.PERSONAL_DETAILS, what_happened="A parent posted my address."))  # to Tom
    assert assistant.get_report(actor=people.tom, ref=receipt.ref).reporter.email == people.amy.email
    for overseer in (people.head, people.deputy):
        view = assistant.get_report(actor=overseer, ref=receipt.ref)
        assert view.reporter is None  # identity only for the recipient
        assert [v.ref for v in assistant.list_reports(actor=overseer)] == [receipt.ref]
    for outsider in (people.amy, people.ben, people.sara, people.hr, people.chair):
        with pytest.raises(PermissionDenied, match="confidential"):
            assistant.get_report(actor=outsider, ref=receipt.ref)
        assert assistant.list_reports(actor=outsider) == []
    trail = assistant.audit_trail(actor=people.head, ref=receipt.ref)
    assert trail[0].actor == "(reporter)"
    assert assistant.audit_trail(actor=people.tom, ref=receipt.ref)[0].actor == people.amy.email


def test_report_about_someone_is_hidden_from_them(assistant, people):
    receipt = assistant.submit_report(reporter=people.ben, report=ReportInput(
        category=ReportCategory.STAFF_BREACH, what_happened="The head posted pupils' photos.",
        involved_emails=(people.head.email,)))
    with pytest.raises(PermissionDenied):
        assistant.get_report(actor=people.head, ref=receipt.ref)
    assert assistant.list_reports(actor=people.head) == []
    with pytest.raises(PermissionDenied):
        assistant.close_report(actor=people.head, ref=receipt.ref, outcome="nothing to see")
    assert assistant.get_report(actor=people.deputy, ref=receipt.ref).reporter.email == people.ben.email


def test_staff_cannot_act_on_reports(assistant, people):
    receipt = assistant.submit_report(reporter=people.amy, report=ReportInput(
        category=ReportCategory.OTHER, what_happened="x"))
    with pytest.raises(PermissionDenied):
        assistant.acknowledge_report(actor=people.amy, ref=receipt.ref)
    with pytest.raises(PermissionDenied):
        assistant.close_report(actor=people.tom, ref=receipt.ref, outcome="x")
    # The deputy may see the head teacher's report but not act on it until it passes to them.
    assert assistant.get_report(actor=people.deputy, ref=receipt.ref).actions == ()
    with pytest.raises(PermissionDenied, match="only the person it is routed to"):
        assistant.acknowledge_report(actor=people.deputy, ref=receipt.ref)


def test_missing_and_refused_references_read_the_same(assistant, people):
    receipt = assistant.submit_report(reporter=people.amy, report=ReportInput(
        category=ReportCategory.OTHER, what_happened="x"))
    missing = receipt.ref[:-4] + "9999"
    messages = []
    for ref in (receipt.ref, missing):
        with pytest.raises(NotFound) as refused:
            assistant.get_report(actor=people.ben, ref=ref)
        messages.append(str(refused.value).replace(ref, "REF"))
    assert messages[0] == messages[1]


def test_cards_follow_visibility(assistant, people):
    from bot.core.content.items import escalation_card, receipt_card, report_card
    from bot.core.content.model import Facts

    receipt = assistant.submit_report(reporter=people.amy, report=ReportInput(
        category=ReportCategory.OTHER, what_happened="x"))
    labels = lambda card: [f.label for b in card.blocks if isinstance(b, Facts) for f in b.items]  # noqa: E731
    assert "Reported by" in labels(report_card(assistant.get_report(actor=people.head, ref=receipt.ref)))
    assert "Reported by" not in labels(report_card(assistant.get_report(actor=people.deputy, ref=receipt.ref)))
    assert receipt.ref in receipt_card(receipt).title
    view = assistant.escalate(asker=people.amy, question="Q?")
    assert escalation_card(view).actions == view.actions


def test_overview_shows_each_person_their_own_open_items(assistant, people):
    from bot.core.reports.types import ReportCategory, ReportInput

    asked = assistant.escalate(asker=people.amy, question="Can I follow the nursery's page?")
    assistant.submit_report(reporter=people.ben, report=ReportInput(
        category=ReportCategory.PUPIL_COMMENTS, what_happened="Threats on TikTok."))

    amy = assistant.overview(person=people.amy)
    assert [e.ref for e in amy.asked] == [asked.ref] and not amy.waiting and not amy.reports
    tom = assistant.overview(person=people.tom)
    assert [e.ref for e in tom.waiting] == [asked.ref] and not tom.asked and not tom.reports
    ben = assistant.overview(person=people.ben)
    assert len(ben.my_reports) == 1 and not ben.reports and not ben.watches_policy_review
    head = assistant.overview(person=people.head)
    assert len(head.reports) == 1 and head.watches_policy_review and not head.waiting
