"""What a viewer gets of a report: the view with the buttons they may press now.

Who may see, act and know the reporter is decided in `bot.core.auth.permissions`.
"""
from __future__ import annotations

from bot.core.auth import permissions
from bot.core.directory.model import Directory, Person, PersonRef
from bot.core.errors import NotVisible, PermissionDenied
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, ActionStyle
from bot.core.reports.types import ReportCategory, ReportStatus, ReportView
from bot.core.storage.models import Report

NOT_VISIBLE = ("There is no report {ref} that you can see. Reports are confidential: only the person "
               "handling one, the head teacher and the deputy can see it.")


def check_visible(row: Report | None, actor: Person, ref: str) -> Report:
    # One sentence for "no such report" and "not yours to see": references must not leak.
    if row is None or not permissions.may_see_report(actor, row):
        raise NotVisible(NOT_VISIBLE.format(ref=ref.strip().upper()))
    return row


def check_actor(row: Report | None, actor: Person, ref: str, directory: Directory) -> Report:
    row = check_visible(row, actor, ref)
    if not permissions.may_act_on_report(actor, row):
        raise PermissionDenied(f"Report {row.ref} is with {_ref(directory, row.recipient_email).name}; "
                               "only the person it is routed to can act on it.")
    return row


def _ref(directory: Directory, email: str) -> PersonRef:
    person = directory.get(email)
    return person.ref if person else PersonRef(name=email, email=email)


def actions_for(row: Report) -> tuple[Action, ...]:
    """The recipient's buttons at the report's current status."""
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
        reporter=_ref(directory, row.reporter_email) if permissions.may_see_reporter(viewer, row) else None,
        recipient=_ref(directory, row.recipient_email),
        created_at=row.created_at,
        acknowledged_at=row.acknowledged_at,
        investigating_at=row.investigating_at,
        closed_at=row.closed_at,
        outcome=row.outcome,
        routing_note=row.routing_note,
        overdue=row.status == ReportStatus.RECEIVED.value and row.reminded_at is not None,
        actions=actions_for(row) if permissions.may_act_on_report(viewer, row) else (),
    )
