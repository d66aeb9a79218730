"""Who may see and act on an escalation, and the view (with the viewer's buttons) they get."""
from __future__ import annotations

from bot.core.directory.model import Directory, Person, PersonRef
from bot.core.errors import NotFound, PermissionDenied
from bot.core.escalations.types import CloseReason, EscalationStatus, EscalationView, ForwardTarget
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, ActionStyle
from bot.core.storage.models import Escalation


def can_see(row: Escalation, actor: Person) -> bool:
    # The head teacher is told about overdue queries, so may then look at them.
    return actor.email in (row.asker_email, row.recipient_email, row.overdue_notified_email)


def check_visible(row: Escalation | None, actor: Person, ref: str) -> Escalation:
    if row is None:
        raise NotFound(f"There is no query {ref}.")
    if not can_see(row, actor):
        raise PermissionDenied(f"Query {ref} is not yours and was not routed to you.")
    return row


def person_ref(directory: Directory, email: str | None) -> PersonRef | None:
    if not email:
        return None
    person = directory.get(email)
    return person.ref if person else PersonRef(name=email, email=email)


def manager_actions(row: Escalation, actor: Person, directory: Directory) -> tuple[Action, ...]:
    value = {"ref": row.ref}
    actions = [Action(ActionId.ESCALATION_ANSWER, "Answer", value, ActionStyle.PRIMARY, form="escalation_answer")]
    head, hr = directory.head_teacher, directory.hr
    if head and head.email != actor.email:
        actions.append(Action(ActionId.ESCALATION_FORWARD, "Pass to head teacher",
                              {**value, "to": ForwardTarget.HEAD_TEACHER.value}, form="escalation_forward"))
    if hr and hr.email != actor.email:
        actions.append(Action(ActionId.ESCALATION_FORWARD, "Pass to HR",
                              {**value, "to": ForwardTarget.HR.value}, form="escalation_forward"))
    return tuple(actions)


def asker_actions(row: Escalation) -> tuple[Action, ...]:
    return (Action(ActionId.ESCALATION_RESOLVE, "Mark resolved", {"ref": row.ref}, ActionStyle.PRIMARY),)


def actions_for(row: Escalation, actor: Person, directory: Directory) -> tuple[Action, ...]:
    actions: tuple[Action, ...] = ()
    if row.status == EscalationStatus.OPEN.value and actor.email == row.recipient_email:
        actions += manager_actions(row, actor, directory)
    if row.status != EscalationStatus.CLOSED.value and actor.email == row.asker_email:
        actions += asker_actions(row)
    return actions


def to_view(row: Escalation, *, viewer: Person, directory: Directory, duplicate: bool = False) -> EscalationView:
    return EscalationView(
        ref=row.ref,
        status=EscalationStatus(row.status),
        question=row.question,
        clause_ids=tuple(row.clause_ids or ()),
        asker=person_ref(directory, row.asker_email),
        recipient=person_ref(directory, row.recipient_email),
        created_at=row.created_at,
        answer=row.answer_text,
        answered_by=person_ref(directory, row.answered_by_email),
        answered_at=row.answered_at,
        closed_at=row.closed_at,
        close_reason=CloseReason(row.close_reason) if row.close_reason else None,
        routing_note=row.routing_note if viewer.email != row.asker_email else None,
        guidance_saved=row.guidance_id is not None,
        duplicate=duplicate,
        overdue=row.status == EscalationStatus.OPEN.value and row.reminded_at is not None,
        actions=actions_for(row, viewer, directory),
    )
