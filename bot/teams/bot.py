"""The Teams turn: an activity becomes a core event, `Assistant.handle` decides, the reply is
rendered as Adaptive Cards and sent where the core says (the conversation, or the person's 1:1
chat), and conversation references are saved when someone talks to or installs the bot."""
from __future__ import annotations

import asyncio
import logging
import re

import aiohttp

from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.schema import ChannelAccount
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.core.app import Assistant
from bot.core.conversation.events import Message, Sender, Surface
from bot.core.conversation.replies import Audience, Reply
from bot.core.directory.model import Platform
from bot.core.errors import CoreError
from bot.teams import actions
from bot.teams.cards.forms import form_card
from bot.teams.cards.render import render
from bot.teams.identity import aad_object_id
from bot.teams.notifier import card_activity
from bot.teams.proactive import ProactiveSender
from bot.teams.references import ReferenceStore, remember
from bot.teams.replies import Replies, text_activity

log = logging.getLogger(__name__)

_AT_TAG = re.compile(r"</?at[^>]*>", re.IGNORECASE)
WELCOME = ("Hello! Ask me about the school's policies and I'll quote the clause that applies. "
           'Type "help" for examples, or "report" to report a concern in confidence.')
OLD_BUTTON = "That button belongs to a message I can no longer act on. Please ask again."


def question_text(turn: TurnContext) -> str:
    """The message text without the bot's @mention (and without any stray <at> tags)."""
    text = TurnContext.remove_recipient_mention(turn.activity) if turn.activity.recipient else turn.activity.text
    return " ".join(_AT_TAG.sub(" ", text or "").split())


class PolicyBot(ActivityHandler):
    def __init__(self, *, assistant: Assistant, store: ReferenceStore, sender: ProactiveSender):
        self.assistant = assistant
        self.store = store
        self.sender = sender

    async def on_turn(self, turn_context: TurnContext):
        remember(self.store, turn_context.activity)
        await super().on_turn(turn_context)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext):
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        replies = Replies(turn_context, self.sender)
        if replies.personal and any(m.id == bot_id for m in members_added):
            await replies.public(text_activity(WELCOME))

    async def on_installation_update(self, turn_context: TurnContext):
        return  # the reference was saved in on_turn

    async def on_message_activity(self, turn_context: TurnContext):
        replies = Replies(turn_context, self.sender)
        activity = turn_context.activity
        if not await self._first_time(activity):
            return  # the same activity delivered again: answered once
        sender = Sender(platform=Platform.TEAMS, user_id=aad_object_id(activity) or "(no Azure AD id)")
        surface = Surface.DIRECT if replies.personal else Surface.MENTION
        if activity.value is not None and not (activity.text or "").strip():
            event = actions.event_for(activity, sender, surface)
            if event is None:
                await replies.private_text(OLD_BUTTON)
                return
        else:
            event = Message(sender=sender, text=question_text(turn_context), surface=surface)
        reply = await asyncio.to_thread(self.assistant.handle, event)
        try:
            await deliver(replies, reply)
        except (HttpOperationError, ClientRequestError, aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            # Teams did not take the reply: it is owed, and reaches the person later in their chat.
            await self._owe(sender, reply, activity.id or "", exc)

    async def _owe(self, sender: Sender, reply: Reply, key: str, exc: Exception) -> None:
        person = await asyncio.to_thread(self.assistant.identify, platform=Platform.TEAMS, user_id=sender.user_id)
        if person is None:
            log.warning("Teams did not take a reply to someone not in the directory (%s)", exc.__class__.__name__)
            return
        for number, card in enumerate((*((reply.replace,) if reply.replace else ()), *reply.cards)):
            try:
                await asyncio.to_thread(self.assistant.owe, recipient=person.email, card=card,
                                        key=f"teams:{key}:{number}")
            except CoreError:
                log.error("Teams did not take a reply and the database is unavailable: the reply is lost")
                return
        log.warning("Teams did not take a reply (%s); it is queued for later", exc.__class__.__name__)

    async def _first_time(self, activity) -> bool:
        if not activity.id:
            return True
        key = f"{activity.conversation.id if activity.conversation else ''}:{activity.id}"
        try:
            return await asyncio.to_thread(self.assistant.first_delivery, platform=Platform.TEAMS, event_id=key)
        except Exception:  # the database is down: answering twice beats not answering
            return True


async def deliver(replies: Replies, reply: Reply) -> None:
    """Render and send a core reply: forms and errors as form cards; the rest as cards."""
    private = reply.audience is Audience.SENDER
    send = replies.private_card if private else replies.public_card
    for request in (reply.form, reply.form_errors):
        if request is not None:
            await replies.private_card(form_card(request), request.spec.title)
    if reply.replace is not None and not await replies.replace_card(render(reply.replace)):
        await send(render(reply.replace), reply.replace.summary or None)
    for card in reply.cards:
        await send(render(card), card.summary or None)
