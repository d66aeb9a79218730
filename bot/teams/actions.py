"""Card submits: Teams sends a `message` activity with no text and `value` = the button's data
merged with the card's input values. Each one becomes one core call; the result goes back
privately (and, in a personal chat, replaces the card that was clicked)."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Mapping

from bot.core.app import Assistant
from bot.core.errors import CoreError, ValidationError
from bot.core.forms import FORMS, REPORT_FORM
from bot.core.interactions import ActionOutcome
from bot.core.notifications.actions import ActionId
from bot.core.reports.types import ReportInput
from bot.teams import identity
from bot.teams.cards.answer import FEEDBACK
from bot.teams.cards.common import DATA_KEY
from bot.teams.cards.forms import form_card, form_values
from bot.teams.cards.notification import escalation_card, receipt_card, report_card
from bot.teams.replies import Replies

log = logging.getLogger(__name__)

_KNOWN = {a.value for a in ActionId}
OLD_BUTTON = "That button belongs to a message I can no longer act on. Please ask again."


def submitted_data(value: Any) -> dict | None:
    data = value.get(DATA_KEY) if isinstance(value, Mapping) else None
    return data if isinstance(data, dict) and isinstance(data.get("action"), str) else None


class SubmitHandler:
    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    async def handle(self, replies: Replies, value: Mapping[str, Any]) -> None:
        data = submitted_data(value)
        if data is None:
            await replies.private_text(OLD_BUTTON)
            return
        action, form_name = data["action"], data.get("form")
        action_value = {str(k): str(v) for k, v in (data.get("value") or {}).items()}
        if action == FEEDBACK:
            helpful = action_value.get("helpful") == "true"
            try:
                await asyncio.to_thread(self.assistant.record_feedback, helpful=helpful,
                                        clause_id=action_value.get("clause") or None)
            except CoreError:
                log.warning("answer feedback not stored", exc_info=True)
            await replies.private_text("Thanks for the feedback." if helpful else
                                       "Thanks for telling me. If the policy did not settle it, use "
                                       "\"Ask my line manager\" on the answer.")
            return
        try:
            person = await identity.actor(self.assistant, replies.turn.activity)
            if action == ActionId.ASK_ESCALATE.value:
                await self._escalate(replies, person, data)
            elif form_name == REPORT_FORM.name or (action == ActionId.REPORT_OPEN.value and form_name):
                await self._report(replies, person, value, data)
            elif action == ActionId.REPORT_OPEN.value:
                await replies.private_card(form_card(REPORT_FORM, action_id=ActionId.REPORT_OPEN), REPORT_FORM.title)
            else:
                await self._perform(replies, person, action, action_value, form_name, value, data)
        except CoreError as exc:
            await replies.private_text(str(exc))

    async def _escalate(self, replies: Replies, person, data: dict) -> None:
        question = str(data.get("question") or "").strip()
        if not question:
            await replies.private_text(OLD_BUTTON)
            return
        clause_ids = [str(c) for c in data.get("clause_ids") or ()]
        view = await asyncio.to_thread(self.assistant.escalate, asker=person, question=question,
                                       clause_ids=clause_ids, idempotency_key=_key(replies, "ask.escalate"))
        if view.duplicate:
            text = f"You already sent this question to {view.recipient.name} ({view.ref})."
        else:
            text = (f"Sent to {view.recipient.name} ({view.recipient.role_label}), reference {view.ref}. "
                    "I'll message you here when they answer.")
        await replies.private_text(text)

    async def _report(self, replies: Replies, person, value: Mapping[str, Any], data: dict) -> None:
        values = form_values(REPORT_FORM, value)
        try:
            report = ReportInput.from_form(values)
            receipt = await asyncio.to_thread(self.assistant.submit_report, reporter=person, report=report,
                                              idempotency_key=_key(replies, "report"))
        except ValidationError as exc:
            card = form_card(REPORT_FORM, action_id=ActionId.REPORT_OPEN, values=values, errors=exc.field_errors,
                             message=str(exc))
            await replies.private_card(card, REPORT_FORM.title)
            return
        message = receipt.message
        if receipt.ref not in message:
            message += f" Your reference is {receipt.ref}."
        await replies.replace_card(receipt_card(receipt.ref, message))  # the filled-in form goes away
        await replies.private_text(message)

    async def _perform(self, replies: Replies, person, action: str, action_value: dict[str, str],
                       form_name: str | None, value: Mapping[str, Any], data: dict) -> None:
        if action not in _KNOWN:
            await replies.private_text(OLD_BUTTON)  # an action id this version does not know
            return
        spec = FORMS.get(form_name or "")
        form = form_values(spec, value, data.get("preset")) if spec else None
        try:
            outcome: ActionOutcome = await asyncio.to_thread(
                self.assistant.perform, actor=person, action_id=ActionId(action), value=action_value, form=form)
        except ValidationError as exc:
            if spec is None:
                raise
            await replies.private_card(form_card(spec, action_id=action, value=action_value, values=form,
                                                 errors=exc.field_errors, message=str(exc)), spec.title)
            return
        if outcome.form is not None:
            await replies.private_card(form_card(outcome.form, action_id=action, value=action_value,
                                                 message=outcome.message or None), outcome.form.title)
            return
        if outcome.view is not None:
            render = escalation_card if hasattr(outcome.view, "question") else report_card
            await replies.replace_card(render(outcome.view, message=outcome.message))
        if outcome.message:
            await replies.private_text(outcome.message)


def _key(replies: Replies, what: str) -> str:
    """Teams resends a failed delivery with the same ids; a second click on the same card
    carries the same `replyToId`, so either way the core sees one request."""
    activity = replies.turn.activity
    conversation = activity.conversation.id if activity.conversation else ""
    anchor = activity.reply_to_id or activity.id or ""
    return f"teams:{conversation}:{anchor}:{what}"[:200]
