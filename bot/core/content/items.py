"""Cards for queries, reports, receipts, lists and notifications: one set of words for every surface.

A reference is shown once, in the title; the people, dates and status go in the facts.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from bot.core.bank.types import EntryView
from bot.core.content.model import (
    Action, ActionStyle, Bullets, Card, Choices, Facts, Field, Paragraph, Quote, Tone, card_from_json,
)
from bot.core.escalations.types import EscalationStatus, EscalationView
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Notification, SubjectRef
from bot.core.reports.types import ReportReceipt, ReportView

_STATUS = {EscalationStatus.OPEN: "waiting for an answer", EscalationStatus.ANSWERED: "answered",
           EscalationStatus.CLOSED: "closed"}


def when(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y %H:%M") if value else ""


def day(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def _facts(*pairs: tuple[str, str | None]) -> Facts:
    return Facts(tuple(Field(label, value) for label, value in pairs if value))


def escalation_card(view: EscalationView, *, note: str | None = None) -> Card:
    blocks: list = [Quote(view.question, label="Question")]
    if view.answer:
        by = view.answered_by.name if view.answered_by else ""
        blocks.append(Quote(view.answer, label=f"Answer from {by}, {when(view.answered_at)}".strip(", ")))
    if view.guidance_saved:
        blocks.append(Paragraph("Saved as guidance for similar questions.", Tone.SUBTLE))
    blocks.append(_facts(("Status", _STATUS[view.status] + (" (overdue)" if view.overdue else "")),
                         ("Asked by", view.asker.name), ("Asked", when(view.created_at)),
                         ("With", f"{view.recipient.name} ({view.recipient.role_label})"),
                         ("Routing", view.routing_note)))
    if note:
        blocks.append(Paragraph(note, Tone.SUCCESS, strong=True))
    return Card(title=f"Policy query {view.ref}", blocks=tuple(blocks), actions=view.actions,
                subject=SubjectRef("escalation", view.ref), summary=f"Policy query {view.ref}: {view.status.value}")


def report_card(view: ReportView, *, note: str | None = None) -> Card:
    involved = "; ".join(filter(None, [", ".join(p.name for p in view.involved), view.involved_text]))
    blocks: list = [Quote(view.what_happened, label="What happened")]
    if view.outcome:
        blocks.append(Quote(view.outcome, label="Outcome"))
    blocks.append(_facts(("Status", view.status.value + (" (overdue: not acknowledged)" if view.overdue else "")),
                         ("Category", f"{view.category.label} (policy {view.category.clause})"),
                         ("With", f"{view.recipient.name} ({view.recipient.role_label})"),
                         ("Received", when(view.created_at)),
                         ("Reported by", view.reporter.name if view.reporter else None),
                         ("Where", view.where), ("When", view.when), ("Links", "\n".join(view.links)),
                         ("People involved or named", involved), ("Routing", view.routing_note)))
    if note:
        blocks.append(Paragraph(note, Tone.SUCCESS, strong=True))
    return Card(title=f"Confidential report {view.ref}", blocks=tuple(blocks), actions=view.actions,
                subject=SubjectRef("report", view.ref), summary=f"Confidential report {view.ref}: {view.status.value}")


def receipt_card(receipt: ReportReceipt) -> Card:
    return Card(title=f"Report {receipt.ref} received", blocks=(Paragraph(receipt.message, Tone.SUCCESS),),
                subject=SubjectRef("report", receipt.ref), summary=receipt.message)


def my_queries_card(views: Sequence[EscalationView], *, shown: int = 10) -> Card:
    if not views:
        return Card(title="Your policy queries", blocks=(Paragraph("You have no policy queries yet."),),
                    summary="You have no policy queries yet.")
    lines = [f"{v.ref} \u00b7 {_STATUS[v.status]} \u00b7 with {v.recipient.name} \u00b7 {day(v.created_at)}: "
             f"{_short(v.question)}" for v in views[:shown]]
    more = (Paragraph(f"\u2026and {len(views) - shown} more.", Tone.SUBTLE),) if len(views) > shown else ()
    return Card(title="Your policy queries", blocks=(Bullets(tuple(lines)), *more), summary="Your policy queries")


def my_reports_card(receipts: Sequence[ReportReceipt], *, shown: int = 10) -> Card:
    if not receipts:
        return Card(title="Your reports", blocks=(Paragraph("You have not sent any reports."),),
                    summary="You have not sent any reports.")
    lines = [f"{r.ref} \u00b7 {r.category.short_label} \u00b7 {r.status.value} \u00b7 sent to the "
             f"{r.recipient_role.lower()} on {day(r.created_at)}" for r in receipts[:shown]]
    more = (Paragraph(f"\u2026and {len(receipts) - shown} more.", Tone.SUBTLE),) if len(receipts) > shown else ()
    return Card(title="Your reports", blocks=(Bullets(tuple(lines)), *more), summary="Your reports")


def suggestions_card(entries: Sequence[EntryView], *, shown: int = 10) -> Card:
    """The policy owner's review list: each suggested entry with Approve / Reject."""
    if not entries:
        return Card(title="Suggested question-bank entries", summary="Nothing to review",
                    blocks=(Paragraph("Nothing to review: no suggested entries are waiting."),))
    blocks: list = [Paragraph("Staff choices suggested these questions for the bank. Approve the ones the clause "
                              "really answers; they help the next person who asks that way.", Tone.SUBTLE)]
    for entry in entries[:shown]:
        blocks.append(Quote(entry.question, label=f"#{entry.id} \u00b7 {entry.source.label}",
                            title=f"Answered by {entry.clause_id}: {_short(entry.clause_text, 120)}"))
        value = {"id": str(entry.id)}
        blocks.append(Choices("", (Action(ActionId.BANK_APPROVE, "Approve", value, ActionStyle.PRIMARY),
                                   Action(ActionId.BANK_REJECT, "Reject", value))))
    if len(entries) > shown:
        blocks.append(Paragraph(f"\u2026and {len(entries) - shown} more (policybot bank pending).", Tone.SUBTLE))
    return Card(title="Suggested question-bank entries", blocks=tuple(blocks),
                summary=f"{len(entries)} suggested question-bank entries to review")


def notification_card(notification: Notification) -> Card:
    """A stored notification as a card (notifications keep their own shape in the outbox)."""
    blocks: list = [Paragraph(p) for p in notification.text.split("\n\n") if p.strip()]
    if notification.quote:
        blocks.append(Quote(notification.quote))
    if notification.fields:
        blocks.append(Facts(tuple(notification.fields)))
    return Card(title=notification.title, blocks=tuple(blocks), actions=notification.actions,
                subject=notification.subject, summary=notification.title)


def confirmation(text: str, *, title: str = "") -> Card:
    return Card(title=title, blocks=(Paragraph(text, Tone.SUCCESS),), summary=text)


def refusal(text: str) -> Card:
    return Card(title="", blocks=(Paragraph(text, Tone.ATTENTION),), summary=text)


def _short(text: str, limit: int = 150) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
