"""Slash commands (`/policy QUESTION`, `/policy-report`), the "Report a concern" shortcut and the
"Report this message" message shortcut."""
from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core.conversation.events import Message, Open, Opening, Surface
from bot.slack.where import Where
from bot.slack.escape import plain_question

POLICY_COMMAND = "/policy"
REPORT_COMMAND = "/policy-report"
REPORT_SHORTCUT = "report_concern"
REPORT_MESSAGE_SHORTCUT = "report_message"


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.command(POLICY_COMMAND)
    async def policy(ack, command: dict, respond) -> None:
        await ack()
        text = plain_question(command.get("text")) or "help"
        sender = await adapter.sender(command["user_id"])
        # A staff member's question is private: the core answers a slash command to them alone.
        reply = await adapter.handle(Message(sender=sender, text=text, surface=Surface.PRIVATE))
        await adapter.deliver(reply, Where(user=command["user_id"], channel=command.get("channel_id"),
                                           respond=respond, trigger_id=command.get("trigger_id")))

    @bolt.command(REPORT_COMMAND)
    async def report(ack, command: dict, respond) -> None:
        await ack()
        sender = await adapter.sender(command["user_id"])
        reply = await adapter.handle(Open(sender=sender, what=Opening.REPORT_FORM))
        await adapter.deliver(reply, Where(user=command["user_id"], channel=command.get("channel_id"),
                                           respond=respond, trigger_id=command.get("trigger_id")))

    @bolt.shortcut(REPORT_SHORTCUT)
    async def report_shortcut(ack, shortcut: dict, respond) -> None:
        await ack()
        user = shortcut["user"]["id"]
        reply = await adapter.handle(Open(sender=await adapter.sender(user), what=Opening.REPORT_FORM))
        await adapter.deliver(reply, Where(user=user, trigger_id=shortcut.get("trigger_id")))

    @bolt.shortcut(REPORT_MESSAGE_SHORTCUT)
    async def report_message(ack, shortcut: dict, client) -> None:
        await ack()
        user = shortcut["user"]["id"]
        message = shortcut.get("message") or {}
        channel = (shortcut.get("channel") or {}).get("id")
        prefill = {"what_happened": plain_question(message.get("text")), "where": "Slack"}
        link = await _permalink(client, channel, message.get("ts"))
        if link:
            prefill["links"] = link
        reply = await adapter.handle(Open(sender=await adapter.sender(user), what=Opening.REPORT_FORM, prefill=prefill))
        await adapter.deliver(reply, Where(user=user, trigger_id=shortcut.get("trigger_id")))


async def _permalink(client, channel: str | None, ts: str | None) -> str | None:
    if not (channel and ts):
        return None
    try:
        response = await client.chat_getPermalink(channel=channel, message_ts=ts)
    except Exception:
        return None  # the link is a convenience; the form opens without it
    return response.get("permalink")
