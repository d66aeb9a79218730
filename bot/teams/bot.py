"""The Teams turn logic: questions, the "report" / "help" / "my queries" / "my reports" commands,
card submits, and saving conversation references when someone talks to or installs the bot."""
from __future__ import annotations

import asyncio
import re

from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.schema import ChannelAccount

from bot.core.app import Assistant
from bot.core.errors import CoreError
from bot.core.forms import REPORT_FORM
from bot.core.notifications.actions import ActionId
from bot.teams import identity
from bot.teams.actions import SubmitHandler
from bot.teams.cards.answer import answer_card, help_card
from bot.teams.cards.forms import form_card
from bot.teams.cards.notification import escalation_card, list_card
from bot.teams.notifier import card_activity
from bot.teams.proactive import ProactiveSender
from bot.teams.references import ReferenceStore, remember
from bot.teams.replies import Replies, text_activity

_AT_TAG = re.compile(r"</?at[^>]*>", re.IGNORECASE)
_COMMAND = re.compile(r"^\s*/?(report|help|my queries|my reports|ask)\b\s*", re.IGNORECASE)
WELCOME = ("Hello! Ask me about the school's policies and I'll quote the clause that applies. "
           'Type "help" for examples, or "report" to report a concern in confidence.')
_MAX_LISTED = 10


def question_text(turn: TurnContext) -> str:
    """The message text without the bot's @mention (and without any stray <at> tags)."""
    text = TurnContext.remove_recipient_mention(turn.activity) if turn.activity.recipient else turn.activity.text
    return " ".join(_AT_TAG.sub(" ", text or "").split())


class PolicyBot(ActivityHandler):
    def __init__(self, *, assistant: Assistant, store: ReferenceStore, sender: ProactiveSender):
        self.assistant = assistant
        self.store = store
        self.sender = sender
        self.submits = SubmitHandler(assistant)

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
        if activity.value is not None and not (activity.text or "").strip():
            await self.submits.handle(replies, activity.value)
            return
        text = question_text(turn_context)
        command = _COMMAND.match(text)
        name = command.group(1).lower() if command else None
        rest = text[command.end():].strip() if command else text
        try:
            if name == "report" and not rest:
                await identity.actor(self.assistant, activity)  # unknown people are told why not
                await replies.private_card(form_card(REPORT_FORM, action_id=ActionId.REPORT_OPEN), REPORT_FORM.title)
            elif name == "help" and not rest:
                await replies.public(card_activity(help_card()))
            elif name in ("my queries", "my reports") and not rest:
                await self._listing(replies, name)
            else:
                await self._ask(replies, rest if name == "ask" else text)
        except CoreError as exc:
            await replies.private_text(str(exc))

    async def _ask(self, replies: Replies, question: str) -> None:
        person = await identity.identify(self.assistant, replies.turn.activity)
        result = await asyncio.to_thread(self.assistant.ask, question=question, asker=person)
        await replies.public(card_activity(answer_card(result), summary="Answer from the policy"))

    async def _listing(self, replies: Replies, name: str) -> None:
        person = await identity.actor(self.assistant, replies.turn.activity)
        if name == "my queries":
            views = await asyncio.to_thread(self.assistant.list_escalations, actor=person)
            if not views:
                await replies.private_text("You have no policy queries yet.")
                return
            await replies.private(*(card_activity(escalation_card(v), summary=f"Query {v.ref}")
                                    for v in views[:_MAX_LISTED]))
            return
        receipts = await asyncio.to_thread(self.assistant.my_reports, reporter=person)
        lines = [f"{r.ref} \u00b7 {r.category.label} \u00b7 {r.status.value} \u00b7 sent to the {r.recipient_role.lower()}"
                 f" on {r.created_at:%-d %B %Y}" for r in receipts[:_MAX_LISTED]]
        await replies.private_card(list_card("Your reports", lines, empty="You have not sent any reports."))
