"""Button presses on any core card: each becomes a core `Press`; the reply is delivered privately
(and replaces the pressed message through its response_url where the core says so)."""
from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from bot.core.conversation.events import Press, Surface
from bot.slack.where import Where
from bot.slack.render import action_value, parse_action_id

ACTION_PATTERN = re.compile(r"^(ask|report|escalation|feedback|answer|bank)\.[a-z_]+(#\d+)?$")


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.action(ACTION_PATTERN)
    async def on_action(ack, body: dict, action: dict, respond) -> None:
        await ack()
        user = body["user"]["id"]
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        surface = Surface.DIRECT if str(channel or "").startswith("D") or container.get("type") == "view" \
            else Surface.MENTION
        event = Press(sender=await adapter.sender(user), action=parse_action_id(action.get("action_id")),
                      value=action_value(action.get("value")), surface=surface)
        reply = await adapter.handle(event)
        # Slack's response_url for this message is the only handle used to replace it.
        has_url = bool(body.get("response_url"))
        await adapter.deliver(reply, Where(user=user, channel=channel, respond=respond if has_url else None,
                                           trigger_id=body.get("trigger_id"), message_ts=container.get("message_ts")))
