"""Button clicks: on answers ("Ask my line manager", feedback, "Report a concern") and on core cards."""
from __future__ import annotations

import json
import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.core.errors import CoreError
from bot.core.forms import REPORT_FORM
from bot.core.notifications.actions import ActionId
from bot.slack.blocks.answer import FEEDBACK_HELPFUL, FEEDBACK_NOT_HELPFUL
from bot.slack.blocks.card import replace_actions
from bot.slack.blocks.common import parse_action_id
from bot.slack.blocks.forms import form_modal, next_step_block
from bot.slack.escape import escape, truncate

log = logging.getLogger(__name__)

ACTION_PATTERN = re.compile(r"^(ask|report|escalation|feedback)\.[a-z_]+(#\d+)?$")


def _value(action: dict) -> dict:
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def forward_buttons(blocks: list[dict]) -> list[tuple[str, dict]]:
    """(label, value) of the `escalation.forward` buttons on a card."""
    found = []
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if parse_action_id(element.get("action_id", "")) == ActionId.ESCALATION_FORWARD.value:
                found.append((element["text"]["text"], _value(element)))
    return found


def origin(body: dict) -> dict:
    """Where the clicked message is, so a form submitted later can update it."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return {"ch": channel, "ts": ts} if channel and ts and not container.get("is_ephemeral") else {}


async def update_card(adapter, *, channel: str | None, ts: str | None, blocks: list | None, view, note: str) -> None:
    """Replace the buttons of the card the person acted on with what they may do now."""
    if not (channel and ts and blocks):
        return
    new_blocks = replace_actions(blocks, view.actions if view is not None else (), f":white_check_mark: {escape(note)}")
    try:
        await adapter.client.chat_update(channel=channel, ts=ts, blocks=new_blocks, text=truncate(note, 3000))
    except Exception:
        log.exception("could not update the card after an action")


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.action(ACTION_PATTERN)
    async def on_action(ack, body: dict, action: dict, respond) -> None:
        await ack()
        action_id = parse_action_id(action["action_id"])
        user_id = body["user"]["id"]
        try:
            if action_id in (FEEDBACK_HELPFUL, FEEDBACK_NOT_HELPFUL):
                await _feedback(adapter, body, respond, action_id, _value(action))
            elif action_id == ActionId.ASK_ESCALATE.value:
                await _escalate(adapter, body, respond, user_id, _value(action))
            elif action_id == ActionId.REPORT_OPEN.value:
                await adapter.client.views_open(trigger_id=body["trigger_id"], view=form_modal(REPORT_FORM))
            else:
                await _perform(adapter, body, respond, user_id, action_id, _value(action))
        except CoreError as exc:
            await adapter.say_privately(body, respond, escape(str(exc)))
        except Exception:
            log.exception("button %s failed", action_id)
            await adapter.say_privately(body, respond, "Sorry, something went wrong on my side. Please try again.")


async def _feedback(adapter, body: dict, respond, action_id: str, value: dict) -> None:
    # Stored by the core without who gave it.
    await adapter.call(adapter.assistant.record_feedback, helpful=action_id == FEEDBACK_HELPFUL,
                       clause_id=value.get("c") or None, policy_id=value.get("p") or None)
    reply = "Thanks, glad it helped." if action_id == FEEDBACK_HELPFUL else \
        "Thanks for telling me. If you still need an answer, press *Ask my line manager*."
    await adapter.say_privately(body, respond, reply)


async def _escalate(adapter, body: dict, respond, user_id: str, value: dict) -> None:
    asker = await adapter.actor(user_id)
    container = body.get("container") or {}
    # One escalation per answer and person, however often the button is pressed.
    key = f"slack:{container.get('channel_id') or ''}:{container.get('message_ts') or body.get('trigger_id')}:{user_id}"
    view = await adapter.call(adapter.assistant.escalate, asker=asker, question=str(value.get("q") or ""),
                              clause_ids=[str(c) for c in value.get("c") or ()], idempotency_key=key[:200])
    lead = "Already sent" if view.duplicate else "Sent"
    text = (f"{lead} to *{escape(view.recipient.name)}* ({escape(view.recipient.role_label)}), reference "
            f"*{escape(view.ref)}*. Their answer will come to you here as a direct message.")
    if view.routing_note:
        text += f"\n_{escape(view.routing_note)}_"
    await adapter.say_privately(body, respond, text)


async def _perform(adapter, body: dict, respond, user_id: str, action_id: str, value: dict) -> None:
    actor = await adapter.actor(user_id)
    outcome = await adapter.call(adapter.assistant.perform, actor=actor, action_id=action_id, value=value)
    where = origin(body)
    if outcome.form is not None:
        metadata = {"a": action_id, "v": value, **where}
        preface = f"Reference *{escape(str(value['ref']))}*" if value.get("ref") else None
        extra = []
        if action_id == ActionId.ESCALATION_ANSWER.value:
            # Offer the card's own "Pass to …" buttons (as the core put them there) in the answer form.
            passes = forward_buttons((body.get("message") or {}).get("blocks") or [])
            if passes:
                metadata["alt"] = [{"a": ActionId.ESCALATION_FORWARD.value, "v": v} for _, v in passes]
                extra = [next_step_block("Send my answer to the asker", [label for label, _ in passes])]
        await adapter.client.views_open(trigger_id=body["trigger_id"], view=form_modal(
            outcome.form, metadata=metadata, preface=preface, extra=extra))
        return
    blocks = (body.get("message") or {}).get("blocks")
    if where and blocks:
        await update_card(adapter, channel=where["ch"], ts=where["ts"], blocks=blocks, view=outcome.view,
                          note=outcome.message)
    else:
        await adapter.say_privately(body, respond, escape(outcome.message))
