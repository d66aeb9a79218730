"""Core test helpers: the directory file, the shared fake index, and driving the conversation."""
from __future__ import annotations

import asyncio
from pathlib import Path


from tests.support.fakeindex import FakeIndex

DIRECTORY_CSV = Path(__file__).resolve().parent / "directory.csv"

__all__ = ["DIRECTORY_CSV", "FakeIndex", "deliver", "press", "submit", "sender_of"]


def deliver(assistant):
    """Run the dispatcher until nothing is due; returns the summary."""
    return asyncio.run(assistant.dispatcher().run_once())


def sender_of(person, platform: str = "slack"):
    from bot.core.conversation.events import Sender
    from bot.core.directory.model import Platform

    platform = Platform(platform)
    return Sender(platform=platform, user_id=person.platform_id(platform) or person.email)


def press(assistant, person, action, *, platform: str = "slack"):
    """Press a core `Action` (as a button on a card) as `person`; returns the core's Reply."""
    from bot.core.conversation.events import Press

    return assistant.handle(Press(sender=sender_of(person, platform), action=action.id.value, value=dict(action.value)))


def submit(assistant, person, form_request, values, *, submission_id: str = "submission-1", platform: str = "slack"):
    """Submit the form a Reply asked for, with `values`."""
    from bot.core.conversation.events import Submission

    return assistant.handle(Submission(sender=sender_of(person, platform), form=form_request.spec.name, values=values,
                                       token=dict(form_request.token), submission_id=submission_id))
