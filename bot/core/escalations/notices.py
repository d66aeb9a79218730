"""The notifications an escalation produces, as data, queued in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.directory.model import Directory, Person
from bot.core.escalations import access
from bot.core.notifications import outbox
from bot.core.notifications.types import Notice, Field, NotificationKind, SubjectRef
from bot.core.storage.models import Escalation


def _subject(row: Escalation) -> SubjectRef:
    return SubjectRef(type="escalation", ref=row.ref)


def _asker_name(row: Escalation, directory: Directory) -> str:
    return access.person_ref(directory, row.asker_email).name


def _facts(row: Escalation, directory: Directory) -> tuple[Field, ...]:
    facts = [Field("From", _asker_name(row, directory))]
    if row.clause_ids:
        facts.append(Field("Policy clauses shown", ", ".join(row.clause_ids)))
    if row.routing_note:
        facts.append(Field("Routing", row.routing_note))
    return tuple(facts)


def _key(row: Escalation, what: str) -> str:
    return f"escalation:{row.ref}:{what}:{row.recipient_email}:{row.routed_at.isoformat()}"


def new(session: Session, *, now: datetime, row: Escalation, recipient: Person, directory: Directory,
        note: str | None = None, forwarded_by: Person | None = None) -> None:
    if forwarded_by is None:
        kind, title = NotificationKind.ESCALATION_NEW, f"Policy query {row.ref} from {_asker_name(row, directory)}"
        text = "A member of your team asked a question the policy did not settle for them (policy 1.3: queries go to the line manager first)."
    else:
        kind, title = NotificationKind.ESCALATION_FORWARDED, f"Policy query {row.ref} passed on by {forwarded_by.name}"
        text = f"{forwarded_by.name} passed this query from {_asker_name(row, directory)} on to you."
        if note:
            text += f"\n\nTheir note: {note}"
    card = Notice(title=title, text=text, fields=_facts(row, directory), quote=row.question, subject=_subject(row),
                actions=access.manager_actions(row, recipient, directory))
    outbox.enqueue(session, now=now, recipient=recipient.email, kind=kind, card=card, dedupe_key=_key(row, "new"))


def answered(session: Session, *, now: datetime, row: Escalation, answerer: Person) -> None:
    card = Notice(
        title=f"{answerer.name} answered your policy query {row.ref}",
        text=f"You asked: {row.question}",
        quote=row.answer_text,
        fields=(Field("Answered by", f"{answerer.name} ({answerer.role.label})"),),
        actions=access.asker_actions(row),
        subject=_subject(row),
    )
    outbox.enqueue(session, now=now, recipient=row.asker_email, kind=NotificationKind.ESCALATION_ANSWERED,
                   card=card, dedupe_key=f"escalation:{row.ref}:answered")


def closed(session: Session, *, now: datetime, row: Escalation, to: str, text: str) -> None:
    card = Notice(title=f"Policy query {row.ref} closed", text=text, subject=_subject(row))
    outbox.enqueue(session, now=now, recipient=to, kind=NotificationKind.ESCALATION_CLOSED, card=card,
                   dedupe_key=f"escalation:{row.ref}:closed:{to}")


def reminder(session: Session, *, now: datetime, row: Escalation, recipient: Person, directory: Directory) -> None:
    card = Notice(
        title=f"Reminder: policy query {row.ref} from {_asker_name(row, directory)} is waiting",
        text="This query has not been answered yet. Policy 1.3 asks managers to resolve queries swiftly.",
        quote=row.question, fields=_facts(row, directory), subject=_subject(row),
        actions=access.manager_actions(row, recipient, directory),
    )
    outbox.enqueue(session, now=now, recipient=recipient.email, kind=NotificationKind.ESCALATION_REMINDER,
                   card=card, dedupe_key=_key(row, "reminder"))


def overdue(session: Session, *, now: datetime, row: Escalation, to: Person, directory: Directory) -> None:
    waiting_with = access.person_ref(directory, row.recipient_email).name
    card = Notice(
        title=f"Unanswered policy query {row.ref}",
        text=(f"A query from {_asker_name(row, directory)} has waited with {waiting_with} for twice the "
              "expected time without an answer. You may want to follow it up."),
        quote=row.question, fields=_facts(row, directory), subject=_subject(row),
    )
    outbox.enqueue(session, now=now, recipient=to.email, kind=NotificationKind.ESCALATION_OVERDUE,
                   card=card, dedupe_key=_key(row, "overdue"))
