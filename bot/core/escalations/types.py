"""Escalation value types: status, forward targets and the view shown to askers and managers."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.directory.model import PersonRef
from bot.core.notifications.types import Action


class EscalationStatus(str, enum.Enum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class ForwardTarget(str, enum.Enum):
    HEAD_TEACHER = "head_teacher"
    HR = "hr"


class CloseReason(str, enum.Enum):
    RESOLVED = "resolved"          # the asker marked it resolved
    QUIET_PERIOD = "quiet_period"  # answered, and nothing happened for the quiet period


@dataclass(frozen=True)
class EscalationView:
    ref: str
    status: EscalationStatus
    question: str
    clause_ids: tuple[str, ...]
    asker: PersonRef
    recipient: PersonRef
    created_at: datetime
    answer: str | None = None
    answered_by: PersonRef | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: CloseReason | None = None
    routing_note: str | None = None
    guidance_saved: bool = False
    duplicate: bool = False  # True when an idempotency key matched an earlier request
    overdue: bool = False  # still unanswered although its reminder has gone out
    actions: tuple[Action, ...] = field(default=())  # what this viewer may do now
