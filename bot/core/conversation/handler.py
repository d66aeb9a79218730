"""`Conversation.handle(event) -> Reply`: the one entry point for everything people do in chat.

It routes the event to the flow that owns it and turns every core error into a sentence for the
person who acted. Adapters call nothing else to serve a person.
"""
from __future__ import annotations

import logging

from bot.core.content import items
from bot.core.conversation import messages, presses, submissions
from bot.core.conversation.deps import Deps
from bot.core.conversation.events import Event, Message, Open, Press, Submission
from bot.core.conversation.replies import Audience, Reply
from bot.core.errors import CoreError

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a minute."


class Conversation:
    def __init__(self, deps: Deps):
        self.deps = deps

    def refresh_learned(self) -> None:
        self.deps.refresh_learned()

    def handle(self, event: Event) -> Reply:
        deps = self.deps
        try:
            if isinstance(event, Message):
                return messages.handle(deps, event)
            if isinstance(event, Press):
                return presses.handle(deps, event)
            if isinstance(event, Submission):
                return submissions.handle(deps, event)
            if isinstance(event, Open):
                return messages.open_(deps, event)
        except CoreError as exc:
            # A form stays open with the reason on it (nothing was done); anything else is told privately.
            if isinstance(event, Submission):
                return submissions.errors(deps, event, exc)
            return Reply(cards=(items.refusal(str(exc)),), audience=Audience.SENDER)
        except Exception:
            log.exception("handling a %s failed", type(event).__name__)
            if isinstance(event, Submission):
                return submissions.errors(deps, event, CoreError(SORRY))
            return Reply(cards=(items.refusal(SORRY),), audience=Audience.SENDER)
        raise TypeError(f"not a conversation event: {event!r}")
