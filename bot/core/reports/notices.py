"""Notifications a report produces. The reporter's name goes only to the recipient; outcomes to nobody."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.directory.model import Directory
from bot.core.notifications import outbox
from bot.core.notifications.types import Notice, Field, NotificationKind, SubjectRef
from bot.core.reports import access
from bot.core.reports.types import ReportCategory, ReportStatus
from bot.core.storage.models import Report

_STATUS_TEXT = {
    ReportStatus.ACKNOWLEDGED: "has been acknowledged",
    ReportStatus.INVESTIGATING: "is being investigated",
    ReportStatus.CLOSED: "has been closed",
}


def _card(row: Report, *, title: str, text: str, directory: Directory, with_reporter: bool) -> Notice:
    category = ReportCategory(row.category)
    facts = [Field("Category", f"{category.label} (policy {category.clause})")]
    if with_reporter:
        reporter = directory.get(row.reporter_email)
        facts.append(Field("Reported by", reporter.name if reporter else row.reporter_email))
    for label, value in (("Where", row.where), ("When", row.occurred), ("Links", "\n".join(row.links or ())),
                         ("People involved or named", _involved(row, directory))):
        if value:
            facts.append(Field(label, value))
    if row.routing_note:
        facts.append(Field("Routing", row.routing_note))
    return Notice(title=title, text=text, fields=tuple(facts), quote=row.what_happened,
                actions=access.actions_for(row), subject=SubjectRef(type="report", ref=row.ref))


def _involved(row: Report, directory: Directory) -> str:
    names = [directory.get(e).name if directory.get(e) else e for e in row.involved_emails or ()]
    return "; ".join(filter(None, [", ".join(names), row.involved_text]))


def _key(row: Report, what: str) -> str:
    return f"report:{row.ref}:{what}:{row.recipient_email}"


def new(session: Session, *, now: datetime, row: Report, directory: Directory) -> None:
    card = _card(row, title=f"Confidential report {row.ref}", directory=directory, with_reporter=True,
                 text="A member of staff has made a confidential report for you to handle. Please acknowledge it.")
    outbox.enqueue(session, now=now, recipient=row.recipient_email, kind=NotificationKind.REPORT_NEW,
                   card=card, dedupe_key=_key(row, "new"))


def reminder(session: Session, *, now: datetime, row: Report, directory: Directory) -> None:
    card = _card(row, title=f"Reminder: report {row.ref} is not acknowledged", directory=directory,
                 with_reporter=True, text="This confidential report has not been acknowledged yet.")
    outbox.enqueue(session, now=now, recipient=row.recipient_email, kind=NotificationKind.REPORT_REMINDER,
                   card=card, dedupe_key=_key(row, "reminder"))


def reassigned(session: Session, *, now: datetime, row: Report, previous: str, directory: Directory) -> None:
    before = directory.get(previous)
    card = _card(row, title=f"Confidential report {row.ref} passed to you", directory=directory, with_reporter=True,
                 text=(f"{before.name if before else previous} has not acknowledged this report in time, "
                       "so it is now yours to handle."))
    outbox.enqueue(session, now=now, recipient=row.recipient_email, kind=NotificationKind.REPORT_REASSIGNED,
                   card=card, dedupe_key=_key(row, "reassigned"))


def status_changed(session: Session, *, now: datetime, row: Report) -> None:
    status = ReportStatus(row.status)
    card = Notice(
        title=f"Your report {row.ref} {_STATUS_TEXT[status]}",
        text="Thank you for reporting it. The details of how it is handled stay confidential.",
        fields=(Field("Status", status.value),),
        subject=SubjectRef(type="report", ref=row.ref),
    )
    outbox.enqueue(session, now=now, recipient=row.reporter_email, kind=NotificationKind.REPORT_STATUS,
                   card=card, dedupe_key=f"report:{row.ref}:status:{status.value}")


def receipt(session: Session, *, now: datetime, row: Report, message: str) -> None:
    """The reporter's own record: the reference and where it went, none of the handling."""
    card = Notice(title=f"Report {row.ref} received", text=message,
                fields=(Field("Status", ReportStatus(row.status).value),),
                subject=SubjectRef(type="report", ref=row.ref))
    outbox.enqueue(session, now=now, recipient=row.reporter_email, kind=NotificationKind.REPORT_RECEIPT,
                   card=card, dedupe_key=f"report:{row.ref}:receipt")
