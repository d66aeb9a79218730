"""Questions typed to the bot: a direct message (answered in the DM) or an @mention (in a thread)."""
from __future__ import annotations

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.core.conversation.events import Message, Surface
from bot.slack.where import Where
from bot.slack.escape import plain_question


def _from_a_person(event: dict) -> bool:
    # Edits, joins, bot posts (ours and other bots') are not questions.
    return bool(event.get("user")) and not event.get("subtype") and not event.get("bot_id") \
        and not event.get("bot_profile")


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.event("message")
    async def direct_message(event: dict, context: AsyncBoltContext) -> None:
        if event.get("channel_type") != "im" or not _from_a_person(event):
            return
        text = plain_question(event.get("text"), bot_user_id=context.bot_user_id)
        sender = await adapter.sender(event["user"])
        reply = await adapter.handle(Message(sender=sender, text=text, surface=Surface.DIRECT))
        # A question asked inside a DM thread is answered there.
        await adapter.deliver(reply, Where(user=event["user"], channel=event["channel"], thread_ts=event.get("thread_ts")))

    @bolt.event("app_mention")
    async def mention(event: dict, context: AsyncBoltContext) -> None:
        if not _from_a_person(event):
            return
        text = plain_question(event.get("text"), bot_user_id=context.bot_user_id)
        sender = await adapter.sender(event["user"])
        reply = await adapter.handle(Message(sender=sender, text=text, surface=Surface.MENTION))
        await adapter.deliver(reply, Where(user=event["user"], channel=event["channel"],
                                           thread_ts=event.get("thread_ts") or event["ts"]))
