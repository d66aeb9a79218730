"""Questions typed to the bot: a direct message (answer in the DM) or an @mention (answer in a thread)."""
from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.slack.escape import plain_question

log = logging.getLogger(__name__)


def _from_a_person(event: dict) -> bool:
    # Edits, joins, bot posts (ours and other bots') are not questions.
    return bool(event.get("user")) and not event.get("subtype") and not event.get("bot_id") \
        and not event.get("bot_profile")


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.event("message")
    async def direct_message(event: dict, context: AsyncBoltContext) -> None:
        if event.get("channel_type") != "im" or not _from_a_person(event):
            return
        question = plain_question(event.get("text"), bot_user_id=context.bot_user_id)
        text, blocks = await adapter.answer(event["user"], question)
        thread = event.get("thread_ts")  # a question asked inside a DM thread is answered there
        try:
            await adapter.client.chat_postMessage(channel=event["channel"], text=text, blocks=blocks,
                                                  thread_ts=thread, unfurl_links=False, unfurl_media=False)
        except Exception:
            log.exception("could not post the answer to a direct message")

    @bolt.event("app_mention")
    async def mention(event: dict, context: AsyncBoltContext) -> None:
        if not _from_a_person(event):
            return
        question = plain_question(event.get("text"), bot_user_id=context.bot_user_id)
        text, blocks = await adapter.answer(event["user"], question)
        try:
            await adapter.client.chat_postMessage(channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"],
                                                  text=text, blocks=blocks, unfurl_links=False, unfurl_media=False)
        except Exception:
            log.exception("could not post the answer to a mention")
