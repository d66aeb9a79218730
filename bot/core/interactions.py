"""Button clicks on core cards: maps a stable action id (and its form) to the service call."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from bot.core.directory.model import Person
from bot.core.errors import ValidationError
from bot.core.escalations.types import EscalationView, ForwardTarget
from bot.core.forms import ESCALATION_ANSWER_FORM, ESCALATION_FORWARD_FORM, REPORT_CLOSE_FORM, REPORT_FORM, FormSpec
from bot.core.notifications.actions import ActionId
from bot.core.reports.types import ReportView

if TYPE_CHECKING:
    from bot.core.app import Assistant


@dataclass(frozen=True)
class ActionOutcome:
    message: str  # a sentence for the person who clicked
    view: EscalationView | ReportView | None = None  # re-render the card from this (its `actions` are current)
    form: FormSpec | None = None  # if set, nothing happened yet: open this form, then call perform again


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1", "yes", "on"}


def perform(*, assistant: "Assistant", actor: Person, action_id: ActionId, value: Mapping[str, str],
            form: Mapping[str, Any] | None) -> ActionOutcome:
    ref = str(value.get("ref") or "")
    if action_id in (ActionId.ASK_ESCALATE, ActionId.REPORT_OPEN):
        if action_id is ActionId.REPORT_OPEN:
            return ActionOutcome("Tell me what happened.", form=REPORT_FORM)
        raise ValidationError("Call Assistant.escalate with the question for ask.escalate.")
    if not ref:
        raise ValidationError("This button is missing its reference; please use a newer message.")
    if action_id is ActionId.ESCALATION_ANSWER:
        if form is None:
            return ActionOutcome("", form=ESCALATION_ANSWER_FORM)
        view = assistant.answer_escalation(actor=actor, ref=ref, text=str(form.get("text") or ""),
                                           save_as_guidance=_truthy(form.get("save_as_guidance")),
                                           guidance_text=form.get("guidance_text"))
        extra = " and saved it as guidance" if view.guidance_saved else ""
        return ActionOutcome(f"Thanks: your answer was sent to {view.asker.name}{extra}.", view)
    if action_id is ActionId.ESCALATION_FORWARD:
        if form is None:
            return ActionOutcome("", form=ESCALATION_FORWARD_FORM)
        view = assistant.forward_escalation(actor=actor, ref=ref, to=ForwardTarget(value.get("to", "head_teacher")),
                                            note=form.get("note"))
        return ActionOutcome(f"Query {view.ref} passed to {view.recipient.name}.", view)
    if action_id is ActionId.ESCALATION_RESOLVE:
        view = assistant.resolve_escalation(actor=actor, ref=ref)
        return ActionOutcome(f"Query {view.ref} marked resolved.", view)
    if action_id is ActionId.REPORT_ACKNOWLEDGE:
        view = assistant.acknowledge_report(actor=actor, ref=ref)
        return ActionOutcome(f"Report {view.ref} acknowledged; the reporter has been told.", view)
    if action_id is ActionId.REPORT_INVESTIGATE:
        view = assistant.start_investigation(actor=actor, ref=ref)
        return ActionOutcome(f"Report {view.ref} marked as under investigation; the reporter has been told.", view)
    if action_id is ActionId.REPORT_CLOSE:
        if form is None:
            return ActionOutcome("", form=REPORT_CLOSE_FORM)
        view = assistant.close_report(actor=actor, ref=ref, outcome=str(form.get("outcome") or ""))
        return ActionOutcome(f"Report {view.ref} closed; the reporter has been told (without the outcome).", view)
    raise ValidationError(f"Unknown action {action_id.value!r}.")
