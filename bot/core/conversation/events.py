"""Inbound events, as every platform's adapter hands them to the core."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping, Union

from bot.core.directory.model import Platform


class Surface(str, enum.Enum):
    """Where a message was written: it decides who else sees the reply."""

    DIRECT = "direct"      # a 1:1 chat with the bot
    MENTION = "mention"    # @bot in a channel: answered in that channel (a thread)
    PRIVATE = "private"    # a slash command: only the sender sees the answer
    CLI = "cli"


@dataclass(frozen=True)
class Sender:
    platform: Platform
    user_id: str
    # The e-mail the platform itself reports for this account (Slack profile), if any. Used only
    # for people the directory lists without an id on this platform.
    email: str | None = None


@dataclass(frozen=True)
class Message:
    sender: Sender
    text: str
    surface: Surface = Surface.DIRECT


@dataclass(frozen=True)
class Press:
    """A button on one of the core's cards was pressed. `value` is the button's value, verbatim."""

    sender: Sender
    action: str
    value: Mapping[str, Any] = field(default_factory=dict)
    surface: Surface = Surface.DIRECT


@dataclass(frozen=True)
class Submission:
    """A form the core asked for was submitted. `token` is what the form carried; `submission_id`
    is the platform's id for this submission (a Slack view id, a Teams card activity), so a form
    sent twice is acted on once."""

    sender: Sender
    form: str
    values: Mapping[str, Any]
    token: Mapping[str, Any] = field(default_factory=dict)
    submission_id: str = ""
    surface: Surface = Surface.DIRECT


class Opening(str, enum.Enum):
    REPORT_FORM = "report_form"   # /policy-report, the "Report a concern" shortcut
    HOME = "home"                 # Slack's App Home tab
    HELP = "help"


@dataclass(frozen=True)
class Open:
    """The person opened something without typing: a form from a shortcut, the home tab."""

    sender: Sender
    what: Opening
    prefill: Mapping[str, str] = field(default_factory=dict)  # e.g. the message being reported


Event = Union[Message, Press, Submission, Open]
