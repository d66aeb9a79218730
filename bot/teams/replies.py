"""Where a reply goes: into the turn's conversation, or privately to the sender's personal chat.

Anything about escalations or reports is private: in a channel it goes to the person's 1:1
chat with the bot and nothing is posted in the channel.
"""
from __future__ import annotations

import logging
import aiohttp
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.core.errors import DeliveryError
from bot.teams.identity import aad_object_id
from bot.teams.notifier import card_activity
from bot.teams.proactive import ProactiveSender
from bot.teams.references import is_personal

log = logging.getLogger(__name__)


def text_activity(text: str) -> Activity:
    # Plain text: whatever the user typed that we echo is shown literally, never as a mention.
    return Activity(type=ActivityTypes.message, text=text, text_format="plain")


class Replies:
    def __init__(self, turn: TurnContext, sender: ProactiveSender):
        self.turn = turn
        self.sender = sender

    @property
    def personal(self) -> bool:
        return is_personal(self.turn.activity)

    async def public(self, *activities: Activity) -> None:
        """In the conversation the user wrote in (a channel reply for a channel mention)."""
        await self.turn.send_activities(list(activities))

    async def private(self, *activities: Activity) -> None:
        if self.personal:
            await self.turn.send_activities(list(activities))
            return
        aad_id = aad_object_id(self.turn.activity)
        if not aad_id:
            return  # cannot reach them privately, and must not answer in the channel
        sender = self.turn.activity.from_property
        try:
            await self.sender.send(aad_id, activities, member_id=sender.id if sender else None)
        except DeliveryError as exc:  # nothing private may fall back to the channel
            log.warning("could not reach %s privately on Teams: %s", aad_id, exc)

    async def private_text(self, text: str) -> None:
        await self.private(text_activity(text))

    async def private_card(self, content: dict, summary: str | None = None) -> None:
        await self.private(card_activity(content, summary=summary))

    async def public_card(self, content: dict, summary: str | None = None) -> None:
        await self.public(card_activity(content, summary=summary))

    async def replace_card(self, content: dict) -> bool:
        """Update the card the user clicked (personal chats only). False if that was not possible."""
        activity = self.turn.activity
        if not self.personal or not activity.reply_to_id:
            return False
        update = card_activity(content)
        update.id = activity.reply_to_id
        try:
            await self.turn.update_activity(update)
        except (HttpOperationError, ClientRequestError, aiohttp.ClientError, OSError) as exc:
            log.info("could not update Teams card %s: %s", update.id, exc)  # the outcome text still goes out
            return False
        return True
