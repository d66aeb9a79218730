"""Outbound: what the core wants shown, and where, for one event."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping

from bot.core.content.model import Action, Card
from bot.core.forms import FormSpec


class Audience(str, enum.Enum):
    CONVERSATION = "conversation"  # where the event happened (the DM, the channel thread)
    SENDER = "sender"              # only the person who acted (ephemeral / their 1:1 chat)


@dataclass(frozen=True)
class FormRequest:
    """Open this form. `token` goes back, verbatim, with the submission."""

    spec: FormSpec
    token: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, object] = field(default_factory=dict)   # prefilled
    errors: Mapping[str, str] = field(default_factory=dict)      # field name -> message
    message: str = ""                                            # about the form as a whole
    # The button that opens this form, for a platform that can open forms only from a click
    # (Slack opens a modal only in answer to a button or command, not to a typed message).
    opener: Action | None = None


@dataclass(frozen=True)
class CardUpdate:
    """Replace the cards about `subject_ref` that were delivered to `recipient` (located by the
    adapter from where it recorded posting them, never from anything in the request)."""

    subject_ref: str
    recipient: str
    card: Card


@dataclass(frozen=True)
class Reply:
    cards: tuple[Card, ...] = ()
    audience: Audience = Audience.CONVERSATION
    # Replace the card whose button was pressed with this one (where the platform allows it:
    # a message the bot posted in the sender's own chat); otherwise it is sent like `cards`.
    replace: Card | None = None
    form: FormRequest | None = None
    # For a submission: keep the form open and show these problems instead of closing it.
    form_errors: FormRequest | None = None
    updates: tuple[CardUpdate, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.cards or self.replace or self.form or self.form_errors or self.updates)


def say(*cards: Card, audience: Audience = Audience.CONVERSATION) -> Reply:
    return Reply(cards=tuple(cards), audience=audience)


def privately(*cards: Card) -> Reply:
    return Reply(cards=tuple(cards), audience=Audience.SENDER)
