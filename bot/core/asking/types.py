"""What an adapter gets back from asking: the index answer plus guidance and next steps."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.notifications.types import Action
from index.types import Answer


@dataclass(frozen=True)
class GuidanceView:
    """A manager's earlier answer saved as guidance. Never policy text: label it as such."""

    id: int
    text: str
    author_role: str  # e.g. "Line manager", "Head teacher"; never the author's name
    created_at: datetime
    clause_ids: tuple[str, ...]
    similarity: float

    @property
    def label(self) -> str:
        return f"Guidance from a {self.author_role.lower()}, {self.created_at:%-d %B %Y} (not policy text)"


@dataclass(frozen=True)
class AskResult:
    answer: Answer
    guidance: tuple[GuidanceView, ...] = ()
    # "Ask my line manager" is always offered to listed staff (policy 1.3).
    escalation_offered: bool = True
    # Set when escalation cannot be offered, e.g. the asker is not in the directory.
    escalation_unavailable_reason: str | None = None
    actions: tuple[Action, ...] = field(default=())
