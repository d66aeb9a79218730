"""What a viewer gets of an escalation: the view with the buttons they may press now.

Who may see and do what is decided in `bot.core.auth.permissions`; this module only applies it.
"""
from __future__ import annotations

from bot.core.auth import permissions
from bot.core.directory.model import Directory, Person, PersonRef
from bot.core.errors import NotVisible
from bot.core.escalations.types import CloseReason, EscalationStatus, EscalationView, ForwardTarget
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, ActionStyle
from bot.core.storage.models import Escalation


def check_visible(row: Escalation | None, actor: Person, ref: str) -> Escalation:
    if row is None or not permissions.may_see_escalation(actor, row):
        raise NotVisible(f"There is no query {ref.strip().upper()} that you can see.")
    return row


def person_ref(directory: Directory, email: str | None) -> PersonRef | None:
    if not email:
        return None
    person = directory.get(email)
    return person.ref if person else PersonRef(name=email, email=email)


def manager_actions(row: Escalation, actor: Person, directory: Directory) -> tuple[Action, ...]:
    """The recipient's buttons: answer (in a form that can also pass it on), or pass it on."""
    value = {"ref": row.ref}
    actions = [Action(ActionId.ESCALATION_ANSWER, "Answer", value, ActionStyle.PRIMARY, form="escalation_answer")]
    for target, _person in forward_targets(row, actor, directory):
        label = "Pass to head teacher" if target is ForwardTarget.HEAD_TEACHER else "Pass to HR"
        actions.append(Action(ActionId.ESCALATION_FORWARD, label, {**value, "to": target.value},
                              form="escalation_forward"))
    return tuple(actions)


def forward_targets(row: Escalation, actor: Person, directory: Directory) -> list[tuple[ForwardTarget, Person]]:
    """Whom the recipient may pass the query to (never back to themself or the asker)."""
    found = []
    for target, person in ((ForwardTarget.HEAD_TEACHER, directory.head_teacher), (ForwardTarget.HR, directory.hr)):
        if person and person.email not in (actor.email, row.asker_email):
            found.append((target, person))
    return found


def asker_actions(row: Escalation) -> tuple[Action, ...]:
    return (Action(ActionId.ESCALATION_RESOLVE, "Mark resolved", {"ref": row.ref}, ActionStyle.PRIMARY),)


def actions_for(row: Escalation, actor: Person, directory: Directory) -> tuple[Action, ...]:
    actions: tuple[Action, ...] = ()
    if row.status == EscalationStatus.OPEN.value and permissions.may_answer_escalation(actor, row):
        actions += manager_actions(row, actor, directory)
    if row.status != EscalationStatus.CLOSED.value and permissions.may_resolve_escalation(actor, row):
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
