"""Modal submissions: the report form, and the forms core card buttons ask for (answer, forward, close)."""
from __future__ import annotations

import json
import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.core.cards import receipt_card
from bot.core.errors import CoreError, ValidationError
from bot.core.forms import FORMS, REPORT_FORM, FieldKind, FormSpec
from bot.core.reports.types import ReportInput
from bot.slack.blocks.card import render_card
from bot.slack.blocks.forms import CALLBACK_PREFIX, chosen_alternative, done_modal, field_errors, form_values
from bot.slack.escape import escape
from bot.slack.listeners.actions import update_card

log = logging.getLogger(__name__)


async def _values(adapter, form: FormSpec, view: dict) -> dict:
    values = form_values(form, view.get("state") or {})
    for field in form.fields:
        if field.kind is FieldKind.PEOPLE:
            values[field.name] = await adapter.identity.emails_of(values.get(field.name) or [])
    return values


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.view(re.compile("^" + re.escape(CALLBACK_PREFIX)))
    async def on_submit(ack, body: dict, view: dict) -> None:
        form = FORMS.get(view["callback_id"][len(CALLBACK_PREFIX):])
        if form is None:
            await ack()
            return
        user_id = body["user"]["id"]
        try:
            values = await _values(adapter, form, view)
            if form is REPORT_FORM:
                await _report(adapter, ack, user_id, view, values)
            else:
                await _perform(adapter, ack, user_id, form, view, values)
        except ValidationError as exc:
            await ack(response_action="errors", errors=field_errors(form, exc.field_errors, str(exc)))
        except CoreError as exc:
            # Nothing was done (e.g. database down, not allowed): keep the form open and say why.
            await ack(response_action="errors", errors=field_errors(form, {}, str(exc)))
        except Exception:
            log.exception("form %s failed", form.name)
            await ack(response_action="errors",
                      errors=field_errors(form, {}, "Sorry, something went wrong on my side. Please try again."))


async def _report(adapter, ack, user_id: str, view: dict, values: dict) -> None:
    report = ReportInput.from_form(values)  # ValidationError → shown on the form's fields
    reporter = await adapter.actor(user_id)
    # The view id is the same however often Slack re-sends this submission: the report is saved once.
    receipt = await adapter.call(adapter.assistant.submit_report, reporter=reporter, report=report,
                                 idempotency_key=f"slack:view:{view['id']}")
    await ack(response_action="update", view=done_modal("Report sent", escape(receipt.message)))
    # The reporter keeps the reference in their DMs with the bot (never in a channel).
    text, blocks = render_card(receipt_card(receipt))
    try:
        await adapter.notifier.post_dm(user_id, text=text, blocks=blocks)
    except Exception as exc:
        log.warning("could not DM the report receipt %s: %s", receipt.ref, exc)


async def _perform(adapter, ack, user_id: str, form: FormSpec, view: dict, values: dict) -> None:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    if not meta.get("a"):
        raise ValidationError("This form has expired; please press the button on the message again.")
    actor = await adapter.actor(user_id)
    action_id, value = meta["a"], meta.get("v") or {}
    alternative = chosen_alternative(view.get("state") or {})
    if alternative is not None and alternative < len(meta.get("alt") or ()):
        # "Pass to head teacher" picked in the answer form: the text goes with it as the note.
        picked = meta["alt"][alternative]
        action_id, value, values = picked["a"], picked["v"], {"note": values.get("text") or ""}
    outcome = await adapter.call(adapter.assistant.perform, actor=actor, action_id=action_id, value=value, form=values)
    await ack(response_action="update", view=done_modal(form.title, escape(outcome.message or "Done.")))
    channel, ts = meta.get("ch"), meta.get("ts")
    if channel and ts:
        blocks = await _message_blocks(adapter, channel, ts)
        await update_card(adapter, channel=channel, ts=ts, blocks=blocks, view=outcome.view, note=outcome.message)


async def _message_blocks(adapter, channel: str, ts: str) -> list | None:
    try:
        history = await adapter.client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
    except Exception as exc:
        log.info("could not read back the card to update it: %s", exc)
        return None
    messages = history.get("messages") or []
    return messages[0].get("blocks") if messages and messages[0].get("ts") == ts else None
