"""The Notification data type: what to tell whom, with which buttons; adapters only render it."""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Mapping

from bot.core.notifications.actions import ActionId


class NotificationKind(str, enum.Enum):
    ESCALATION_NEW = "escalation.new"            # to the manager: a query to answer
    ESCALATION_FORWARDED = "escalation.forwarded"  # to head teacher/HR: a query passed on
    ESCALATION_ANSWERED = "escalation.answered"  # to the asker: the manager's answer
    ESCALATION_CLOSED = "escalation.closed"      # to the manager: the asker resolved it / it auto-closed
    ESCALATION_REMINDER = "escalation.reminder"  # to the manager: still unanswered
    ESCALATION_OVERDUE = "escalation.overdue"    # to the head teacher: unanswered for twice the time
    REPORT_NEW = "report.new"                    # to the recipient: a breach/concern report
    REPORT_RECEIPT = "report.receipt"            # to the reporter: saved, with its reference
    REPORT_STATUS = "report.status"              # to the reporter: status changed (never the outcome)
    REPORT_REMINDER = "report.reminder"          # to the recipient: not acknowledged yet
    REPORT_REASSIGNED = "report.reassigned"      # to the deputy (or next up): now theirs to handle
    ADMIN_ALERT = "admin.alert"                  # to administrators: unknown user, directory problem
    REPLY = "reply"                              # to anyone: a reply the platform could not take at the time


class ActionStyle(str, enum.Enum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Action:
    """A button. `value` is a small string map handed back verbatim to `Assistant.perform`."""

    id: ActionId
    label: str
    value: Mapping[str, str] = field(default_factory=dict)
    style: ActionStyle = ActionStyle.DEFAULT
    form: str | None = None  # name of a FormSpec in bot.core.forms to open before performing

    def to_json(self) -> dict:
        return {"id": self.id.value, "label": self.label, "value": dict(self.value),
                "style": self.style.value, "form": self.form}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Action":
        return cls(id=ActionId(data["id"]), label=data["label"], value=dict(data.get("value") or {}),
                   style=ActionStyle(data.get("style") or "default"), form=data.get("form"))


@dataclass(frozen=True)
class Field:
    """A labelled value shown as a fact (Slack section field / Adaptive Notice FactSet)."""

    label: str
    value: str


@dataclass(frozen=True)
class SubjectRef:
    type: str  # "escalation" | "report" | "person"
    ref: str   # e.g. "E-2026-0003", "R-2026-0007"


@dataclass(frozen=True)
class Notice:
    """What a notification says: title, text, facts, a quote, buttons (see `Notification`)."""

    title: str
    text: str
    fields: tuple[Field, ...] = ()
    actions: tuple[Action, ...] = ()
    subject: SubjectRef | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Notification:
    """One message to one person. `id` is stable across redeliveries: adapters may dedupe on it."""

    id: str
    recipient: str  # email, as in the directory
    kind: NotificationKind
    title: str
    text: str  # plain text with line breaks; no platform markup
    created_at: datetime
    fields: tuple[Field, ...] = ()
    actions: tuple[Action, ...] = ()
    subject: SubjectRef | None = None
    # Policy text or guidance quoted in the message; render visibly distinct from the text.
    quote: str | None = None
    # A whole card (as `bot.core.content.model.Card.to_json`), for a reply owed to someone that the
    # platform could not take at the time; shown instead of the fields above.
    card: Mapping[str, Any] | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "recipient": self.recipient,
            "kind": self.kind.value,
            "title": self.title,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
            "fields": [asdict(f) for f in self.fields],
            "actions": [a.to_json() for a in self.actions],
            "subject": asdict(self.subject) if self.subject else None,
            "quote": self.quote,
            **({"card": dict(self.card)} if self.card else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Notification":
        subject = data.get("subject")
        return cls(
            id=data["id"],
            recipient=data["recipient"],
            kind=NotificationKind(data["kind"]),
            title=data["title"],
            text=data["text"],
            created_at=datetime.fromisoformat(data["created_at"]),
            fields=tuple(Field(**f) for f in data.get("fields") or ()),
            actions=tuple(Action.from_json(a) for a in data.get("actions") or ()),
            subject=SubjectRef(**subject) if subject else None,
            quote=data.get("quote"),
            card=data.get("card"),
        )
