"""Views as `Card`s, so an adapter renders views and notifications with one renderer."""
from __future__ import annotations

from bot.core.escalations.types import EscalationView
from bot.core.notifications.types import Card, Field, SubjectRef
from bot.core.reports.types import ReportReceipt, ReportView


def _when(value) -> str:
    return value.strftime("%-d %b %Y %H:%M") if value else ""


def escalation_card(view: EscalationView) -> Card:
    facts = [Field("Reference", view.ref), Field("Status", view.status.value),
             Field("Asked by", view.asker.name), Field("With", f"{view.recipient.name} ({view.recipient.role_label})")]
    if view.answer:
        by = view.answered_by.name if view.answered_by else ""
        facts.append(Field("Answer", f"{view.answer}\n— {by}, {_when(view.answered_at)}"))
    if view.routing_note:
        facts.append(Field("Routing", view.routing_note))
    return Card(title=f"Policy query {view.ref}", text=view.question, fields=tuple(facts),
                actions=view.actions, subject=SubjectRef("escalation", view.ref))


def report_card(view: ReportView) -> Card:
    facts = [Field("Reference", view.ref), Field("Status", view.status.value),
             Field("Category", f"{view.category.label} (policy {view.category.clause})"),
             Field("With", f"{view.recipient.name} ({view.recipient.role_label})"),
             Field("Received", _when(view.created_at))]
    if view.reporter:
        facts.append(Field("Reported by", view.reporter.name))
    involved = "; ".join(filter(None, [", ".join(p.name for p in view.involved), view.involved_text]))
    for label, value in (("Where", view.where), ("When", view.when), ("Links", "\n".join(view.links)),
                         ("People involved", involved), ("Outcome", view.outcome or "")):
        if value:
            facts.append(Field(label, value))
    return Card(title=f"Confidential report {view.ref}", text="", quote=view.what_happened, fields=tuple(facts),
                actions=view.actions, subject=SubjectRef("report", view.ref))


def receipt_card(receipt: ReportReceipt) -> Card:
    return Card(title=f"Report {receipt.ref} received", text=receipt.message,
                fields=(Field("Reference", receipt.ref), Field("Status", receipt.status.value)),
                subject=SubjectRef("report", receipt.ref))
