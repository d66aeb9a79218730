"""Who may see a report (recipient, head teacher, deputy; never someone it names) and their view of it."""
from __future__ import annotations

from bot.core.directory.model import Directory, Person, PersonRef, Role
from bot.core.errors import NotFound, PermissionDenied
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, ActionStyle
from bot.core.reports.types import ReportCategory, ReportStatus, ReportView
from bot.core.storage.models import Report

_OVERSIGHT = {Role.HEAD_TEACHER, Role.DEPUTY}


def can_see(row: Report, actor: Person) -> bool:
    if actor.email in (row.involved_emails or ()):
        return False  # a report about someone is never shown to them
    return actor.email == row.recipient_email or actor.role in _OVERSIGHT


def check_visible(row: Report | None, actor: Person, ref: str) -> Report:
    if row is None:
        raise NotFound(f"There is no report {ref}.")
    if not can_see(row, actor):
        raise PermissionDenied(f"Report {ref} is confidential: only the person handling it, the head teacher "
                               "and the deputy can see it.")
    return row


def _ref(directory: Directory, email: str) -> PersonRef:
    person = directory.get(email)
    return person.ref if person else PersonRef(name=email, email=email)


def actions_for(row: Report) -> tuple[Action, ...]:
    value = {"ref": row.ref}
    status = ReportStatus(row.status)
    actions: list[Action] = []
    if status is ReportStatus.RECEIVED:
        actions.append(Action(ActionId.REPORT_ACKNOWLEDGE, "Acknowledge", value, ActionStyle.PRIMARY))
    if status in (ReportStatus.RECEIVED, ReportStatus.ACKNOWLEDGED):
        actions.append(Action(ActionId.REPORT_INVESTIGATE, "Start investigation", value))
    if status is not ReportStatus.CLOSED:
        actions.append(Action(ActionId.REPORT_CLOSE, "Close with outcome", value, ActionStyle.DANGER, form="report_close"))
    return tuple(actions)


def to_view(row: Report, *, viewer: Person, directory: Directory) -> ReportView:
    is_recipient = viewer.email == row.recipient_email
    return ReportView(
        ref=row.ref,
        category=ReportCategory(row.category),
        status=ReportStatus(row.status),
        what_happened=row.what_happened,
        where=row.where,
        when=row.occurred,
        links=tuple(row.links or ()),
        involved=tuple(_ref(directory, e) for e in row.involved_emails or ()),
        involved_text=row.involved_text,
        reporter=_ref(directory, row.reporter_email) if is_recipient else None,
        recipient=_ref(directory, row.recipient_email),
        created_at=row.created_at,
        acknowledged_at=row.acknowledged_at,
        investigating_at=row.investigating_at,
        closed_at=row.closed_at,
        outcome=row.outcome,
        routing_note=row.routing_note,
        overdue=row.status == ReportStatus.RECEIVED.value and row.reminded_at is not None,
        actions=actions_for(row) if can_see(row, viewer) else (),
    )
